"""Read selected OCW courses (``courses/<slug>/data.json`` plus pages/resources) by slug.

Used by :func:`learn.etl.sources.ocw.extract_only` for the OCW webhook: the same folder,
http(s) and s3 locations as the full extract, but only the named courses are read. A course
that is not there is returned with ``data=None`` and an error message instead of failing the
whole load.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from learn.config.env import LearnEnv
from learn.etl import http
from learn.etl.sources import ocw

SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
# slug, data (None when missing), files, error message
Found = tuple[str, dict[str, Any] | None, list[dict[str, Any]], str]


def check_slug(slug: str) -> str:
    if not SLUG.match(slug) or ".." in slug:
        raise ValueError(f"invalid OCW course slug {slug!r}")
    return slug


def read_courses(location: str, slugs: list[str], env: LearnEnv) -> list[Found]:
    wanted = sorted({check_slug(slug) for slug in slugs})
    if location.startswith(("http://", "https://")):
        return _from_http(location, wanted)
    if location.startswith("s3://"):
        return _from_s3(location, wanted, env)
    return _from_folder(Path(location), wanted)


def _from_folder(root: Path, slugs: list[str]) -> list[Found]:
    if not root.is_dir():
        raise ocw.OcwExtractError(f"{root}: not a folder")
    courses = ocw._courses_dir(root)
    out: list[Found] = []
    for slug in slugs:
        path = courses / slug / "data.json"
        if not path.is_file():
            out.append((slug, None, [], f"course {slug!r} not found: no {path}"))
            continue
        data = ocw._decode(path.read_bytes(), str(path))
        out.append((slug, data, ocw._folder_files(path.parent), ""))
    return out


def _from_http(location: str, slugs: list[str]) -> list[Found]:
    base = location if location.endswith("/") else location + "/"
    out: list[Found] = []
    with http.make_client() as client:
        for slug in slugs:
            url = urljoin(base, f"courses/{slug}/data.json")
            try:
                text = http.get_text(url, client=client)
            except http.FetchError as exc:
                if exc.status != 404:
                    raise
                out.append((slug, None, [], f"course {slug!r} not found: {url} answered 404"))
                continue
            out.append((slug, ocw._decode(text, url), [], ""))
    return out


def _from_s3(location: str, slugs: list[str], env: LearnEnv) -> list[Found]:
    import boto3

    parts = urlsplit(location)
    bucket, prefix = parts.netloc, parts.path.strip("/")
    courses_prefix = f"{prefix}/courses/" if prefix else "courses/"
    client = boto3.client("s3", endpoint_url=env.aws_s3_endpoint_url)
    out: list[Found] = []
    for slug in slugs:
        keys = [
            obj["Key"]
            for page in client.get_paginator("list_objects_v2").paginate(
                Bucket=bucket, Prefix=f"{courses_prefix}{slug}/"
            )
            for obj in page.get("Contents", [])
            if obj["Key"].endswith("/data.json")
        ]
        main = f"{courses_prefix}{slug}/data.json"
        if main not in keys:
            out.append((slug, None, [], f"course {slug!r} not found: no s3://{bucket}/{main}"))
            continue

        def read(key: str) -> dict[str, Any]:
            body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
            return ocw._decode(body, f"s3://{bucket}/{key}")

        start = len(courses_prefix) + len(slug) + 1
        files = [
            {"path": key[start : -len("/data.json")], "data": read(key)}
            for key in sorted(keys)
            if key != main and key[start:].split("/", 1)[0] in ocw.FILE_FOLDERS
        ]
        out.append((slug, read(main), files, ""))
    return out
