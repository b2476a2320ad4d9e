"""Transcripts to plain text: SubRip (``.srt``), WebVTT (``.vtt``) and edX ``.sjson``.

Each parser returns the spoken text, one cue per line, with cue numbers, timings, styling tags
and settings removed. A cue that repeats the previous one (rolling captions) is kept once.
Malformed input raises :class:`TranscriptError` naming what is wrong.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable

TRANSCRIPT_EXTENSIONS = frozenset({".srt", ".vtt", ".sjson"})

_TIMING = re.compile(
    r"^\s*(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}\s*-->\s*(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}"
)
_TAG = re.compile(r"<[^>]*>")
_BLOCKS = re.compile(r"\n\s*\n")


class TranscriptError(ValueError):
    """The transcript cannot be read as the format its name says."""


def _decode(data: bytes | str) -> str:
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _clean(line: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", line)).split())


def _join(cues: Iterable[str]) -> str:
    out: list[str] = []
    for cue in cues:
        if cue and (not out or out[-1] != cue):
            out.append(cue)
    return "\n".join(out)


def _cue_text(lines: list[str]) -> str:
    """The text of one cue block: the lines after its timing line."""
    for index, line in enumerate(lines):
        if _TIMING.match(line):
            return " ".join(filter(None, (_clean(text) for text in lines[index + 1 :])))
    return ""


def parse_srt(data: bytes | str) -> str:
    text = _decode(data).strip()
    if not text:
        return ""
    blocks = [block.split("\n") for block in _BLOCKS.split(text)]
    if not any(_TIMING.match(line) for block in blocks for line in block):
        raise TranscriptError("SRT: no cue timing line (00:00:01,000 --> 00:00:02,000) found")
    return _join(_cue_text(block) for block in blocks)


def parse_vtt(data: bytes | str) -> str:
    text = _decode(data).strip()
    if not text.startswith("WEBVTT"):
        raise TranscriptError("WebVTT: the file does not start with 'WEBVTT'")
    blocks = [block.split("\n") for block in _BLOCKS.split(text)][1:]  # the header block
    cues = (
        _cue_text(block)
        for block in blocks
        if block and not block[0].startswith(("NOTE", "STYLE", "REGION"))
    )
    return _join(cues)


def parse_sjson(data: bytes | str) -> str:
    try:
        payload = json.loads(_decode(data))
    except json.JSONDecodeError as exc:
        raise TranscriptError(f"sjson: not JSON ({exc.msg} at line {exc.lineno})") from None
    texts = payload.get("text") if isinstance(payload, dict) else None
    if not isinstance(texts, list) or not all(isinstance(item, str) for item in texts):
        raise TranscriptError("sjson: expected an object with a 'text' list of strings")
    return _join(_clean(item) for item in texts)


def parse_transcript(data: bytes | str, extension: str) -> str:
    """Dispatch on the file extension (``.srt``, ``.vtt`` or ``.sjson``)."""
    parsers = {".srt": parse_srt, ".vtt": parse_vtt, ".sjson": parse_sjson}
    parser = parsers.get(extension.lower())
    if parser is None:
        raise TranscriptError(f"not a transcript extension: {extension!r}")
    return parser(data)
