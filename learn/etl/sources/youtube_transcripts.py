"""YouTube transcripts: caption tracks of the loaded YouTube videos → ``Video.transcript``.

As the reference does (``youtube_transcript_api``): the English track a person wrote, else the
generated (ASR) English track. Tracks are read from YouTube's timedtext endpoint
(``YOUTUBE_TIMEDTEXT_URL``): ``?type=list&v=ID`` lists them as XML
(``<transcript_list><track lang_code name kind lang_default/>…``) and
``?v=ID&lang=L[&name=N][&kind=asr]&fmt=vtt`` returns one as WebVTT, parsed by the project's
transcript parser. Only videos without a transcript are fetched unless forced (``--force``);
a video whose tracks cannot be read keeps its transcript. Runs where YouTube is configured;
``--source`` names another timedtext endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from learn.config.env import LearnEnv, get_env
from learn.etl import http
from learn.etl.content.transcripts import parse_vtt
from learn.etl.models import EtlRun
from learn.etl.sources._transcript_job import NoTranscript, fetch_and_write, videos_to_transcribe
from learn.etl.xmlsafe import ParseError, parse_xml

NAME = "youtube_transcripts"
PLATFORM = "youtube"
FULL = False
MAX_LIST_BYTES = 1_000_000


def configured(env: LearnEnv | None = None) -> bool:
    return bool((env or get_env()).youtube_developer_key)


@dataclass(frozen=True)
class Track:
    lang_code: str
    name: str
    generated: bool
    default: bool


def parse_track_list(text: str) -> list[Track]:
    """The tracks of a timedtext ``type=list`` answer; raises ``ValueError`` on bad XML."""
    if len(text) > MAX_LIST_BYTES:
        raise ValueError("track list is larger than 1 MB")
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise ValueError("track list declares a DTD or entities; refused")
    try:
        root = parse_xml(text, "track list")  # UnsafeXml is a ValueError
    except ParseError as exc:
        raise ValueError(f"track list is not XML ({exc})") from None
    if root.tag != "transcript_list":
        raise ValueError(f"track list root is <{root.tag}>, expected <transcript_list>")
    return [
        Track(
            lang_code=str(node.get("lang_code") or ""),
            name=str(node.get("name") or ""),
            generated=node.get("kind") == "asr",
            default=node.get("lang_default") == "true",
        )
        for node in root.iter("track")
        if node.get("lang_code")
    ]


def choose_track(tracks: list[Track]) -> Track:
    """The English track written by a person (default first), else the generated English one."""
    english = [t for t in tracks if t.lang_code.lower().split("-")[0] == "en"]
    manual = sorted((t for t in english if not t.generated), key=lambda t: not t.default)
    generated = [t for t in english if t.generated]
    if manual:
        return manual[0]
    if generated:
        return generated[0]
    languages = ", ".join(sorted({t.lang_code for t in tracks})) or "none"
    raise NoTranscript(f"no English caption track (tracks: {languages})")


def fetch_transcript(base: str, video_id: str, client: httpx.Client) -> str:
    """The transcript text of one video; raises ``FetchError``/``ValueError``/``NoTranscript``."""
    listing = http.get_text(base, client=client, params={"type": "list", "v": video_id})
    track = choose_track(parse_track_list(listing))
    params: dict[str, Any] = {"v": video_id, "lang": track.lang_code, "fmt": "vtt"}
    if track.name:
        params["name"] = track.name
    if track.generated:
        params["kind"] = "asr"
    text = parse_vtt(http.get_text(base, client=client, params=params))
    if not text.strip():
        raise NoTranscript(f"the {track.lang_code} caption track is empty")
    return text


def run_job(env: LearnEnv, source: str | None, run: EtlRun, force: bool = False) -> None:
    """Fetch and store transcripts; fills ``run`` (updated/unchanged/skipped/failed, errors)."""
    base = source or env.youtube_timedtext_url
    fetch_and_write(
        run,
        videos_to_transcribe(PLATFORM, force),
        lambda client, row: fetch_transcript(base, row[1], client),
    )
