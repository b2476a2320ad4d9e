import { describe, expect, it } from "vitest";
import type { Channel } from "@/api/client";
import { channelPath, channelSearchParams, channelView, countsByUrl, countsLabel } from "@/lib/channels";

const base = {
  id: 7,
  avatar: null,
  avatar_small: null,
  avatar_medium: null,
  banner: null,
  lists: [],
  featured_list: null,
  sub_channels: [],
  created_on: "2026-01-01T00:00:00Z",
  updated_on: "2026-01-02T00:00:00Z",
  about: null,
  configuration: {},
  ga_tracking_id: "",
  widget_list: null,
  public_description: "",
};

const topic = (over: Partial<Channel> = {}): Channel =>
  ({ ...base, channel_type: "topic", channel_url: "http://x/c/topic/physics/", name: "physics", title: "Physics", search_filter: "topic=Physics", topic_detail: { topic: 3 }, ...over }) as Channel;

describe("channelSearchParams (the API channel's search_filter → the page's fixed search)", () => {
  it("maps each of Learn's channel filters to its facet", () => {
    expect(channelSearchParams("topic=Physics").fixed).toEqual({ topic: ["Physics"] });
    expect(channelSearchParams("department=6").fixed).toEqual({ department: ["6"] });
    expect(channelSearchParams("offered_by=ocw").fixed).toEqual({ offered_by: ["ocw"] });
  });

  it("decodes values as the backend's urlencode writes them", () => {
    expect(channelSearchParams("topic=Science%2C+Technology%2C+and+Society").fixed).toEqual({ topic: ["Science, Technology, and Society"] });
    expect(channelSearchParams("topic=Health+%26+Medicine").fixed).toEqual({ topic: ["Health & Medicine"] });
  });

  it("takes repeated keys and MIT Learn's comma lists of codes, but never splits a name", () => {
    expect(channelSearchParams("?offered_by=mitx,ocw&offered_by=ocw&resource_type=course&topic=A,+B").fixed).toEqual({
      offered_by: ["mitx", "ocw"],
      resource_type: ["course"],
      topic: ["A, B"],
    });
  });

  it("reports keys the search cannot pin instead of dropping them silently", () => {
    expect(channelSearchParams("q=robots&department=6&professional=true")).toEqual({ fixed: { department: ["6"] }, unsupported: ["q", "professional"] });
  });

  it("is empty for an empty or missing filter", () => {
    expect(channelSearchParams("")).toEqual({ fixed: {}, unsupported: [] });
    expect(channelSearchParams(undefined)).toEqual({ fixed: {}, unsupported: [] });
  });
});

describe("channelView", () => {
  it("takes title, description, fixed search, sub-channels and featured list from the API's channel", () => {
    const view = channelView(
      topic({
        public_description: "All about physics.",
        sub_channels: [
          { parent_channel: "physics", channel: "quantum-mechanics", position: 1 },
          { parent_channel: "physics", channel: "classical-mechanics", position: 0 },
        ],
        featured_list: { id: 42, title: "Start here", url: null },
      }),
      new Map([["classical-mechanics", "Classical Mechanics"]]),
    );
    expect(view).toEqual({
      type: "topic",
      name: "physics",
      title: "Physics",
      description: "All about physics.",
      fixed: { topic: ["Physics"] },
      subChannels: [
        { name: "classical-mechanics", title: "Classical Mechanics", path: "/c/topic/classical-mechanics" },
        { name: "quantum-mechanics", title: "quantum-mechanics", path: "/c/topic/quantum-mechanics" },
      ],
      featured: { id: 42, title: "Start here" },
    });
  });

  it("falls back to a description of its own, or the unit's value proposition", () => {
    expect(channelView(topic()).description).toBe("Courses, programs and learning materials about Physics.");
    const unit = {
      ...base,
      channel_type: "unit",
      channel_url: "http://x/c/unit/ocw/",
      name: "ocw",
      title: "MIT OpenCourseWare",
      search_filter: "offered_by=ocw",
      unit_detail: { unit: { code: "ocw", name: "MIT OpenCourseWare", value_prop: "Free course materials." } },
    } as unknown as Channel;
    expect(channelView(unit)).toMatchObject({ type: "unit", description: "Free course materials.", fixed: { offered_by: ["ocw"] } });
  });
});

describe("channel helpers", () => {
  it("builds paths with the name encoded", () => {
    expect(channelPath("department", "electrical-engineering-and-computer-science")).toBe("/c/department/electrical-engineering-and-computer-science");
    expect(channelPath("topic", "a/b")).toBe("/c/topic/a%2Fb");
  });

  it("matches counts by channel_url and labels them", () => {
    const counts = countsByUrl([{ channel_url: "http://x/c/unit/ocw/", counts: { courses: 2500, programs: 0 } } as never]);
    expect(countsLabel(counts.get("http://x/c/unit/ocw/"))).toBe("2,500 courses");
    expect(countsLabel({ courses: 1, programs: 3 })).toBe("1 course · 3 programs");
    expect(countsLabel(undefined)).toBe("");
  });
});
