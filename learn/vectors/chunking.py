"""Token-based chunking: markdown is split on headings first, then text is packed into chunks.

Sizes are cl100k tokens. Paragraphs, then sentences, are kept whole when they fit; a piece longer
than a chunk is cut into token windows. Each chunk after the first starts with the last ``overlap``
tokens of the previous one. Sub-chunks of a markdown section carry its heading path ("A > B").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from learn.vectors import tokens

_HEADING = re.compile(r"^(#{1,4})\s+(.+?)\s*#*\s*$", re.MULTILINE)
_PARAGRAPHS = re.compile(r"\n\s*\n")
_SENTENCES = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Section:
    path: tuple[str, ...]
    text: str


def markdown_sections(text: str) -> list[Section]:
    """Split markdown on H1–H4 headings; text before the first heading is its own section."""
    sections: list[Section] = []
    path: list[str] = []
    last = 0
    current: tuple[str, ...] = ()
    for match in _HEADING.finditer(text):
        body = text[last : match.start()].strip()
        if body:
            sections.append(Section(current, body))
        level = len(match.group(1))
        path = path[: level - 1] + [""] * max(0, level - 1 - len(path))
        path.append(match.group(2).strip())
        current = tuple(p for p in path if p)
        last = match.end()
    body = text[last:].strip()
    if body:
        sections.append(Section(current, body))
    return sections


def _pieces(text: str, size: int) -> Iterator[list[int]]:
    """Token lists no longer than ``size``: paragraphs, else sentences, else token windows."""
    for paragraph in _PARAGRAPHS.split(text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        ids = tokens.encode(paragraph + "\n\n")
        if len(ids) <= size:
            yield ids
            continue
        for n, sentence in enumerate(_SENTENCES.split(paragraph)):
            ids = tokens.encode(sentence if n == 0 else " " + sentence)
            for start in range(0, len(ids), size):
                yield ids[start : start + size]
        yield tokens.encode("\n\n")


def split_text(text: str, size: int, overlap: int = 0) -> list[str]:
    """Pack ``text`` into chunks of at most ``size`` tokens with ``overlap`` tokens carried over."""
    if size <= 0:
        raise ValueError("chunk size must be positive")
    overlap = max(0, min(overlap, size // 2))
    chunks: list[list[int]] = []
    current: list[int] = []
    fresh = 0  # tokens in ``current`` that are not overlap
    for piece in _pieces(text, size - overlap if overlap else size):
        if not tokens.decode(piece).strip():  # a paragraph break never starts a chunk
            if fresh and len(current) + len(piece) <= size:
                current = current + piece
            continue
        if current and len(current) + len(piece) > size and fresh:
            chunks.append(current)
            current = current[-overlap:] if overlap else []
            fresh = 0
        current = current + piece
        fresh += len(piece)
    if fresh:
        chunks.append(current)
    return [tokens.decode(c).strip() for c in chunks if tokens.decode(c).strip()]


def chunk_document(text: str, size: int, overlap: int = 0, markdown: bool = False) -> list[str]:
    """Chunks of one document.

    Markdown is split on headings first; consecutive small sections are packed together (each keeps
    its heading), and a section too big for one chunk is split with its heading path as a prefix.
    """
    if not text or not text.strip():
        return []
    if not markdown:
        return split_text(text, size, overlap)
    out: list[str] = []
    packed: list[str] = []
    packed_tokens = 0
    for section in markdown_sections(text):
        prefix = " > ".join(section.path)
        whole = f"{prefix}\n{section.text}" if prefix else section.text
        n = tokens.count_tokens(whole) + 2
        if packed and packed_tokens + n > size:
            out.append("\n\n".join(packed))
            packed, packed_tokens = [], 0
        if n <= size:
            packed.append(whole)
            packed_tokens += n
            continue
        budget = size - (tokens.count_tokens(prefix + "\n") if prefix else 0)
        for chunk in split_text(section.text, max(budget, size // 2), overlap):
            out.append(f"{prefix}\n{chunk}" if prefix else chunk)
    if packed:
        out.append("\n\n".join(packed))
    return out


def looks_like_markdown(text: str, file_extension: str | None = None) -> bool:
    if (file_extension or "").lower() in (".md", ".markdown", "md", "markdown"):
        return True
    return bool(_HEADING.search(text or ""))
