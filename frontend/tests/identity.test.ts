import { describe, expect, it } from "vitest";
import { courseIdentity, instructorHref } from "@/lib/identity";
import { groupMaterials } from "@/lib/materials";
import { resource } from "./fixtures";

describe("course identity", () => {
  it("names the primary number, the run's term, its instructors and level", () => {
    const r = resource({
      course: { course_numbers: [{ value: "6.046", listing_type: "cross-listed" }, { value: "18.410", listing_type: "primary" }] },
    });
    const id = courseIdentity(r);
    expect(id.number).toBe("18.410");
    expect(id.crossListed).toEqual(["6.046"]);
    expect(id.term).toBe("Fall 2020");
    expect(id.instructors).toEqual(["Prof. Erik Demaine"]);
    expect(id.levels).toEqual(["Undergraduate"]);
  });

  it("is empty where the resource says nothing", () => {
    const id = courseIdentity(resource({ course: null, runs: [], best_run_id: null }));
    expect(id).toEqual({ number: "", crossListed: [], term: "", instructors: [], levels: [] });
  });

  it("links an instructor to their search", () => {
    expect(instructorHref("Gilbert Strang")).toBe("/search?instructor=Gilbert+Strang");
  });
});

describe("course materials", () => {
  it("groups content files by type, declared features first", () => {
    const groups = groupMaterials([
      { id: 1, title: "Lecture 1 Notes", content_feature_type: ["Lecture Notes"], file_type: "application/pdf" },
      { id: 2, title: "Lecture 1", content_feature_type: ["Lecture Videos"], youtube_id: "abc" },
      { id: 3, title: "Assignment 1", content_feature_type: [], file_type: "application/pdf" },
      { id: 4, title: "Midterm exam", content_feature_type: ["Exams"] },
      { id: 5, title: "Syllabus", content_feature_type: [] },
    ] as never[]);
    expect(groups.map((g) => [g.title, g.files.map((f: { id: number }) => f.id)])).toEqual([
      ["Lecture notes", [1]],
      ["Videos", [2]],
      ["Problem sets", [3]],
      ["Exams", [4]],
      ["Other materials", [5]],
    ]);
  });
});
