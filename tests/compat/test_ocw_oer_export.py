"""MIT's OER export tool (mitodl/ocw_oer_export) against a live ``learn serve`` with the OCW corpus.

The tool is not published on PyPI (``pip download ocw-oer-export`` finds nothing), so this test
reproduces what it does, field access for field access: it pages ``/api/v1/courses/?platform=ocw``
with ``limit=100`` following ``next``, then for each course reads ``title``, ``topics[].name``,
``course_feature`` and, from ``runs[0]``, ``url``, ``level[].name``, ``semester``, ``year``,
``description`` (cleaned with ``str`` operations, so a null crashes it as it crashed the tool) and
``instructors[]`` formatted ``f"{last_name}, {first_name}"``. The export is compared with MIT's own
export of the same catalog (``../shared/data/catalog/ocw_courses_oer_export.csv``) on titles, URLs,
abstracts and author names.
"""

from __future__ import annotations

import csv
import math
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

import httpx
import pytest

from tests.ops.server_process import SERVICE_VARS, free_port, wait_live

pytestmark = pytest.mark.slow


def _learn(*args: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "learn.cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


@pytest.fixture(scope="module")
def live_api(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``learn serve`` on a fresh embedded store holding the OCW corpus loaded by the OCW ETL."""
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    env["LEARN_VAR_DIR"] = str(tmp_path_factory.mktemp("oer") / "var")
    _learn("migrate", env=env)
    _learn("taxonomy", "load", env=env)
    _learn("etl", "run", "ocw", "--source", str(shared_dir / "data" / "ocw_site"), env=env)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "learn.cli.main", "serve", "--port", str(port)], env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_live(base, server)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


# ---------------------------------------------------------------- the tool's steps, reproduced


def make_request(url: str, page_size: int) -> Any:
    """``requests.get(url, params={"limit": page_size})``: requests appends the parameter to the
    URL's own query (httpx's ``params=`` would replace it, losing ``next``'s offset)."""
    joiner = "&" if urlparse(url).query else "?"
    response = httpx.get(f"{url}{joiner}{urlencode({'limit': page_size})}", timeout=60)
    assert response.status_code == 200, (url, response.text[:300])
    return response.json()


def extract_data_from_api(api_url: str) -> list[dict[str, Any]]:
    """client.py: the first page, then every ``next`` page, ``limit=100`` on each request."""
    page_size = 100
    first = make_request(api_url, page_size)
    data: list[dict[str, Any]] = first.get("results", [])
    total_pages = math.ceil(first["count"] / page_size)
    next_page = first.get("next")
    pages = 1
    while next_page:
        page = make_request(next_page, page_size)
        data.extend(page.get("results", []))
        next_page = page.get("next")
        pages += 1
    assert pages == total_pages
    return data


def text_cleanup(text: str) -> str:
    """utilities/text_cleanup.py, minus its Markdown pass: tags out, ``{{...}}`` lines out.
    ``re.sub`` on None raises TypeError, as the tool's ``.strip()``/Markdown step does."""
    stripped_html = re.sub(re.compile("<.*?>"), "", text)
    return re.sub(re.compile(r"\{\{.*?\}\}\n?"), "", stripped_html)


def get_cr_authors(authors: list[dict[str, Any]]) -> str:
    return "|".join(f"{author['last_name']}, {author['first_name']}" for author in authors)


def get_cr_sublevel(levels: list[dict[str, Any]]) -> str:
    mappings = {
        "Undergraduate": ["Community College/Lower Division", "College/Upper Division"],
        "Graduate": ["Graduate/Professional"],
        "High School": ["High School", "Community College/Lower Division"],
        "Non-Credit": ["Career/Technical"],
    }
    return "|".join(sorted({s for level in levels for s in mappings.get(level["name"]) or []}))


def transform_single_course(course: dict[str, Any]) -> dict[str, str]:
    run = course["runs"][0]
    return {
        "CR_TITLE": course["title"],
        "CR_URL": run["url"],
        "CR_SUBLEVEL": get_cr_sublevel(run["level"]),
        "CR_ABSTRACT": text_cleanup(run["description"]),
        "CR_KEYWORDS": "|".join(topic["name"] for topic in course["topics"]),
        "CR_CREATE_DATE": f"{run['year']}-{run['semester']}",
        "CR_AUTHOR_NAME": get_cr_authors(run["instructors"]),
        "CR_EDUCATIONAL_USE": "|".join(tag for tag in course["course_feature"] if tag),
    }


# ---------------------------------------------------------------- the comparison


def _path(url: str) -> str:
    return urlparse(url).path.rstrip("/")


def test_the_export_matches_mits_own(live_api: str, shared_dir: Path) -> None:
    courses = extract_data_from_api(f"{live_api}/api/v1/courses/?platform=ocw")
    exported = [transform_single_course(course) for course in courses]
    assert len(exported) == 2589

    csv_path = shared_dir / "data" / "catalog" / "ocw_courses_oer_export.csv"
    with csv_path.open(newline="", encoding="utf-8") as handle:
        expected = {_path(row["CR_URL"]): row for row in csv.DictReader(handle)}
    ours = {_path(row["CR_URL"]): row for row in exported}
    assert set(ours) <= set(expected)  # the CSV has one row the corpus does not

    mismatches: dict[str, list[str]] = {}
    for path, row in ours.items():
        want = expected[path]
        for field in ("CR_TITLE", "CR_ABSTRACT", "CR_AUTHOR_NAME"):
            if _normalized(field, row[field]) != _normalized(field, want[field]):
                mismatches.setdefault(field, []).append(path)
    assert mismatches == {}, {k: (len(v), v[:5]) for k, v in mismatches.items()}

    # the rows that broke the tool: null descriptions, instructors with no first or last name
    assert sum(1 for row in ours.values() if row["CR_ABSTRACT"] == "") == 4
    unnamed = {path for path, row in ours.items() if _has_an_empty_name(row["CR_AUTHOR_NAME"])}
    assert unnamed == {p for p in ours if _has_an_empty_name(expected[p]["CR_AUTHOR_NAME"])}
    assert len(unnamed) == 19
    assert all("None" not in row["CR_AUTHOR_NAME"] for row in ours.values())


def _normalized(field: str, value: str) -> str:
    """MIT's export keeps stray spaces around two instructors' names (``"Robert "``); Learn's
    loader strips names. Compare author names part by part, every field without edge spaces. One
    OCW description starts with a byte-order mark, an encoding artifact Learn's sanitizer drops."""
    if field == "CR_AUTHOR_NAME":
        return "|".join(
            ", ".join(part.strip() for part in author.split(",", 1)) for author in value.split("|")
        )
    return value.lstrip("\ufeff").strip()


def _has_an_empty_name(authors: str) -> bool:
    names = (author.strip() for author in authors.split("|"))
    return any(name.startswith(",") or name.endswith(",") for name in names)
