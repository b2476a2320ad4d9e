"""The single-host gateway (deploy/nginx) over real HTTP: Debian's nginx in the foreground on a temp
prefix, in front of the real API (``learn serve``) and a header-echo stand-in for the web app.

A second nginx from the same config sends API routes to an echo server too, so the routing table
and the headers each upstream receives can be read back exactly.
"""

from __future__ import annotations

import gzip
import json
import re
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import yaml

from tests.ops.gateway_harness import (
    GATEWAY_DIR,
    Api,
    Echo,
    Gateway,
    api_server,
    echo_server,
    nginx,
)

SECRET = "gateway-secret-for-tests-7f3a"
HEX32 = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture(scope="module")
def web() -> Iterator[Echo]:
    with echo_server("web") as echo:
        yield echo


@pytest.fixture(scope="module")
def api_echo() -> Iterator[Echo]:
    with echo_server("api") as echo:
        yield echo


@pytest.fixture(scope="module")
def echo_gateway(web: Echo, api_echo: Echo) -> Iterator[Gateway]:
    """API routes to an echo server: shows which upstream got a path and with which headers."""
    with nginx(f"127.0.0.1:{api_echo.port}", f"127.0.0.1:{web.port}", SECRET) as gateway:
        yield gateway


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with api_server(tmp_path_factory.mktemp("gateway-api")) as server:
        yield server


@pytest.fixture(scope="module")
def gateway(api: Api, web: Echo) -> Iterator[Gateway]:
    """The real API behind nginx, with low rate limits so a short burst reaches them."""
    with nginx(
        urlsplit(api.url).netloc,
        f"127.0.0.1:{web.port}",
        SECRET,
        LEARN_GATEWAY_SEARCH_RATE="1r/s",
        LEARN_GATEWAY_SEARCH_BURST="3",
        LEARN_GATEWAY_WRITE_RATE="1r/s",
        LEARN_GATEWAY_WRITE_BURST="2",
    ) as gw:
        yield gw


