"""MIT OpenCourseWare: ``courses/<slug>/data.json`` site trees from a folder, http(s) or S3.

``--source`` (or ``OCW_DATA_SOURCE``) is a folder, an ``http(s)://`` base (slugs from
``courses.txt``, else the ``courses/`` listing as JSON or an HTML index) or ``s3://BUCKET/PREFIX``.
Without either, the shared corpus (``../shared/data/ocw_site``) is used when present.
An unreadable ``data.json`` fails the extract (nothing loads, nothing is unpublished).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.utils.text import slugify

from learn.config.env import LearnEnv, get_env
from learn.etl import http
from learn.etl.records import (
    ChildRef,
    ContentFileRecord,
    CourseNumberRecord,
    ImageRecord,
    InstructorRecord,
    ResourceRecord,
    RunRecord,
    TransformError,
)

NAME = "ocw"
ETL_SOURCE = "ocw"
RESOURCE_TYPES = ("course", "document")
QUEUE = "default"
FETCH_THREADS = 8

LEVELS = {
    "undergraduate": "undergraduate",
    "graduate": "graduate",
    "high school": "high_school",
    "non-credit": "noncredit",
    "noncredit": "noncredit",
}
DEPARTMENT_ALIASES = {"CMS": "CMS-W"}
_HREF = re.compile(r'href="([^"?#/][^"?#]*)/"')


class OcwExtractError(RuntimeError):
    pass


# ---------------------------------------------------------------- configuration


def default_location(config: LearnEnv | None = None) -> str | None:
    env = config or get_env()
    if env.ocw_data_source:
        return env.ocw_data_source
    shared = env.shared_path()
    if shared is not None and (shared / "data" / "ocw_site" / "courses").is_dir():
        return str(shared / "data" / "ocw_site")
    return None


def configured(config: LearnEnv | None = None) -> bool:
    return default_location(config) is not None


def item_id(raw: dict[str, Any]) -> str:
    return str(raw.get("slug") or "?")


# ---------------------------------------------------------------- extract


def extract(config: LearnEnv | None = None, source: str | None = None) -> list[dict[str, Any]]:
    """Every course as ``{"slug", "data", "base_url", "files"}``, sorted by slug.

    ``files`` lists the course's ``pages/**/data.json`` and ``resources/**/data.json`` as
    ``{"path", "data"}`` (folder and S3 trees; an HTTP base has no listing of them).
    """
    env = config or get_env()
    location = source or default_location(env)
    if not location:
        raise OcwExtractError("no OCW source: pass --source or set OCW_DATA_SOURCE")
    if location.startswith(("http://", "https://")):
        pairs = _from_http(location)
    elif location.startswith("s3://"):
        pairs = _from_s3(location, env)
    else:
        pairs = _from_folder(Path(location))
    return [
        {"slug": slug, "data": data, "base_url": env.ocw_base_url, "files": files}
        for slug, data, files in sorted(pairs, key=lambda item: item[0])
    ]


def extract_only(
    config: LearnEnv | None, source: str | None, slugs: list[str]
) -> list[dict[str, Any]]:
    """Only the named courses (the OCW webhook's prefixes), in the shape :func:`extract` gives.

    A course missing from the source becomes an item without ``data`` whose transform reports it.
    """
    from learn.etl.sources._ocw_partial import read_courses

    env = config or get_env()
    location = source or default_location(env)
    if not location:
        raise OcwExtractError("no OCW source: pass --source or set OCW_DATA_SOURCE")
    return [
        {"slug": slug, "data": data, "base_url": env.ocw_base_url, "files": files, "error": error}
        for slug, data, files, error in read_courses(location, slugs, env)
    ]


def _decode(text: str | bytes, where: str) -> dict[str, Any]:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    try:
        data = http.parse_json(text, where)
    except http.BadPayload as exc:
        raise OcwExtractError(str(exc)) from None
    if not isinstance(data, dict):
        raise OcwExtractError(f"{where}: expected a JSON object, got {type(data).__name__}")
    return data


def _courses_dir(root: Path) -> Path:
    return root / "courses" if (root / "courses").is_dir() else root


Course = tuple[str, dict[str, Any], list[dict[str, Any]]]
FILE_FOLDERS = ("pages", "resources")


def _folder_files(course: Path) -> list[dict[str, Any]]:
    files = []
    for folder in FILE_FOLDERS:
        if not (course / folder).is_dir():
            continue
        for path in sorted((course / folder).rglob("data.json")):
            relative = path.parent.relative_to(course).as_posix()
            files.append({"path": relative, "data": _decode(path.read_bytes(), str(path))})
    return files


def _from_folder(root: Path) -> list[Course]:
    if not root.is_dir():
        raise OcwExtractError(f"{root}: not a folder")
    out = []
    for path in sorted(_courses_dir(root).glob("*/data.json")):
        data = _decode(path.read_bytes(), str(path))
        out.append((path.parent.name, data, _folder_files(path.parent)))
    return out


def _listing(base: str, client: Any) -> list[str]:
    try:
        text = http.get_text(urljoin(base, "courses.txt"), client=client)
        return [line.strip() for line in text.splitlines() if line.strip() and "#" not in line[:1]]
    except http.FetchError as exc:
        if exc.status != 404:
            raise
    response = http.request("GET", urljoin(base, "courses/"), client=client)
    if "json" in response.headers.get("content-type", ""):
        payload = http.parse_json(response.text, str(response.url))
        if not isinstance(payload, list):
            raise OcwExtractError(f"{response.url}: expected a JSON list of course slugs")
        return [str(slug).strip("/") for slug in payload]
    return sorted(set(_HREF.findall(response.text)))


def _from_http(location: str) -> list[Course]:
    base = location if location.endswith("/") else location + "/"
    with http.make_client() as client:
        slugs = _listing(base, client)

        def fetch(slug: str) -> Course:
            url = urljoin(base, f"courses/{slug}/data.json")
            if not http.same_host(base, url):
                raise OcwExtractError(f"refusing course slug {slug!r}: leaves {base}")
            return slug, _decode(http.get_text(url, client=client), url), []

        with ThreadPoolExecutor(FETCH_THREADS) as pool:
            return list(pool.map(fetch, slugs))


def _from_s3(location: str, env: LearnEnv) -> list[Course]:
    import boto3

    parts = urlsplit(location)
    bucket, prefix = parts.netloc, parts.path.strip("/")
    courses_prefix = f"{prefix}/courses/" if prefix else "courses/"
    client = boto3.client("s3", endpoint_url=env.aws_s3_endpoint_url)
    keys: list[str] = []
    file_keys: dict[str, list[str]] = {}
    for page in client.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix=courses_prefix
    ):
        for obj in page.get("Contents", []):
            rest = obj["Key"][len(courses_prefix) :]
            if not rest.endswith("/data.json"):
                continue
            slug, _, inner = rest.partition("/")
            if inner == "data.json":
                keys.append(obj["Key"])
            elif inner.split("/", 1)[0] in FILE_FOLDERS:
                file_keys.setdefault(slug, []).append(obj["Key"])

    def read(key: str) -> dict[str, Any]:
        body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
        return _decode(body, f"s3://{bucket}/{key}")

    def fetch(key: str) -> Course:
        slug = key[len(courses_prefix) :].split("/", 1)[0]
        files = [
            {"path": k[len(courses_prefix) + len(slug) + 1 : -len("/data.json")], "data": read(k)}
            for k in sorted(file_keys.get(slug, []))
        ]
        return slug, read(key), files

    with ThreadPoolExecutor(FETCH_THREADS) as pool:
        return list(pool.map(fetch, keys))


# ---------------------------------------------------------------- transform


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _flatten(groups: Any) -> Iterator[str]:
    for group in groups or []:
        if isinstance(group, str):
            if group.strip():
                yield group.strip()
        elif isinstance(group, list):
            yield from (str(name).strip() for name in group if str(name).strip())


@lru_cache(maxsize=64)
def _term_slug(term: str) -> str:
    return slugify(term)


def readable_id_of(data: dict[str, Any]) -> str:
    primary = _text(data.get("primary_course_number"))
    return f"{primary}+{_term_slug(_text(data.get('term')))}_{_text(data.get('year'))}"


def department_id(value: str) -> str:
    value = value.strip()
    if value.isdigit():
        value = str(int(value))
    return DEPARTMENT_ALIASES.get(value, value)


def _course_numbers(data: dict[str, Any]) -> list[CourseNumberRecord]:
    primary = _text(data.get("primary_course_number"))
    extra = data.get("extra_course_numbers") or ""
    extras = extra if isinstance(extra, list) else str(extra).split(",")
    numbers = [CourseNumberRecord(value=primary, listing_type="primary")]
    for value in (_text(v) for v in extras):
        if value and value != primary:
            numbers.append(CourseNumberRecord(value=value, listing_type="cross-listed"))
    for number in numbers:
        number.department_id = department_id(number.value.split(".", 1)[0])
    return numbers


def _instructors(data: dict[str, Any]) -> list[InstructorRecord]:
    out = []
    for person in data.get("instructors") or []:
        if not isinstance(person, dict):
            continue
        first, last = _text(person.get("first_name")), _text(person.get("last_name"))
        full = _text(person.get("title")) or " ".join(p for p in (first, last) if p)
        if full:
            out.append(
                InstructorRecord(full_name=full, first_name=first or None, last_name=last or None)
            )
    return out


def _image(data: dict[str, Any], base_url: str) -> ImageRecord | None:
    src = _text(data.get("image_src"))
    if not src:
        return None
    meta = data.get("course_image_metadata") or {}
    alt = (meta.get("image_metadata") or {}).get("image-alt") if isinstance(meta, dict) else None
    return ImageRecord(
        url=urljoin(base_url, src),
        description=_text(meta.get("description")) or None if isinstance(meta, dict) else None,
        alt=_text(alt) or None,
    )


def _content_type(data: dict[str, Any], path: str) -> str:
    if path.startswith("pages"):
        return "page"
    if str(data.get("resourcetype") or "").lower() == "video":
        return "video"
    if "pdf" in str(data.get("file_type") or "").lower():
        return "pdf"
    return "file"


def _content_files(
    raw_files: list[dict[str, Any]], slug: str, run_id: str, url: str
) -> list[ContentFileRecord]:
    out = []
    for item in raw_files:
        data, path = item.get("data") or {}, str(item.get("path") or "")
        if not isinstance(data, dict) or data.get("draft") or not path:
            continue
        file_url = _text(data.get("file"))
        leaf = path.rstrip("/").rsplit("/", 1)[-1]
        video = data.get("video_metadata") or {}
        extension = Path(urlsplit(file_url).path).suffix.lower() if file_url else ""
        out.append(
            ContentFileRecord(
                key=f"courses/{slug}/{path}",
                run_id=run_id,
                uid=_text(data.get("uid")) or None,
                title=_text(data.get("title")) or leaf,
                description=_text(data.get("description")) or None,
                url=f"{url.rstrip('/')}/{path}/",
                file_type=_text(data.get("file_type")) or None,
                content_type=_content_type(data, path),
                # A file's text comes from Tika at content ingestion; only pages carry their own.
                content=None if file_url else _text(data.get("content")) or None,
                content_tags=[str(t) for t in data.get("learning_resource_types") or []],
                source_path=f"courses/{slug}/{path}/data.json",
                file_extension=extension or (".html" if path.startswith("pages") else None),
                youtube_id=_text(video.get("youtube_id")) or None
                if isinstance(video, dict)
                else None,
            )
        )
    return out


def _textbooks(course: ResourceRecord, files: list[ContentFileRecord]) -> list[ResourceRecord]:
    """Non-page files tagged "Open Textbooks" become documents linked to their course."""
    run_id = course.runs[0].run_id
    documents = []
    for file in files:
        if file.content_type == "page" or "Open Textbooks" not in file.content_tags:
            continue
        documents.append(
            ResourceRecord(
                readable_id=f"{run_id}-{file.key}",
                resource_type="document",
                platform="ocw",
                offered_by="ocw",
                etl_source=ETL_SOURCE,
                title=file.title or file.key,
                description=file.content or file.description,
                url=file.url,
                resource_category="Open Textbook",
                topics=course.topics,
                ocw_topics=course.ocw_topics,
                license_cc=True,
                availability="anytime",
            )
        )
    course.children = [
        ChildRef(
            readable_id=doc.readable_id,
            resource_type="document",
            platform="ocw",
            position=position,
            relation_type="COURSE_LEARNING_MATERIALS",
        )
        for position, doc in enumerate(documents)
    ]
    return documents


def _year(value: Any) -> int | None:
    text = _text(value)
    return int(text) if text.isdigit() else None


def transform(raw: dict[str, Any]) -> list[ResourceRecord]:
    """One OCW site ``data.json`` → one course record with its single run."""
    slug = str(raw.get("slug") or "")
    data = raw.get("data")
    if not isinstance(data, dict):
        raise TransformError(slug, str(raw.get("error") or "data.json is not a JSON object"))
    if not _text(data.get("primary_course_number")):
        raise TransformError(slug, "missing primary_course_number")
    run_id = _text(data.get("legacy_uid")) or _text(data.get("site_uid"))
    if not run_id:
        raise TransformError(slug, "missing site_uid")
    base_url = str(raw.get("base_url") or "https://ocw.mit.edu/")
    url = _text(data.get("site_url")) or urljoin(base_url, f"courses/{slug}/")
    title = _text(data.get("course_title"))
    description = _text(data.get("course_description")) or _text(
        data.get("course_description_html")
    )
    image = _image(data, base_url)
    levels = [LEVELS[level.lower()] for level in data.get("level") or [] if level.lower() in LEVELS]
    learn_topics = [group[-1] for group in data.get("mit_learn_topics") or [] if group]
    ocw_topics = sorted(set(_flatten(data.get("topics"))))
    run = RunRecord(
        run_id=run_id,
        title=title,
        description=description or None,
        url=url,
        image=image,
        level=levels,
        slug=f"courses/{slug}",
        semester=_text(data.get("term")) or None,
        year=_year(data.get("year")),
        instructors=_instructors(data),
        availability="anytime",
    )
    record = ResourceRecord(
        readable_id=readable_id_of(data),
        resource_type="course",
        platform="ocw",
        offered_by="ocw",
        etl_source=ETL_SOURCE,
        title=title,
        description=description or None,
        url=url,
        image=image,
        topics=learn_topics or ocw_topics,
        ocw_topics=ocw_topics,
        departments=[department_id(str(d)) for d in data.get("department_numbers") or []],
        course_features=[str(t) for t in data.get("learning_resource_types") or []],
        course_numbers=_course_numbers(data),
        license_cc=True,
        availability="anytime",
        resource_category="Course",
        languages=["en"],
        runs=[run],
    )
    record.content_files = _content_files(raw.get("files") or [], slug, run_id, url)
    return [record, *_textbooks(record, record.content_files)]


def finalize(records: Iterable[ResourceRecord]) -> list[ResourceRecord]:
    """Give distinct ids to different sites sharing a course number and term.

    The site whose URL sorts first keeps ``{number}+{term}_{year}``; the others append their site
    slug, so every site stays its own resource.
    """
    out = list(records)
    groups: dict[str, list[ResourceRecord]] = {}
    for record in out:
        if record.resource_type == "course":
            groups.setdefault(record.readable_id, []).append(record)
    for group in groups.values():
        if len(group) < 2:
            continue
        for record in sorted(group, key=lambda r: r.url or "")[1:]:
            site = (record.url or "").rstrip("/").rsplit("/", 1)[-1]
            record.readable_id = f"{record.readable_id}+{site}"
    return out
