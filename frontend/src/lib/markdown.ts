// Descriptions arrive as Markdown, HTML or a mix of both. They are rendered with markdown-it (raw HTML
// allowed through, so HTML sources keep their structure) and then cleaned by sanitize-html against a short
// allow-list: text structure only, links made safe, no scripts, styles, images or event handlers.
// Server-only: pages render descriptions on the server, so neither library ships to the browser.
import MarkdownIt from "markdown-it";
import sanitizeHtml from "sanitize-html";

const md = new MarkdownIt("commonmark", { html: true, linkify: false, breaks: true });

const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: ["p", "br", "ul", "ol", "li", "strong", "b", "em", "i", "code", "pre", "blockquote", "a", "h3", "h4", "h5", "h6", "sub", "sup"],
  allowedAttributes: { a: ["href", "rel"] },
  allowedSchemes: ["http", "https", "mailto"],
  // Headings of a description sit below the page's own headings.
  transformTags: {
    h1: "h3",
    h2: "h3",
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: "noopener noreferrer nofollow" } }),
  },
  exclusiveFilter: (frame) => ["p", "li", "h3", "h4", "h5", "h6", "a"].includes(frame.tag) && !frame.text.trim() && !frame.mediaChildren?.length,
  nonTextTags: ["script", "style", "textarea", "option", "noscript", "template", "iframe", "object"],
};

// Markers left unpaired by a source ("__Gilbert Strang_ and_", "MATLAB}"): removed from text only.
const STRAY_MARKS = /(?<![\w*_])[*_]{1,3}(?=\w)|(?<=[\w.,;:!?)])[*_]{1,3}(?![\w*_])/g;
const STRAY_BRACES = /(?<=\w)[{}]+(?=\W|$)/g;

function tidyText(html: string): string {
  // Only text between tags is touched, never the tags themselves.
  return html.replace(/>([^<]+)</g, (_, text: string) => `>${text.replace(STRAY_MARKS, "").replace(STRAY_BRACES, "")}<`);
}

/** Sanitized HTML for a description (paragraphs, lists, emphasis, links); empty for no description. */
export function descriptionHtml(source: string | null | undefined): string {
  if (!source?.trim()) return "";
  const html = sanitizeHtml(md.render(source), ALLOWED);
  return tidyText(`>${html}<`).slice(1, -1).trim();
}

/** The description as one line of plain text (cards), optionally shortened at a word boundary. */
export function descriptionText(source: string | null | undefined, max = 0): string {
  const html = descriptionHtml(source);
  const text = sanitizeHtml(html.replace(/<\/(p|li|h\d|blockquote|pre)>|<br\s*\/?>/g, " "), { allowedTags: [], allowedAttributes: {} })
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (max && text.length > max) return text.slice(0, max - 1).replace(/\s+\S*$/, "") + "…";
  return text;
}
