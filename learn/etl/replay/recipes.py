"""How each source's recorded payloads are served: routes on a :class:`StandIn` and the source
settings (environment variable names) that point the source's real client at them.

Each recipe answers the way the upstream documents it (paging, OAuth2 client credentials, GraphQL
POSTs, YouTube's list calls) and serves the recorded files unchanged. A recipe returns the settings
to apply; the caller decides how (``replay.run`` sets them for one process, tests through
``monkeypatch``).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from learn.etl.replay.standin import Answer, Request, StandIn

Settings = dict[str, str]

JSON = "application/json"

# Client credentials the stand-ins accept (the replayed sources' own token endpoints).
EDX_CLIENT = ("learn-replay", "replay-secret")
SEE_CLIENT = ("learn-replay", "replay-secret")

YOUTUBE_CONFIG = """
- channel_id: UCTBMWu8yshnAmpzR3MoJFtw
  offered_by: MITx
  playlists:
    - id: PLTz-v-F773kXwTSKsX_E9t8ZnP_3LYaGy
- channel_id: UCEBb1b_L6zDS3xTUrIALZOw
  offered_by: OCW
  playlists:
    - id: PL221E2BBF13BECF6C
- channel_id: UCBpxspUNl1Th33XbugiHJzw
  playlists:
    - id: all
    - id: PLcwbNON2hqP5TFbkw0igt6Wz79WTaeFGi
      ignore: true
"""

OVS_MEDIA_HOSTS = "du3yhovcx8dht.cloudfront.net,d1rlgptj9v7p9j.cloudfront.net,video.odl.mit.edu"


def _reply(body: Any, status: int = 200) -> Answer:
    return status, json.dumps(body).encode(), JSON


def token_endpoint(client_id: str, client_secret: str, token: str) -> Callable[[Request], Answer]:
    """An OAuth2 client-credentials endpoint that issues ``token`` to one client only."""

    def answer(request: Request) -> Answer:
        form = dict(parse_qsl(request.body.decode()))
        if (
            form.get("grant_type") != "client_credentials"
            or form.get("client_id") != client_id
            or form.get("client_secret") != client_secret
        ):
            return 401, b'{"error": "invalid_client"}', JSON
        return _reply({"access_token": token, "token_type": "Bearer", "expires_in": 3600})

    return answer


def guarded(body: bytes, authorization: str) -> Callable[[Request], Answer]:
    """A resource that answers 401 unless the request carries ``authorization``."""

    def answer(request: Request) -> Answer:
        if request.headers.get("authorization") != authorization:
            return 401, b'{"detail": "no token"}', JSON
        return 200, body, JSON

    return answer


# ------------------------------------------------------------------------------- catalog sources


def xpro(stand_in: StandIn, fixtures: Path) -> Settings:
    return {
        "XPRO_COURSES_API_URL": stand_in.serve_file(
            "/api/courses/", fixtures / "xpro" / "xpro_courses.json"
        ),
        "XPRO_CATALOG_API_URL": stand_in.serve_file(
            "/api/programs/", fixtures / "xpro" / "xpro_programs.json"
        ),
    }


def mitxonline(stand_in: StandIn, fixtures: Path) -> Settings:
    folder = fixtures / "mitxonline"
    return {
        "MITX_ONLINE_COURSES_API_URL": stand_in.serve_file(
            "/api/v2/courses/", folder / "mitxonline_courses.json"
        ),
        "MITX_ONLINE_PROGRAMS_API_URL": stand_in.serve_file(
            "/api/v2/programs/", folder / "mitxonline_programs.json"
        ),
    }


def micromasters(stand_in: StandIn, fixtures: Path) -> Settings:
    return {
        "MICROMASTERS_CATALOG_API_URL": stand_in.serve_file(
            "/api/v0/catalog/", fixtures / "micromasters" / "catalog.json"
        )
    }


def serve_mitpe_pages(stand_in: StandIn, fixtures: Path) -> None:
    """``/feeds/courses/?page=N`` answers the recorded pages, then an empty page."""
    pages = sorted((fixtures / "mitpe").glob("professional_ed_resources_*.json"))
    bodies = [page.read_bytes() for page in pages]

    def answer(request: Request) -> Answer:
        page = int(request.query.get("page", "0"))
        return 200, bodies[page] if 0 <= page < len(bodies) else b"[]", JSON

    stand_in.handle("/feeds/courses/", answer)


def mitpe(stand_in: StandIn, fixtures: Path) -> Settings:
    serve_mitpe_pages(stand_in, fixtures)
    return {"MITPE_BASE_API_URL": stand_in.url("/")}


def sloan(stand_in: StandIn, fixtures: Path) -> Settings:
    client_id, secret = SEE_CLIENT
    stand_in.handle("/token", token_endpoint(client_id, secret, "see-replay-token"))
    for path, name in (
        ("/api/courses", "test_sloan_courses.json"),
        ("/api/course-offerings", "test_sloan_runs.json"),
    ):
        body = (fixtures / "sloan" / name).read_bytes()
        stand_in.handle(path, guarded(body, "Bearer see-replay-token"))
    return {
        "SEE_API_URL": stand_in.url("/api/"),
        "SEE_API_ACCESS_TOKEN_URL": stand_in.url("/token"),
        "SEE_API_CLIENT_ID": client_id,
        "SEE_API_CLIENT_SECRET": secret,
    }


def mit_edx(stand_in: StandIn, fixtures: Path) -> Settings:
    client_id, secret = EDX_CLIENT
    folder = fixtures / "edx"
    stand_in.handle("/oauth2/access_token", token_endpoint(client_id, secret, "edx-replay-token"))
    courses = (folder / "test_mitx_course.json").read_bytes()
    programs = json.dumps(
        {"results": json.loads((folder / "test_mitx_programs.json").read_text()), "next": None}
    ).encode()
    stand_in.handle("/api/courses/", guarded(courses, "JWT edx-replay-token"))
    stand_in.handle("/api/programs/", guarded(programs, "JWT edx-replay-token"))
    return {
        "EDX_API_ACCESS_TOKEN_URL": stand_in.url("/oauth2/access_token"),
        "EDX_API_CLIENT_ID": client_id,
        "EDX_API_CLIENT_SECRET": secret,
        "EDX_API_URL": stand_in.url("/api/courses/"),
        "EDX_PROGRAMS_API_URL": stand_in.url("/api/programs/"),
    }


def prolearn(stand_in: StandIn, fixtures: Path) -> Settings:
    programs = (fixtures / "prolearn" / "prolearn_csail_programs.json").read_bytes()
    courses = (fixtures / "prolearn" / "prolearn_mitpe_courses.json").read_bytes()

    def graphql(request: Request) -> Answer:
        if request.method != "POST":
            return 405, b"{}", JSON
        text = json.loads(request.body)["query"]
        return 200, programs if 'value: "program"' in text else courses, JSON

    return {"PROLEARN_GRAPHQL_URL": stand_in.handle("/graphql", graphql)}


def oll(stand_in: StandIn, fixtures: Path) -> Settings:
    csv = fixtures.parent.parent / "data" / "taxonomy" / "oll_metadata.csv"
    return {"OLL_DATA_URL": stand_in.serve_file("/export.csv", csv, ctype="text/csv")}


def ovs(stand_in: StandIn, fixtures: Path) -> Settings:
    stand_in.serve_file("/api/v0/public/videos/", fixtures / "ovs" / "ovs_videos.json")
    return {"OVS_API_BASE_URL": stand_in.url(""), "OVS_ALLOWED_MEDIA_HOSTS": OVS_MEDIA_HOSTS}


def podcast(stand_in: StandIn, fixtures: Path) -> Settings:
    """The recorded feed, named by a podcast configuration like MIT's podcast config repo."""
    feed = stand_in.serve_file(
        "/feeds/podcast.rss", fixtures / "podcast" / "test_podcast.rss", "application/rss+xml"
    )
    config = f"rss_url: {feed}\npodcast_title: A Podcast\noffered_by: OCW\n"
    return {"PODCAST_CONFIG_URL": stand_in.serve("/podcasts.yaml", config, ctype="text/yaml")}


