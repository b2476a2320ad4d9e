"""Outbound fetching is bounded (issue 20, findings 4 and 5): hops checked, bytes capped, one
deadline; podcast feeds are http(s) only."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from learn.config.env import get_env
from learn.etl import http
from learn.etl.sources import podcast

MiB = 1024 * 1024


class Upstream:
    def __init__(self) -> None:
        self.hits: list[str] = []
        state = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                state.hits.append(self.path)
                port = self.server.server_address[1]
                if self.path == "/hop-away":  # same server, another host name
                    self.send_response(302)
                    self.send_header("Location", f"http://localhost:{port}/secret")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif self.path.startswith("/moved"):  # same host: followed
                    self.send_response(301)
                    self.send_header("Location", "/final?page=2")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif self.path == "/big":  # 8 MiB, chunked, no length announced
                    self.send_response(200)
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    chunk = b"x" * 65536
                    for _ in range(128):
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.write(b"0\r\n\r\n")
                elif self.path == "/declared":
                    self.send_response(200)
                    self.send_header("Content-Length", str(300 * MiB))
                    self.end_headers()
                    self.wfile.write(b"x" * 1024)
                elif self.path == "/trickle":  # a byte every 0.3 s, for 30 s
                    self.send_response(200)
                    self.send_header("Content-Length", "100")
                    self.end_headers()
                    for _ in range(100):
                        self.wfile.write(b"x")
                        self.wfile.flush()
                        time.sleep(0.3)
                else:
                    self.send_response(200)
                    self.send_header("Content-Length", "6")
                    self.end_headers()
                    self.wfile.write(b"secret")

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    server = Upstream()
    yield server
    server.server.shutdown()
    server.server.server_close()


def test_a_redirect_to_a_host_the_source_did_not_name_is_refused(upstream: Upstream) -> None:
    with pytest.raises(http.UnsafeUrl, match="host 'localhost' is not one this source may"):
        http.get_text(upstream.url + "/hop-away", attempts=1)
    assert upstream.hits == ["/hop-away"]  # the hop was never requested


def test_a_redirect_on_the_same_host_is_followed(upstream: Upstream) -> None:
    response = http.request("GET", upstream.url + "/moved", params={"page": 1})
    assert response.text == "secret" and str(response.url).endswith("/final?page=2")
    assert upstream.hits == ["/moved?page=1", "/final?page=2"]  # params not re-appended


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/", "http://localhost:8000/", "http://[::1]/", "http://10.1.2.3/",
        "http://192.168.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
    ],
)  # fmt: skip
def test_loopback_link_local_and_private_addresses_are_refused(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ETL_ALLOW_PRIVATE_NETWORKS", "false")
    get_env.cache_clear()
    try:
        with pytest.raises(http.UnsafeUrl, match="non-public address"):
            http.check_url(url)
        with pytest.raises(http.UnsafeUrl):
            http.get_text(url, attempts=1)
    finally:
        monkeypatch.undo()
        get_env.cache_clear()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "/dev/zero", "ftp://example.org/x"])
def test_only_http_urls_are_fetched(url: str) -> None:
    with pytest.raises(http.UnsafeUrl, match="only http\\(s\\) URLs"):
        http.get_text(url)


def test_the_body_is_capped_while_it_streams(upstream: Upstream) -> None:
    with pytest.raises(http.TooLarge, match="over the 1048576-byte cap"):
        http.get_bytes(upstream.url + "/big", max_bytes=MiB, attempts=1)
    with pytest.raises(http.TooLarge, match="answer of 314572800 bytes"):
        http.get_bytes(upstream.url + "/declared", max_bytes=MiB, attempts=1)
    assert len(http.get_bytes(upstream.url + "/big", max_bytes=16 * MiB)) == 8 * MiB


def test_a_trickling_server_is_cut_at_the_overall_deadline(upstream: Upstream) -> None:
    # each byte arrives well inside the read timeout; the old client waited 30 s here
    started = time.monotonic()
    with pytest.raises(http.FetchError, match="deadline passed"):
        http.get_text(upstream.url + "/trickle", deadline=1.5, attempts=1)
    print(f"trickle: cut after {time.monotonic() - started:.2f} s (deadline 1.5 s)")


def test_a_podcast_rss_url_must_be_http(tmp_path: Any) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("private notes")
    config = f"- rss_url: {secret}\n  podcast_title: Leak\n"
    with pytest.raises(ValueError, match="rss_url must be an http\\(s\\) URL"):
        podcast.parse_config(config, "podcasts.yaml")
    with pytest.raises(ValueError, match="rss_url must be an http\\(s\\) URL"):
        podcast.parse_config("- rss_url: /dev/zero\n", "podcasts.yaml")
