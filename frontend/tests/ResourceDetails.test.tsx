import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ResourceDetails } from "@/components/ResourceDetails";
import { highlightSegments } from "@/lib/format";
import { resource } from "./fixtures";

describe("ResourceDetails", () => {
  it("shows title, call to action, info and runs", () => {
    render(
      <ResourceDetails
        headingLevel={1}
        resource={resource({
          free: false,
          certification: true,
          certification_type: { code: "professional", name: "Professional Certificate" },
          resource_prices: [{ amount: "1250", currency: "USD" }],
          runs: [
            { id: 11, run_id: "r", title: "t", start_date: "2026-01-05T00:00:00Z", end_date: "2026-03-01T00:00:00Z", delivery: [{ code: "in_person", name: "In person" }], location: "Cambridge, MA", resource_prices: [{ amount: "1250", currency: "USD" }], instructors: [], level: [], format: [], pace: [], image: null },
          ],
        })}
      />,
    );
    expect(screen.getByRole("heading", { level: 1, name: "Introduction to Algorithms" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: /Access Course Materials/ })).toHaveAttribute("href", "https://ocw.example/6-006");
    expect(screen.getByText("Professional Certificate")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Computer Science" })).toHaveAttribute("href", "/c/topic/computer-science");
    const table = screen.getByRole("table");
    const row = within(table).getAllByRole("row")[1];
    expect(row).toHaveTextContent("January 5, 2026 – March 1, 2026");
    expect(row).toHaveTextContent("In person");
    expect(row).toHaveTextContent("Cambridge, MA");
    expect(row).toHaveTextContent("$1,250");
  });

  it("renders an audio player for podcast episodes", () => {
    const { container } = render(
      <ResourceDetails headingLevel={1} resource={resource({ resource_type: "podcast_episode", podcast_episode: { audio_url: "https://a.example/ep.mp3", parent_podcasts: [], podcasts: [] } })} />,
    );
    expect(container.querySelector("audio")).toHaveAttribute("src", "https://a.example/ep.mp3");
  });

  it("never turns description HTML into markup", () => {
    const { container } = render(<ResourceDetails headingLevel={1} resource={resource({ description: '<img src=x onerror="alert(1)">Safe text' })} />);
    expect(container.querySelector("img[onerror]")).toBeNull();
    expect(screen.getByText("Safe text")).toBeInTheDocument();
  });
});

describe("highlightSegments", () => {
  it("marks <em> spans and strips any other markup", () => {
    expect(highlightSegments("a <em>b</em> <script>c</script>")).toEqual([
      { text: "a", mark: false },
      { text: "b", mark: true },
      { text: "c", mark: false },
    ]);
  });
});
