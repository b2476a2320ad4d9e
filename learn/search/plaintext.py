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
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
# Markdown emphasis markers left unpaired by the source ("__Gilbert Strang_ and_").
_STRAY_MARKS = re.compile(r"(?<![\w*_])[*_]{1,3}(?=\w)|(?<=[\w.,;:!?)])[*_]{1,3}(?![\w*_])")
_STRAY_BRACES = re.compile(r"(?<=\w)[{}]+(?=\W|$)")


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
    html = _markdown().render(str(value))
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    lines: list[str] = []
    for raw in "".join(parser.parts).split("\n"):
        line = _SPACES.sub(" ", raw).strip()
        line = _STRAY_BRACES.sub("", _STRAY_MARKS.sub("", line)).strip()
        if line:
            lines.append(line)
    return "\n".join(lines)
