"""YouTube transcripts through a local timedtext stand-in: track choice, writes, failures."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from learn.catalog.models import Video
from learn.config.celery import app
from learn.config.env import get_env
from learn.etl import schedules
from learn.etl.loader import load_resources
from learn.etl.models import EtlRun, RunStatus
from learn.etl.pipeline import run_source
from learn.etl.records import ResourceRecord
from learn.etl.sources import youtube_transcripts as yt
from learn.etl.tasks import SOURCE_TASKS, task_name

pytestmark = pytest.mark.django_db


def eager(monkeypatch: pytest.MonkeyPatch, value: bool) -> None:
    """Run tasks in the caller (embedded mode) or send them to the broker, for one test."""
    monkeypatch.setitem(app.conf, "task_always_eager", value)


MANUAL_VTT = """WEBVTT

00:00:00.000 --> 00:00:02.500
Welcome to <i>linear algebra</i>.

00:00:02.500 --> 00:00:05.000
Today: the four fundamental subspaces.
"""
ASR_VTT = """WEBVTT
Kind: captions
Language: en

00:00:00.000 --> 00:00:01.000 align:start position:0%
so um vectors

00:00:01.000 --> 00:00:02.000 align:start position:0%
add up
"""


def track_list(*tracks: str) -> str:
    head = '<?xml version="1.0" encoding="utf-8" ?><transcript_list docid="1">'
    return f"{head}{''.join(tracks)}</transcript_list>"


@pytest.fixture(autouse=True)
def in_process_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The embedded mode (tasks run in the caller), even when REDIS_URL names a broker."""
    eager(monkeypatch, True)


@dataclass
class Timedtext:
    """Answers ``?type=list&v=ID`` and ``?v=ID&lang=..&fmt=vtt`` from per-video tables."""

    url: str = ""
    base: str = ""
    lists: dict[str, tuple[int, str]] = field(default_factory=dict)
    tracks: dict[tuple[str, str, str, str], tuple[int, str]] = field(default_factory=dict)
    requests: list[dict[str, str]] = field(default_factory=list)
    files: dict[str, tuple[int, str]] = field(default_factory=dict)  # plain paths (OVS subtitles)

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, str]:
        if path in self.files:
            return self.files[path]
        self.requests.append(query)
        video = query.get("v", "")
        if query.get("type") == "list":
            return self.lists.get(video, (200, track_list()))
        key = (video, query.get("lang", ""), query.get("name", ""), query.get("kind", ""))
        return self.tracks.get(key, (404, ""))


@pytest.fixture
def timedtext() -> Iterator[Timedtext]:
    state = Timedtext()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            status, body = state.answer(parts.path, dict(parse_qsl(parts.query)))
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    state.url = f"{state.base}/api/timedtext"
    yield state
    server.shutdown()
    server.server_close()


def video_record(video_id: str, platform: str = "youtube") -> ResourceRecord:
    return ResourceRecord(
        readable_id=video_id, resource_type="video", platform=platform, etl_source=platform,
        title=f"Video {video_id}", url=f"https://www.youtube.com/watch?v={video_id}",
        detail={"duration": "PT5M"},
    )  # fmt: skip


@pytest.fixture
def videos(etl_taxonomy: None) -> None:
    """Three loaded YouTube videos: manual+ASR English, ASR only, French only."""
    load_resources([video_record(v) for v in ("vidManual1", "vidAsr0002", "vidFrench3")], "youtube")


@pytest.fixture
def serve_all(timedtext: Timedtext) -> Timedtext:
    timedtext.lists["vidManual1"] = (200, track_list(
        '<track id="0" name="" lang_code="en" kind="asr" lang_original="English"/>',
        '<track id="1" name="English (MIT)" lang_code="en" lang_default="true"/>',
        '<track id="2" name="" lang_code="es"/>',
    ))  # fmt: skip
    timedtext.tracks[("vidManual1", "en", "English (MIT)", "")] = (200, MANUAL_VTT)
    timedtext.tracks[("vidManual1", "en", "", "asr")] = (200, ASR_VTT)
    timedtext.lists["vidAsr0002"] = (
        200,
        track_list('<track name="" lang_code="en-US" kind="asr"/>'),
    )
    timedtext.tracks[("vidAsr0002", "en-US", "", "asr")] = (200, ASR_VTT)
    timedtext.lists["vidFrench3"] = (200, track_list('<track name="" lang_code="fr"/>'))
    return timedtext


