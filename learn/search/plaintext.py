"""Descriptions as clean plain text for the search documents.

Source descriptions mix Markdown and HTML ("**Course Format**", "<p>…</p>", "__Gilbert Strang__").
Indexing that markup verbatim makes snippets read "…Linear Algebra. Course Format This course…" and
leaves stray ``__`` and ``}`` in them. The text is rendered with markdown-it (CommonMark, raw HTML
allowed through) and the HTML's text is kept, block by block: a heading, paragraph or list item ends
its line, so sentences never run into the next heading. Script and style bodies are dropped.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser

from markdown_it import MarkdownIt

# Elements whose end (or start) is a line break in the plain text.
_BLOCKS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "table",
        "tr",
        "hr",
        "section",
        "article",
        "dt",
        "dd",
    }
)
_DROPPED = frozenset({"script", "style", "template", "iframe", "object"})
# Markdown emphasis markers left unpaired by the source ("__Gilbert Strang_ and_").
_STRAY_MARKS = re.compile(r"(?<![\w*_])[*_]{1,3}(?=\w)|(?<=[\w.,;:!?)])[*_]{1,3}(?![\w*_])")
_STRAY_BRACES = re.compile(r"(?<=\w)[{}]+(?=\W|$)")
# Characters that may be Markdown or HTML anywhere in a line, and line starts that may be a heading,
# quote, list item or rule. Text without any (most descriptions) skips the renderer and the regexes:
# both cost far more than the plain path on an indexer's hot path.
_INLINE_MARKUP = ("<", "&", "*", "_", "`", "[", "{", "}", "\\")
_LIST_NUMBER = re.compile(r"\d{1,9}[.)](?:\s|$)")


def _needs_render(text: str) -> bool:
    if any(c in text for c in _INLINE_MARKUP):
        return True
    for line in text.split("\n"):
        start = line.lstrip(" ")
        if start[:1] in ("#", ">", "-", "+", "=") or (
            start[:1].isdigit() and _LIST_NUMBER.match(start)
        ):
            return True
    return False


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._dropped = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self._dropped += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self._dropped = max(0, self._dropped - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._dropped:
            self.parts.append(data)


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # "commonmark" with raw HTML passed through: the source's own tags are then read as text blocks.
    return MarkdownIt("commonmark", {"html": True, "breaks": True})


def plain_text(value: str | None) -> str:
    """The readable text of a Markdown/HTML description: one line per block, no markup left."""
    if not value:
        return ""
    text = str(value)
    if not _needs_render(text):
        return "\n".join(
            line for line in (" ".join(raw.split()) for raw in text.split("\n")) if line
        )
    parser = _TextOf()
    parser.feed(_markdown().render(text))
    parser.close()
    lines: list[str] = []
    for raw in "".join(parser.parts).split("\n"):
        line = " ".join(raw.split())
        if "_" in line or "*" in line:
            line = _STRAY_MARKS.sub("", line)
        if "{" in line or "}" in line:
            line = _STRAY_BRACES.sub("", line)
        line = line.strip()
        if line:
            lines.append(line)
    return "\n".join(lines)
