"""The project's own transcript parsers: SRT, WebVTT, edX sjson."""

from __future__ import annotations

import html
import io
import json
import tarfile
from pathlib import Path

import pytest

from learn.etl.content.transcripts import (
    TranscriptError,
    parse_sjson,
    parse_srt,
    parse_transcript,
    parse_vtt,
)

SRT = """\ufeff1
00:00:00,270 --> 00:00:02,720
Welcome to <b>8.01</b>,

2
00:00:02,720 --> 00:00:05,430
classical mechanics &amp; more.
Second line.

3
00:00:05,430 --> 00:00:07,000
classical mechanics &amp; more.
Second line.
"""

VTT = """WEBVTT
Kind: captions
Language: en

NOTE this is a comment
spanning lines

STYLE
::cue { color: yellow }

intro
00:00.000 --> 00:02.000 align:start position:0%
<v Prof. Lewin>Hello<c.colorE5E5E5> students</c>

00:00:02.000 --> 00:00:04.000
<00:00:02.500>Today: <i>pendulums</i>
"""


def test_srt_strips_numbers_timings_tags_and_repeats() -> None:
    assert parse_srt(SRT.replace("\n", "\r\n")) == (
        "Welcome to 8.01,\nclassical mechanics & more. Second line."
    )


def test_vtt_skips_header_notes_styles_and_cue_settings() -> None:
    assert parse_vtt(VTT) == "Hello students\nToday: pendulums"


def test_vtt_requires_its_signature() -> None:
    with pytest.raises(TranscriptError, match="does not start with 'WEBVTT'"):
        parse_vtt("00:00.000 --> 00:02.000\nHello")


def test_srt_without_any_timing_is_an_error() -> None:
    with pytest.raises(TranscriptError, match="no cue timing"):
        parse_srt("just some words\nand more")
    assert parse_srt("") == ""


def test_sjson_from_the_real_edx_export(edx_fixtures: Path) -> None:
    with tarfile.open(edx_fixtures / "exported_courses_12345.tar.gz") as outer:
        inner_file = outer.extractfile("content-devops-0001.tar.gz")
        assert inner_file is not None
        with tarfile.open(fileobj=io.BytesIO(inner_file.read())) as inner:
            member = inner.extractfile("content-devops-0001/static/subs_OEoXaMPEzfM.srt.sjson")
            assert member is not None
            raw = member.read()
    cues = [" ".join(html.unescape(t).split()) for t in json.loads(raw)["text"]]
    assert any("&#39;" in t for t in json.loads(raw)["text"])  # entities are decoded
    lines = parse_sjson(raw).split("\n")
    assert (lines[0], lines[-1]) == (cues[0], cues[-1])
    assert set(lines) == {cue for cue in cues if cue}
    assert not any("{" in line or '"start"' in line for line in lines)


@pytest.mark.parametrize(
    "payload",
    [b"[1, 2]", b'{"start": [1], "text": "not a list"}', b'{"text": [1, 2]}'],
)
def test_sjson_shape_errors(payload: bytes) -> None:
    with pytest.raises(TranscriptError, match="sjson: expected"):
        parse_sjson(payload)


def test_dispatch_by_extension() -> None:
    assert parse_transcript(b'{"text": ["a", "b"]}', ".SJSON") == "a\nb"
    with pytest.raises(TranscriptError, match="not a transcript extension"):
        parse_transcript(b"x", ".pdf")