def transcript(video_id: str) -> str:
    return Video.objects.get(learning_resource__readable_id=video_id).transcript


def test_transcripts_prefer_manual_english_then_generated(
    videos: None, serve_all: Timedtext, etl_hooks: Any
) -> None:
    run = run_source("youtube_transcripts", source=serve_all.url)
    assert run.status == RunStatus.ok
    assert transcript("vidManual1") == (
        "Welcome to linear algebra.\nToday: the four fundamental subspaces."
    )
    assert transcript("vidAsr0002") == "so um vectors\nadd up"
    assert transcript("vidFrench3") == ""
    assert (run.extracted, run.updated, run.skipped, run.failed) == (3, 2, 1, 0)
    assert "no English caption track (tracks: fr)" in str(run.errors)
    fetched = [q for q in serve_all.requests if q.get("fmt") == "vtt"]
    assert {(q["v"], q.get("name", ""), q.get("kind", "")) for q in fetched} == {
        ("vidManual1", "English (MIT)", ""), ("vidAsr0002", "", "asr"),
    }  # fmt: skip
    changed = etl_hooks.changed_ids()
    assert {v.learning_resource.readable_id for v in Video.objects.filter(pk__in=changed)} == {
        "vidManual1", "vidAsr0002",
    }  # fmt: skip


def test_only_missing_transcripts_are_fetched_unless_forced(
    videos: None, serve_all: Timedtext
) -> None:
    run_source("youtube_transcripts", source=serve_all.url)
    serve_all.requests.clear()
    again = run_source("youtube_transcripts", source=serve_all.url)
    assert again.extracted == 1  # only the French-only video still lacks one
    forced = run_source("youtube_transcripts", source=serve_all.url, force=True)
    assert (forced.extracted, forced.updated, forced.unchanged) == (3, 0, 2)


@pytest.mark.parametrize(
    "broken",
    [
        {"list": (500, "boom")},
        {"list": (200, "<transcript_list><track")},
        {"list": (200, '<!DOCTYPE x [<!ENTITY a "b">]><transcript_list/>')},
        {"list": (200, "<html>captcha</html>")},
        {"track": (200, "not a vtt file")},
        {"track": (404, "")},
    ],
)
def test_failures_leave_existing_transcripts_untouched(
    videos: None, serve_all: Timedtext, etl_fast_http: None, broken: dict[str, tuple[int, str]]
) -> None:
    run_source("youtube_transcripts", source=serve_all.url)
    before = transcript("vidManual1")
    assert before
    if "list" in broken:
        serve_all.lists["vidManual1"] = broken["list"]
    else:
        serve_all.tracks[("vidManual1", "en", "English (MIT)", "")] = broken["track"]
    run = run_source("youtube_transcripts", source=serve_all.url, force=True)
    assert transcript("vidManual1") == before
    assert transcript("vidAsr0002") == "so um vectors\nadd up"
    assert run.failed == 1 and run.status == RunStatus.ok
    assert any(e["record"] == "vidManual1" for e in run.errors)


def test_every_video_failing_fails_the_run(
    videos: None, timedtext: Timedtext, etl_fast_http: None
) -> None:
    for vid in ("vidManual1", "vidAsr0002", "vidFrench3"):
        timedtext.lists[vid] = (503, "down")
    run = run_source("youtube_transcripts", source=timedtext.url)
    assert run.status == RunStatus.failed and run.failed == 3
    assert not Video.objects.exclude(transcript="").exists()


def test_other_platforms_and_unpublished_videos_are_not_fetched(
    etl_taxonomy: None, serve_all: Timedtext
) -> None:
    load_resources([video_record("ovsVideo1", platform="ovs")], "ovs")
    load_resources([video_record("vidManual1")], "youtube")
    load_resources([], "youtube", force=True)  # unpublishes vidManual1
    run = run_source("youtube_transcripts", source=serve_all.url)
    assert run.extracted == 0 and serve_all.requests == []


