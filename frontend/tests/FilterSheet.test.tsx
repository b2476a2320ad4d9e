import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { FilterSheet } from "@/components/FilterSheet";

function narrow(matches: boolean) {
  vi.stubGlobal("matchMedia", (query: string) => ({ matches, media: query, addEventListener: () => {}, removeEventListener: () => {} }));
}

describe("FilterSheet", () => {
  it("opens as a dialog on phones, keeps focus inside and closes with Show N results", async () => {
    narrow(true);
    const user = userEvent.setup();
    render(
      <FilterSheet activeCount={2} resultCount={1234}>
        <label>
          <input type="checkbox" /> Free
        </label>
      </FilterSheet>,
    );
    const button = screen.getByRole("button", { name: "Filters (2)" });
    expect(button).toHaveAttribute("aria-expanded", "false");
    expect(screen.queryByRole("dialog")).toBeNull();
    await user.click(button);
    const dialog = screen.getByRole("dialog", { name: "Filters" });
    expect(dialog).toHaveAttribute("aria-modal", "true");
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Close filters" }));
    await user.tab();
    await user.tab();
    await user.tab();
    expect(dialog.contains(document.activeElement)).toBe(true);
    await user.click(screen.getByRole("button", { name: "Show 1,234 results" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    await user.click(button);
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
    vi.unstubAllGlobals();
  });

  it("never becomes a dialog on wide screens", async () => {
    narrow(false);
    render(
      <FilterSheet activeCount={0} resultCount={5}>
        <p>facets</p>
      </FilterSheet>,
    );
    await userEvent.click(screen.getByRole("button", { name: "Filters (0)" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    vi.unstubAllGlobals();
  });
});