def _echoed(gateway: Gateway, path: str, **kwargs: object) -> dict[str, object]:
    response = httpx.get(gateway.url + path, timeout=10, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return dict(response.json())


# ------------------------------------------------------------------ routing


@pytest.mark.parametrize(
    ("path", "upstream"),
    [
        ("/api/v1/learning_resources/?limit=1", "api"),
        ("/api/v1/learning_resources_search/?q=physics", "api"),
        ("/api/v0/vector_learning_resources_search/?q=x", "api"),
        ("/admin/", "api"),
        ("/admin/login/?next=/admin/", "api"),
        ("/health/liveness/", "api"),
        ("/health/", "api"),
        ("/static/admin/css/base.css", "api"),
        ("/login", "api"),
        ("/login/oidc/", "api"),
        ("/logout", "api"),
        ("/logout/oidc/?next=/", "api"),
        ("/", "web"),
        ("/search?q=physics", "web"),
        ("/courses/ocw/18.06", "web"),
        ("/loginhelp", "web"),
        ("/apiary", "web"),
        ("/healthy-eating", "web"),
        ("/_next/static/chunks/main-abc123.js", "web"),
        ("/_next/image?url=%2Fx.png&w=64&q=75", "web"),
    ],
)
def test_routes_each_path_to_its_upstream(echo_gateway: Gateway, path: str, upstream: str) -> None:
    seen = _echoed(echo_gateway, path)
    assert seen["upstream"] == upstream
    assert seen["path"] == path


@pytest.mark.parametrize("path", ["/metrics", "/metrics/", "/metrics?name[]=x"])
def test_metrics_are_not_public(echo_gateway: Gateway, api_echo: Echo, path: str) -> None:
    before = len(api_echo.seen)
    response = httpx.get(echo_gateway.url + path, timeout=10)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json()["status"] == 404
    assert len(api_echo.seen) == before  # never proxied


# ------------------------------------------------------------------ identity headers


@pytest.mark.parametrize("path", ["/api/v1/topics/", "/login/", "/"])
def test_client_identity_headers_are_replaced(echo_gateway: Gateway, path: str) -> None:
    forged = {
        "X-Userinfo": '{"sub":"admin","email":"root@example.com"}',
        "X-Learn-Gateway-Auth": "guessed-secret",
    }
    seen = _echoed(echo_gateway, path, headers=forged)
    headers = seen["headers"]
    assert isinstance(headers, dict)
    assert "x-userinfo" not in headers
    assert headers["x-learn-gateway-auth"] == SECRET
    assert headers["x-forwarded-proto"] == "http"
    assert headers["x-forwarded-for"] == "127.0.0.1"


def test_client_cannot_smuggle_identity_with_underscores(echo_gateway: Gateway) -> None:
    seen = _echoed(echo_gateway, "/api/v1/topics/", headers={"X_Userinfo": "x", "x-USERINFO": "y"})
    headers = seen["headers"]
    assert isinstance(headers, dict)
    assert not [k for k in headers if "userinfo" in k]


# ------------------------------------------------------------------ request ids


def test_request_id_is_passed_on_returned_and_logged(echo_gateway: Gateway) -> None:
    request_id = "req-7a1c2e9b-test"
    response = httpx.get(
        echo_gateway.url + "/api/v1/topics/", headers={"X-Request-ID": request_id}, timeout=10
    )
    assert response.headers["x-request-id"] == request_id
    assert response.json()["headers"]["x-request-id"] == request_id
    logged = echo_gateway.logged(request_id)
    assert logged and logged[0]["route"] == "api" and logged[0]["status"] == 200


@pytest.mark.parametrize("sent", [None, "short", "has space in it", "x" * 200, "a;b=c\nd"])
def test_missing_or_malformed_request_id_is_replaced(
    echo_gateway: Gateway, sent: str | None
) -> None:
    headers = {} if sent is None else {"X-Request-ID": sent.replace("\n", "")}
    response = httpx.get(echo_gateway.url + "/", headers=headers, timeout=10)
    generated = response.headers["x-request-id"]
    assert HEX32.match(generated)
    assert response.json()["headers"]["x-request-id"] == generated


def test_request_id_reaches_the_api_log(gateway: Gateway, api: Api) -> None:
    request_id = "trace-gateway-to-api-0001"
    response = httpx.get(
        gateway.url + "/api/v1/topics/?limit=1", headers={"X-Request-ID": request_id}, timeout=30
    )
    assert response.status_code == 200, response.text
    assert response.headers["x-request-id"] == request_id
    api_lines = [
        json.loads(line) for line in api.log.read_text().splitlines() if line.startswith("{")
    ]
    hits = [e for e in api_lines if e.get("request_id") == request_id and e["event"] == "request"]
    assert hits, api.log.read_text()[-2000:]
    assert hits[0]["route"] == "/api/v1/topics/"
    assert hits[0]["status"] == 200 and hits[0]["duration_ms"] >= 0
    assert gateway.logged(request_id)


# ------------------------------------------------------------------ compression and caching


def test_api_json_is_gzipped(gateway: Gateway) -> None:
    response = httpx.get(
        gateway.url + "/api/v1/schema/?format=json",
        headers={"Accept-Encoding": "gzip"},
        timeout=60,
    )
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers.get("vary", "")
    assert "paths" in response.json()  # httpx decoded it


def test_web_text_is_gzipped_unless_not_accepted(echo_gateway: Gateway) -> None:
    with httpx.Client() as client:
        raw = client.get(echo_gateway.url + "/", headers={"Accept-Encoding": "gzip"})
        plain = client.get(echo_gateway.url + "/", headers={"Accept-Encoding": "identity"})
    assert raw.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert json.loads(
        gzip.decompress(raw.content) if raw.content[:2] == b"\x1f\x8b" else raw.content
    )


def test_next_hashed_assets_are_cached_for_a_year(echo_gateway: Gateway) -> None:
    response = httpx.get(echo_gateway.url + "/_next/static/chunks/app-3f9c.js", timeout=10)
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    page = httpx.get(echo_gateway.url + "/search", timeout=10)
    assert "immutable" not in page.headers.get("cache-control", "")


# ------------------------------------------------------------------ size limits


def _raw_request(gateway: Gateway, head: str) -> tuple[int, bytes]:
    url = urlsplit(gateway.url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(head.encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        head_end = data.index(b"\r\n\r\n")
        status = int(data.split(b" ", 2)[1])
        length = re.search(rb"(?i)content-length: (\d+)", data[:head_end])
        body = data[head_end + 4 :]
        while length and len(body) < int(length.group(1)):
            body += sock.recv(65536)
    return status, body


def test_oversized_body_gets_json_413(echo_gateway: Gateway, api_echo: Echo) -> None:
    before = len(api_echo.seen)
    status, body = _raw_request(
        echo_gateway,
        "POST /api/v1/webhooks/content_files/ HTTP/1.1\r\nHost: learn.test\r\n"
        f"Content-Type: application/json\r\nContent-Length: {11 * 1024 * 1024}\r\n\r\n",
    )
    assert status == 413
    assert json.loads(body)["status"] == 413
    assert len(api_echo.seen) == before


def test_body_under_the_limit_passes(echo_gateway: Gateway) -> None:
    response = httpx.post(
        echo_gateway.url + "/api/v1/webhooks/content_files/", content=b"x" * 2_000_000, timeout=30
    )
    assert response.status_code == 200
    assert response.json()["method"] == "POST"


def test_oversized_header_is_refused(echo_gateway: Gateway) -> None:
    response = httpx.get(echo_gateway.url + "/", headers={"X-Big": "a" * 20_000}, timeout=10)
    assert response.status_code in (400, 431, 494)
    ok = httpx.get(echo_gateway.url + "/", headers={"X-Big": "a" * 8_000}, timeout=10)
    assert ok.status_code == 200


# ------------------------------------------------------------------ rate limits


def test_search_is_rate_limited_per_client_with_json_429(gateway: Gateway) -> None:
    url = gateway.url + "/api/v1/learning_resources_search/?q=physics&search_mode=phrase"
    with httpx.Client(timeout=60) as client:
        assert client.get(url).status_code == 200
        with ThreadPoolExecutor(max_workers=12) as pool:
            responses = list(pool.map(lambda _: client.get(url), range(12)))
    statuses = [r.status_code for r in responses]
    assert 429 in statuses and set(statuses) <= {200, 429}, statuses
    limited = next(r for r in responses if r.status_code == 429)
    assert limited.headers["content-type"] == "application/json"
    assert limited.headers["retry-after"] == "1"
    assert limited.json() == {
        "detail": "Too many requests: slow down and retry in a moment.",
        "status": 429,
    }
    # Other API reads are not held back by the search limit.
    assert httpx.get(gateway.url + "/api/v1/topics/", timeout=30).status_code == 200


def test_writes_are_rate_limited_and_reads_are_not(gateway: Gateway, web: Echo) -> None:
    with httpx.Client(timeout=30) as client:
        writes = [client.post(gateway.url + "/search", content=b"{}").status_code for _ in range(8)]
        reads = [client.get(gateway.url + "/search").status_code for _ in range(15)]
    assert writes[0] == 200 and 429 in writes, writes
    assert set(reads) == {200}


def test_gateway_log_lines_are_json_with_route_and_timing(echo_gateway: Gateway) -> None:
    response = httpx.get(echo_gateway.url + "/health/liveness/", timeout=10)
    (entry,) = echo_gateway.logged(response.headers["x-request-id"])
    assert entry["hop"] == "gateway" and entry["route"] == "health"
    assert entry["path"] == "/health/liveness/" and entry["status"] == 200
    assert HEX32.match(str(entry["request_id"])) and isinstance(entry["duration_s"], float)


def test_render_refuses_a_missing_secret(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from tests.ops.gateway_harness import GATEWAY_DIR

    env = {k: v for k, v in os.environ.items() if not k.startswith("LEARN_")}
    env.update(LEARN_GATEWAY_PORT="8080", LEARN_API_UPSTREAM="a:1", LEARN_WEB_UPSTREAM="b:2")
    result = subprocess.run(
        [sys.executable, str(GATEWAY_DIR / "render"), str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "LEARN_GATEWAY_SECRET" in result.stderr


@pytest.mark.parametrize(
    ("path", "route"),
    [
        ("/api/v1/learning_resources_search/?q=a", "api_search"),
        ("/api/v1/content_file_search/?q=a", "api_search"),
        ("/api/v0/vector_content_files_search/?q=a", "api_search"),
        ("/api/v1/learning_resources/", "api"),
        ("/logout/", "auth"),
        ("/_next/static/x.css", "web_static"),
    ],
)
def test_gateway_logs_the_route_it_chose(echo_gateway: Gateway, path: str, route: str) -> None:
    request_id = f"route-check-{abs(hash(path))}"
    httpx.get(echo_gateway.url + path, headers={"X-Request-ID": request_id}, timeout=10)
    logged = echo_gateway.logged(request_id)
    assert logged and logged[0]["route"] == route


# ------------------------------------------------------------------ APISIX equivalence

APISIX = yaml.safe_load((GATEWAY_DIR.parent / "apisix" / "apisix.yaml").read_text())
PROBES = [
    "/",
    "/search?q=x",
    "/courses/ocw/18.06",
    "/apiary",
    "/loginhelp",
    "/logouts",
    "/healthy",
    "/metricsx",
    "/metrics",
    "/metrics/",
    "/metrics/x",
    "/api/",
    "/api/v1/learning_resources/",
    "/api/v1/learning_resources/12/similar/",
    "/api/v1/learning_resources_search/?q=a",
    "/api/v1/content_file_search/",
    "/api/v0/vector_learning_resources_search/",
    "/api/v0/vector_content_files_search/",
    "/api/v0/users/me/",
    "/admin/",
    "/admin/catalog/learningresource/",
    "/health/",
    "/health/readiness/",
    "/static/admin/css/base.css",
    "/login",
    "/login/",
    "/login/callback/?code=x",
    "/logout",
    "/logout/oidc",
    "/_next/static/chunks/a.js",
    "/_next/image?url=x",
]


def _apisix_route(path: str) -> tuple[str, str | None]:
    """APISIX's radixtree choice: routes whose uri matches (exact, or a ``prefix*``), the highest
    priority first, then the longest uri."""
    bare = path.split("?")[0]
    best: tuple[int, int, dict[str, Any]] | None = None
    for route in APISIX["routes"]:
        for uri in route["uris"]:
            hit = bare.startswith(uri[:-1]) if uri.endswith("*") else bare == uri
            key = (route.get("priority", 0), len(uri))
            if hit and (best is None or key > best[:2]):
                best = (*key, route)
    assert best is not None, path
    return best[2]["name"], best[2].get("upstream_id")


@pytest.mark.parametrize("path", PROBES)
def test_apisix_routes_each_path_as_nginx_does(echo_gateway: Gateway, path: str) -> None:
    request_id = f"apisix-compare-{PROBES.index(path):03d}"
    response = httpx.get(echo_gateway.url + path, headers={"X-Request-ID": request_id}, timeout=10)
    (entry,) = echo_gateway.logged(request_id)
    upstream = response.json()["upstream"] if response.status_code == 200 else None
    assert _apisix_route(path) == (entry["route"], upstream)


def _nginx_labels() -> set[str]:
    template = (GATEWAY_DIR / "templates" / "learn.conf.template").read_text()
    return set(re.findall(r"set \$learn_route (\w+);", template)) - {"web"} | {"web"}


def test_both_gateways_name_the_same_routes_and_limits() -> None:
    assert {r["name"] for r in APISIX["routes"]} == _nginx_labels()
    template = (GATEWAY_DIR / "templates" / "learn.conf.template").read_text()
    render = (GATEWAY_DIR / "render").read_text()
    defaults = dict(re.findall(r'"(LEARN_GATEWAY_\w+)": "([^"]+)"', render))
    search = next(r for r in APISIX["routes"] if r["name"] == "api_search")["plugins"]["limit-req"]
    assert f"{search['rate']}r/s" == defaults["LEARN_GATEWAY_SEARCH_RATE"]
    assert str(search["burst"]) == defaults["LEARN_GATEWAY_SEARCH_BURST"]
    edge = APISIX["global_rules"][0]["plugins"]
    writes = edge["limit-req"]
    assert f"{writes['rate']}r/s" == defaults["LEARN_GATEWAY_WRITE_RATE"]
    assert str(writes["burst"]) == defaults["LEARN_GATEWAY_WRITE_BURST"]
    assert writes["_meta"]["filter"] == [
        ["request_method", "in", ["POST", "PUT", "PATCH", "DELETE"]]
    ]
    nginx_conf = (GATEWAY_DIR / "nginx.conf").read_text()
    assert "client_max_body_size 10m;" in nginx_conf
    assert edge["client-control"]["max_body_size"] == 10 * 1024 * 1024
    gzip_types = set(re.search(r"gzip_types ([^;]+);", nginx_conf, re.S).group(1).split())  # type: ignore[union-attr]
    assert set(edge["gzip"]["types"]) == gzip_types
    assert "X-Userinfo" in edge["serverless-pre-function"]["functions"][0]
    assert (
        'proxy_set_header X-Userinfo "";' in (GATEWAY_DIR / "snippets" / "proxy.conf").read_text()
    )
    oidc = next(c for c in APISIX["plugin_configs"] if c["id"] == "api")["plugins"][
        "openid-connect"
    ]
    assert oidc["unauth_action"] == "pass" and oidc["set_userinfo_header"] is True
    cache = next(r for r in APISIX["routes"] if r["name"] == "web_static")["plugins"]
    assert cache["response-rewrite"]["headers"]["set"]["Cache-Control"] in template
