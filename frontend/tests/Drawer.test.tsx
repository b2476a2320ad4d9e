import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { Drawer } from "@/components/Drawer";
import { router } from "./fixtures";

vi.mock("next/navigation", () => ({ useRouter: () => router }));

beforeEach(() => router.push.mockReset());

function Page({ open }: { open: boolean }) {
  return (
    <>
      <div data-resource-id="5">
        <a href="/search?resource=5">Open</a>
      </div>
      {open && (
        <Drawer title="Course" closeHref="/search?q=x" resourceId="5">
          <a href="/one">One</a>
          <a href="/two">Two</a>
        </Drawer>
      )}
    </>
  );
}

describe("Drawer", () => {
  it("moves focus in, traps Tab, closes on Escape and restores focus to the opener", async () => {
    const { rerender } = render(<Page open={false} />);
    screen.getByRole("link", { name: "Open" }).focus();
    rerender(<Page open />);
    const close = screen.getByRole("button", { name: "Close" });
    expect(close).toHaveFocus();
    expect(screen.getByRole("dialog", { name: "Course" })).toHaveAttribute("aria-modal", "true");

    await userEvent.tab();
    expect(screen.getByRole("link", { name: "One" })).toHaveFocus();
    await userEvent.tab();
    expect(screen.getByRole("link", { name: "Two" })).toHaveFocus();
    await userEvent.tab(); // wraps
    expect(close).toHaveFocus();
    await userEvent.tab({ shift: true }); // wraps backwards
    expect(screen.getByRole("link", { name: "Two" })).toHaveFocus();

    await userEvent.keyboard("{Escape}");
    expect(router.push).toHaveBeenCalledWith("/search?q=x", { scroll: false });
    rerender(<Page open={false} />);
    expect(screen.getByRole("link", { name: "Open" })).toHaveFocus();
  });
});
