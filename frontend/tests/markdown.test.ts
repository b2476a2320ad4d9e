import { describe, expect, it } from "vitest";
import { descriptionHtml, descriptionText } from "@/lib/markdown";

describe("descriptions", () => {
  it("renders Markdown headings, paragraphs and lists", () => {
    const html = descriptionHtml("This course covers **linear algebra**.\n\n## Course Format\n\n- Lecture videos\n- Problem sets");
    expect(html).toContain("<p>This course covers <strong>linear algebra</strong>.</p>");
    expect(html).toContain("<h3>Course Format</h3>");
    expect(html).toMatch(/<ul>\s*<li>Lecture videos<\/li>\s*<li>Problem sets<\/li>\s*<\/ul>/);
  });

  it("keeps HTML structure and removes anything unsafe", () => {
    const html = descriptionHtml(
      '<p onclick="x()">Hi <a href="javascript:alert(1)">bad</a> <a href="https://ocw.mit.edu/">good</a></p><script>alert(1)</script><img src=x onerror=alert(1)><style>p{}</style>',
    );
    expect(html).not.toMatch(/script|onerror|onclick|javascript:|<img|<style/);
    expect(html).toContain('<a href="https://ocw.mit.edu/" rel="noopener noreferrer nofollow">good</a>');
  });

  it("drops markers a source left unpaired", () => {
    expect(descriptionText("Taught by __Gilbert Strang_ and_ others in MATLAB}.")).toBe("Taught by Gilbert Strang and others in MATLAB.");
  });

  it("gives cards one line of plain text, shortened at a word", () => {
    const text = descriptionText("## Overview\n\nVectors &amp; matrices.\n\n- one\n- two", 30);
    expect(text).toBe("Overview Vectors & matrices.…");
    expect(descriptionText(null)).toBe("");
  });
});