class YouTubeApi:
    """Answers channels/playlists/playlistItems/videos from the recorded pages, like the API."""

    def __init__(self, folder: Path) -> None:
        self.pages = {p.name: json.loads(p.read_text()) for p in folder.glob("*.json")}
        self.videos = {
            v["id"]: v
            for name, page in self.pages.items()
            if name.startswith("videos.")
            for v in page["items"]
        }

    def channels(self, request: Request) -> Answer:
        ids = set(request.query["id"].split(","))
        page = self.pages["channels.list.0.json"]
        return _reply(dict(page, items=[c for c in page["items"] if c["id"] in ids]))

    def playlists(self, request: Request) -> Answer:
        items = [
            p
            for name, page in sorted(self.pages.items())
            if name.startswith("playlists.list.")
            for p in page["items"]
        ]
        if "channelId" in request.query:
            chosen = [p for p in items if p["snippet"]["channelId"] == request.query["channelId"]]
        else:
            ids = set(request.query["id"].split(","))
            chosen = [p for p in items if p["id"] in ids]
        return _reply({"items": chosen})

    @staticmethod
    def _playlist_of(page: dict[str, Any]) -> str:
        # a playlist item id is the base64 of "<playlist id>.<item hash>"
        return base64.b64decode(page["items"][0]["id"] + "==").decode().split(".")[0]

    def _pages(self, prefix: str) -> list[dict[str, Any]]:
        return [
            page
            for name, page in sorted(self.pages.items())
            if name.startswith(prefix) and page.get("items")
        ]

    def playlist_items(self, request: Request) -> Answer:
        token = request.query.get("pageToken")
        if token:  # the recorded follow-up page of the page that named this token, if any
            for page in self._pages("playlistItems.list."):
                if page.get("nextPageToken") != token:
                    continue
                for follow in self._pages("playlistItems.list_next."):
                    if self._playlist_of(follow) == self._playlist_of(page):
                        return _reply(follow)
            return _reply({"items": []})
        for page in self._pages("playlistItems.list."):
            if self._playlist_of(page) == request.query["playlistId"]:
                return _reply(page)
        return _reply({"error": "playlist not found"}, status=404)

    def videos_list(self, request: Request) -> Answer:
        ids = request.query["id"].split(",")
        return _reply({"items": [self.videos[i] for i in ids if i in self.videos]})


