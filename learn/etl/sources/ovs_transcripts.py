"""OVS transcripts: the English WebVTT subtitles of loaded OVS videos → ``Video.transcript``.

The OVS source stores each video's subtitle files in ``Video.caption_urls`` (``{language,
language_name, url}``, on the OVS API host). This job fetches the English one (``en``/``en-*``)
of every published OVS video without a transcript (all of them with ``--force``), parses it with
the project's WebVTT parser and writes it; a video whose file cannot be read keeps its text.
Only https/http URLs on the OVS API host or ``OVS_ALLOWED_MEDIA_HOSTS`` are fetched.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx

from learn.config.env import LearnEnv, get_env
from learn.etl import http
from learn.etl.content.transcripts import parse_vtt
from learn.etl.models import EtlRun
from learn.etl.sources._transcript_job import NoTranscript, fetch_and_write, videos_to_transcribe

NAME = "ovs_transcripts"
PLATFORM = "ovs"
FULL = False


def configured(env: LearnEnv | None = None) -> bool:
    return bool((env or get_env()).ovs_api_base_url)


def english_caption(captions: Any) -> str:
    """The URL of the English subtitle file; raises :class:`NoTranscript` when there is none."""
    for caption in captions if isinstance(captions, list) else []:
        language = str((caption or {}).get("language") or "").lower()
        if language.split("-")[0] == "en" and caption.get("url"):
            return str(caption["url"])
    raise NoTranscript("no English subtitle file")


def run_job(env: LearnEnv, source: str | None, run: EtlRun, force: bool = False) -> None:
    """Fetch and store transcripts; ``source`` overrides the OVS API base (allowed host)."""
    from learn.etl.sources.ovs import allowed_hosts

    hosts = set(allowed_hosts(env, (source or env.ovs_api_base_url or "").rstrip("/")))

    def fetch(client: httpx.Client, row: tuple[int, str, Any]) -> str:
        url = english_caption(row[2])
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() not in hosts:
            raise ValueError(f"subtitle URL {url!r} is not on an allowed OVS host")
        text = parse_vtt(http.get_text(url, client=client))
        if not text.strip():
            raise NoTranscript("the English subtitle file is empty")
        return text

    fetch_and_write(run, videos_to_transcribe(PLATFORM, force, "caption_urls"), fetch)
