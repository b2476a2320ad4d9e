import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { FacetGroup } from "@/components/FacetGroup";
import { router } from "./fixtures";

vi.mock("next/navigation", () => ({ useRouter: () => router }));

const options = Array.from({ length: 7 }, (_, i) => ({ key: `k${i}`, label: `Value ${i}`, count: 70 - i, checked: i === 6, href: `/search?f=k${i}` }));

beforeEach(() => router.push.mockReset());

describe("FacetGroup", () => {
  it("shows the top values plus checked ones, and the rest behind show more", async () => {
    render(<FacetGroup title="Topic" options={options} />);
    expect(screen.getAllByRole("checkbox")).toHaveLength(6);
    expect(screen.getByRole("checkbox", { name: /Value 6/ })).toBeChecked();
    const more = screen.getByRole("button", { name: /Show 1 more/ });
    await userEvent.click(more);
    expect(screen.getAllByRole("checkbox")).toHaveLength(7);
    expect(screen.getByRole("button", { name: /Show less/ })).toHaveAttribute("aria-expanded", "true");
  });

  it("navigates to the value's URL when toggled by keyboard", async () => {
    render(<FacetGroup title="Topic" options={options} />);
    screen.getByRole("checkbox", { name: /Value 1/ }).focus();
    await userEvent.keyboard(" ");
    expect(router.push).toHaveBeenCalledWith("/search?f=k1", { scroll: false });
  });

  it("renders nothing without options", () => {
    const { container } = render(<FacetGroup title="Topic" options={[]} />);
    expect(container).toBeEmptyDOMElement();
  });
});