def youtube(stand_in: StandIn, fixtures: Path) -> Settings:
    api = YouTubeApi(fixtures / "youtube")
    stand_in.handle("/youtube/v3/channels", api.channels)
    stand_in.handle("/youtube/v3/playlists", api.playlists)
    stand_in.handle("/youtube/v3/playlistItems", api.playlist_items)
    stand_in.handle("/youtube/v3/videos", api.videos_list)
    return {
        "YOUTUBE_API_URL": stand_in.url("/youtube/v3"),
        "YOUTUBE_DEVELOPER_KEY": "replay-key",
        "YOUTUBE_CONFIG_URL": stand_in.serve("/youtube.yaml", YOUTUBE_CONFIG, ctype="text/yaml"),
    }


# --------------------------------------------------------------------------- news and events feeds


def serve_ol_events(stand_in: StandIn, fixtures: Path) -> str:
    """The recorded JSON:API pages, their links pointing at the stand-in instead of the site."""
    folder = fixtures / "news_events"

    def local(name: str) -> bytes:
        text = (folder / name).read_text()
        return text.replace("https://openlearning.mit.edu", stand_in.base_url).encode()

    listing = local("ol_events.json")

    def events(request: Request) -> Answer:
        if any(key.startswith("page") for key in request.query):
            return 200, b'{"data": [], "links": {}}', JSON
        return 200, listing, JSON

    event = "/jsonapi/node/event/81c5d37d-004b-4a55-91da-7dc467f3bf01"
    media = "/jsonapi/media/event_image/20f69b29-2264-49da-b96b-ee77d1b37480"
    stand_in.handle("/jsonapi/node/event", events)
    stand_in.serve(f"{event}/field_event_audience", local("ol_events_audience.json"))
    stand_in.serve(f"{event}/field_event_category", local("ol_events_topics.json"))
    stand_in.serve(f"{event}/field_location_tag", local("ol_events_location.json"))
    stand_in.serve(f"{event}/field_event_image", local("ol_events_img_text.json"))
    stand_in.serve(f"{media}/field_media_image", local("ol_events_img_src.json"))
    return stand_in.url("/jsonapi/node/event")


def news_events(stand_in: StandIn, fixtures: Path) -> Settings:
    stand_in.serve_file("/feeds/news/", fixtures / "mitpe" / "mitpe_news.json")
    stand_in.serve_file("/feeds/events/", fixtures / "mitpe" / "mitpe_events.json")
    return {
        "MITPE_BASE_API_URL": stand_in.url("/"),
        "NEWS_EVENTS_MEDIUM_URL": stand_in.serve_file(
            "/feed/open-learning",
            fixtures / "news_events" / "test_medium_mit_news.rss",
            "application/rss+xml",
        ),
        "NEWS_EVENTS_OL_EVENTS_URL": serve_ol_events(stand_in, fixtures),
        "NEWS_EVENTS_SLOAN_NEWS_URL": stand_in.serve_file(
            "/s/sfsites/aura", fixtures / "sloan" / "test_sloan_exec_news.json"
        ),
    }


@dataclass(frozen=True)
class Recipe:
    name: str  # the ETL source name, or "news_events" for the feeds
    folder: str  # the fixtures folder it needs
    serve: Callable[[StandIn, Path], Settings]


# The order ``learn demo`` loads them in: catalogs first (programs reference their courses), then
# media, then the news/events feeds.
RECIPES: tuple[Recipe, ...] = (
    Recipe("mitxonline", "mitxonline", mitxonline),
    Recipe("xpro", "xpro", xpro),
    Recipe("mit_edx", "edx", mit_edx),
    Recipe("micromasters", "micromasters", micromasters),
    Recipe("mitpe", "mitpe", mitpe),
    Recipe("sloan", "sloan", sloan),
    Recipe("prolearn", "prolearn", prolearn),
    Recipe("oll", "oll", oll),
    Recipe("ovs", "ovs", ovs),
    Recipe("podcast", "podcast", podcast),
    Recipe("youtube", "youtube", youtube),
    Recipe("news_events", "news_events", news_events),
)