def test_registered_task_and_schedule_run_through_the_configured_endpoint(
    videos: None, serve_all: Timedtext, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "etl-youtube_transcripts" in schedules.REGISTERED
    entry = app.conf.beat_schedule["etl-youtube_transcripts"]
    assert entry["task"] == task_name("youtube_transcripts")
    assert entry["schedule"] == schedules.TIMETABLE["youtube_transcripts"]
    assert task_name("youtube_transcripts") in app.tasks

    skipped = SOURCE_TASKS["youtube_transcripts"].delay().get()
    assert skipped["status"] == RunStatus.skipped  # YouTube not configured here

    env = get_env()
    monkeypatch.setattr(env, "youtube_developer_key", "test-key")
    monkeypatch.setattr(env, "youtube_timedtext_url", serve_all.url)
    result = SOURCE_TASKS["youtube_transcripts"].delay().get()
    assert result["status"] == RunStatus.ok and result["updated"] == 2
    assert EtlRun.objects.filter(source="youtube_transcripts").count() == 2
    assert transcript("vidAsr0002") == "so um vectors\nadd up"


def test_track_choice_rules() -> None:
    tracks = yt.parse_track_list(track_list(
        '<track name="a" lang_code="en" kind="asr"/>', '<track name="b" lang_code="en-GB"/>',
        '<track name="c" lang_code="en" lang_default="true"/>',
    ))  # fmt: skip
    assert yt.choose_track(tracks).name == "c"
    assert yt.choose_track(tracks[:1]).generated
    with pytest.raises(yt.NoTranscript):
        yt.choose_track([])
    with pytest.raises(ValueError, match="DTD"):
        yt.parse_track_list("<!DOCTYPE a><transcript_list/>")


# ---------------------------------------------------------------- OVS subtitles


def ovs_video(key: str, captions: list[dict[str, str]]) -> ResourceRecord:
    return ResourceRecord(
        readable_id=key, resource_type="video", platform="ovs", etl_source="ovs",
        title=f"OVS {key}", detail={"caption_urls": captions},
    )  # fmt: skip


def test_ovs_transcripts_from_english_subtitles(
    etl_taxonomy: None, timedtext: Timedtext, etl_fast_http: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_env(), "ovs_api_base_url", timedtext.base)
    timedtext.files["/subs/a-en.vtt"] = (200, MANUAL_VTT)
    load_resources(
        [
            ovs_video("ovsA", [
                {"language": "fr", "url": f"{timedtext.base}/subs/a-fr.vtt"},
                {"language": "en", "url": f"{timedtext.base}/subs/a-en.vtt"},
            ]),
            ovs_video("ovsB", [{"language": "fr", "url": f"{timedtext.base}/subs/b-fr.vtt"}]),
            ovs_video("ovsC", [{"language": "en", "url": "https://elsewhere.example/c.vtt"}]),
        ],
        "ovs",
    )  # fmt: skip
    run = run_source("ovs_transcripts")
    assert run.status == RunStatus.ok
    assert (
        transcript("ovsA") == "Welcome to linear algebra.\nToday: the four fundamental subspaces."
    )
    assert transcript("ovsB") == "" and transcript("ovsC") == ""
    assert (run.updated, run.skipped, run.failed) == (1, 1, 1)
    assert "not on an allowed OVS host" in str(run.errors)

    timedtext.files["/subs/a-en.vtt"] = (500, "down")
    again = run_source("ovs_transcripts", force=True)
    assert transcript("ovsA").startswith("Welcome to linear algebra.")
    assert again.failed == 2 and again.status == RunStatus.ok


def test_ovs_transcripts_are_scheduled() -> None:
    entry = app.conf.beat_schedule["etl-ovs_transcripts"]
    assert (
        entry["task"] == task_name("ovs_transcripts") and task_name("ovs_transcripts") in app.tasks
    )
