"""OCW course pages and resources → content files of the course run; Open Textbooks → documents.

Two shapes are read from a folder: the site shape (``<slug>/data.json`` with ``pages/**`` and
``resources/**`` ``data.json`` files, the resource's file beside them under its S3 path) and the
legacy Plone export (``<slug>/0/*.json``: a ``Course`` plus ``CourseSection`` pages and
``OCWFile`` files with their bytes inline). Files are extracted by Tika; a video resource's text is
its transcript. A non-page resource tagged "Open Textbooks" also becomes a ``document`` resource
(``{run_id}-{key}``) linked to its course as a learning material.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from learn.config.env import get_env
from learn.etl.content.extract import ExtractionError, TextExtractor
from learn.etl.content.failures import FailureMemory
from learn.etl.content.olx import TEXT_EXTENSIONS, FileProblem
from learn.etl.records import ContentFileRecord, ResourceRecord

OPEN_TEXTBOOKS = "Open Textbooks"
LEGACY_PAGE_TYPES = frozenset(
    {"CourseSection", "CourseHomeSection", "DownloadSection", "SupplementarySection"}
)
LEGACY_FILE_TYPES = frozenset({"OCWFile"})


@dataclass(frozen=True)
class OcwCourseDir:
    slug: str
    path: Path
    shape: str  # "site" | "legacy"
    uids: tuple[str, ...]  # run ids the catalog may know this course by


@dataclass
class OcwResult:
    records: list[ContentFileRecord] = field(default_factory=list)
    documents: list[ResourceRecord] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    failed_keys: set[str] = field(default_factory=set)
    extracted: int = 0
    textbook_ids: list[str] = field(default_factory=list)  # every qualifying document, in order
    memory: FailureMemory = field(default_factory=FailureMemory)


def _too_big(path: Path, limit: int) -> int | None:
    """The size of ``path`` when it is over ``limit`` bytes (checked before reading it)."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    return size if size > limit else None


def _over_limit(size: int, limit: int) -> str:
    return f"skipped: {size} bytes is over the size limit ({limit}, CONTENT_MAX_FILE_BYTES)"


def _load_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _as_uuid(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def find_courses(location: Path) -> list[OcwCourseDir]:
    """Every course folder under ``location`` (itself a course, ``courses/``, or a tree)."""
    if not location.is_dir():
        raise FileNotFoundError(f"{location}: not a folder")
    found: dict[Path, OcwCourseDir] = {}
    for data_path in sorted(location.rglob("data.json")):
        data = _load_json(data_path)
        if data is not None and ("course_title" in data or "site_uid" in data):
            slug = data_path.parent.name
            uids = tuple(u for u in (data.get("legacy_uid"), data.get("site_uid")) if u)
            found[data_path.parent] = OcwCourseDir(slug, data_path.parent, "site", uids)
    for json_path in sorted(location.rglob("*.json")):
        if json_path.name == "data.json" or json_path.parent in found:
            continue
        data = _load_json(json_path)
        if data is not None and data.get("_type") == "Course":
            slug = str(data.get("id") or json_path.parent.parent.name)
            uid = str(data.get("_uid") or "")
            uids = tuple(u for u in (_as_uuid(uid), uid) if u)
            found[json_path.parent] = OcwCourseDir(slug, json_path.parent, "legacy", uids)
    return sorted(found.values(), key=lambda c: (c.slug, str(c.path)))


def _md5(*parts: bytes) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    for part in parts:
        digest.update(part)
        digest.update(b"\x1f")
    return digest.hexdigest()


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _local_file(course: OcwCourseDir, reference: str) -> Path | None:
    """The course folder's copy of a file named by URL or ``courses/<slug>/...`` path."""
    path = unquote(urlsplit(reference).path).lstrip("/")
    parts = PurePosixPath(path).parts
    if f"{course.slug}" in parts:
        parts = parts[parts.index(course.slug) + 1 :]
    if not parts or ".." in parts:
        return None
    candidate = course.path.joinpath(*parts)
    try:
        candidate.resolve().relative_to(course.path.resolve())
    except ValueError:
        return None
    return candidate if candidate.is_file() else None


def _extractable(file_type: str, name: str) -> bool:
    return (
        PurePosixPath(name).suffix.lower() in TEXT_EXTENSIONS
        or file_type.startswith("text/")
        or file_type in ("application/pdf", "application/msword")
        or "officedocument" in file_type
    )


# ---------------------------------------------------------------- site shape


def _site_items(
    course: OcwCourseDir, limit: int
) -> Iterator[tuple[str, Path, dict[str, Any], bytes]]:
    """``(path, data.json path, data, raw bytes)``; an oversized data.json comes with ``b""``."""
    for folder in ("pages", "resources"):
        for data_path in sorted((course.path / folder).rglob("data.json")):
            if _too_big(data_path, limit) is not None:
                yield str(data_path.parent.relative_to(course.path)), data_path, {}, b""
                continue
            raw = data_path.read_bytes()
            try:
                data = json.loads(raw)
            except ValueError:
                yield str(data_path.parent.relative_to(course.path)), data_path, {}, raw
                continue
            if isinstance(data, dict) and not data.get("draft"):
                yield str(data_path.parent.relative_to(course.path)), data_path, data, raw


def _content_type(data: dict[str, Any], key: str) -> str:
    """As the OCW catalog source classifies files (so both write the same rows)."""
    if key.split("/", 1)[0] == "pages":
        return "page"
    if _text(data.get("resourcetype")).lower() == "video":
        return "video"
    return "pdf" if "pdf" in _text(data.get("file_type")).lower() else "file"


def _site_content(
    course: OcwCourseDir,
    run_id: str,
    base_url: str,
    extractor: TextExtractor,
    known: Mapping[str, str],
    limit: int,
    memory: FailureMemory,
) -> OcwResult:
    """Records keyed ``courses/<slug>/<path>`` with the fields the OCW catalog source writes,
    plus the text Tika extracts from each resource's file."""
    out = OcwResult(memory=memory)
    course_data = _load_json(course.path / "data.json") or {}
    course_url = _text(course_data.get("site_url")) or urljoin(base_url, f"courses/{course.slug}/")
    for path, data_path, data, raw in _site_items(course, limit):
        key = f"courses/{course.slug}/{path}"
        if not data:
            size = _too_big(data_path, limit)
            message = _over_limit(size, limit) if size else f"{data_path.name} is not a JSON object"
            out.problems.append(FileProblem(key, message))
            out.failed_keys.add(key)
            continue
        file_url = _text(data.get("file"))
        video = data.get("video_metadata") or {}
        record = ContentFileRecord(
            key=key,
            run_id=run_id,
            uid=_text(data.get("uid")) or None,
            title=_text(data.get("title")) or path.rstrip("/").rsplit("/", 1)[-1],
            description=_text(data.get("description")) or None,
            url=f"{course_url.rstrip('/')}/{path}/",
            file_type=_text(data.get("file_type")) or None,
            content_type=_content_type(data, path),
            content=_text(data.get("content")) or None,
            content_tags=[str(t) for t in data.get("learning_resource_types") or []],
            source_path=f"courses/{course.slug}/{path}/data.json",
            file_extension=PurePosixPath(urlsplit(file_url).path).suffix.lower()
            if file_url
            else (".html" if path.startswith("pages") else None),
            youtube_id=_text(video.get("youtube_id")) or None if isinstance(video, dict) else None,
        )
        if record.content_type == "page":
            out.records.append(record)  # the page text is in data.json: nothing to extract
            continue
        if OPEN_TEXTBOOKS in record.content_tags:
            out.textbook_ids.append(f"{run_id}-{key}")
        final = _with_file_text(course, record, data, raw, extractor, known, out, limit)
        if final is None:
            continue
        out.records.append(final)
        if OPEN_TEXTBOOKS in record.content_tags and final.content is not None:
            out.documents.append(_document(run_id, final, course_url))
    return out


def _with_file_text(
    course: OcwCourseDir,
    record: ContentFileRecord,
    data: dict[str, Any],
    raw: bytes,
    extractor: TextExtractor,
    known: Mapping[str, str],
    out: OcwResult,
    limit: int,
) -> ContentFileRecord | None:
    """``record`` with its file's text (a video's transcript); metadata only without a file."""
    key = record.key
    file_type = _text(data.get("file_type"))
    is_video = record.content_type == "video" or file_type.startswith("video/")
    source = _text(data.get("file"))
    if is_video:
        files = data.get("video_files") or {}
        source = _text(files.get("video_transcript_file")) or _text(
            files.get("video_captions_file")
        )
    name = PurePosixPath(unquote(urlsplit(source).path)).name if source else ""
    if not source or not (is_video or _extractable(file_type, name)):
        return record
    local = _local_file(course, source)
    if local is None:
        out.problems.append(FileProblem(key, f"file {name!r} not found; metadata only"))
        return record
    size = _too_big(local, limit)
    if size is not None:  # never read: the stored copy (if any) is kept
        out.problems.append(FileProblem(key, _over_limit(size, limit)))
        out.failed_keys.add(key)
        return None
    file_bytes = local.read_bytes()
    checksum = _md5(raw, file_bytes)
    textbook = OPEN_TEXTBOOKS in record.content_tags
    if known.get(key) == checksum and not textbook:
        out.memory.unchanged(key)
        return ContentFileRecord(key=key, run_id=record.run_id, checksum=checksum)
    remembered = out.memory.recall(key, file_bytes)
    if remembered is not None:  # these bytes failed before: the stored copy is kept
        out.problems.append(FileProblem(key, remembered))
        out.failed_keys.add(key)
        return None
    out.extracted += 1
    extract_name = name if PurePosixPath(name).suffix else f"{name}.vtt"
    try:
        extracted = out.memory.extract(key, file_bytes, extract_name, extractor)
    except ExtractionError as exc:
        out.problems.append(FileProblem(key, exc.message))
        out.failed_keys.add(key)
        return None
    return record.model_copy(
        update={
            "content": extracted.text,
            "content_title": (extracted.title or "")[:1024] or None,
            "content_author": (extracted.author or "")[:1024] or None,
            "content_language": (extracted.language or "")[:24] or None,
            "checksum": checksum,
        }
    )


def _document(run_id: str, file: ContentFileRecord, course_url: str) -> ResourceRecord:
    """An Open Textbook resource as its own ``document`` resource with its file."""
    own_file = file.model_copy(update={"run_id": None})
    return ResourceRecord(
        readable_id=f"{run_id}-{file.key}",
        resource_type="document",
        platform="ocw",
        offered_by="ocw",
        etl_source="ocw",
        title=file.title or PurePosixPath(file.key).name,
        description=file.description,
        url=file.url or course_url,
        resource_category="Open Textbook",
        license_cc=True,
        availability="anytime",
        content_files=[own_file],
    )


# ---------------------------------------------------------------- legacy Plone shape


def _legacy_content(
    course: OcwCourseDir,
    run_id: str,
    extractor: TextExtractor,
    known: Mapping[str, str],
    limit: int,
    memory: FailureMemory,
) -> OcwResult:
    out = OcwResult(memory=memory)
    # a legacy item carries its file inline in base64 (4/3 of the file) beside its metadata
    json_limit = limit * 4 // 3 + 1024 * 1024
    items: list[tuple[Path, dict[str, Any] | None]] = []
    for path in sorted(course.path.glob("*.json")):
        size = _too_big(path, json_limit)
        if size is not None:
            out.problems.append(FileProblem(path.name, _over_limit(size, json_limit)))
            continue
        items.append((path, _load_json(path)))
    course_data = next((d for _, d in items if d and d.get("_type") == "Course"), {}) or {}
    course_url = _text(course_data.get("technical_location")).rstrip("/")
    for path, data in items:
        if data is None:
            out.problems.append(FileProblem(path.name, "not a JSON object"))
            continue
        kind = _text(data.get("_type"))
        if kind not in LEGACY_PAGE_TYPES | LEGACY_FILE_TYPES:
            continue
        url = _text(data.get("technical_location"))
        key = url[len(course_url) :].strip("/") if course_url and url.startswith(course_url) else ""
        key = f"courses/{course.slug}/{key or _text(data.get('id')) or path.stem}"
        if kind in LEGACY_PAGE_TYPES:
            payload = f"<html><body>{data.get('text') or ''}</body></html>".encode()
            name, content_type, file_type = f"{key}.html", "page", "text/html"
        else:
            blob = data.get("_datafield_file") or {}
            try:
                payload = base64.b64decode(str(blob.get("data") or ""), validate=False)
            except (binascii.Error, ValueError):
                out.problems.append(FileProblem(key, "inline file data is not base64"))
                out.failed_keys.add(key)
                continue
            if len(payload) > limit:
                out.problems.append(FileProblem(key, _over_limit(len(payload), limit)))
                out.failed_keys.add(key)
                continue
            file_type = _text(data.get("_content_type")) or "application/octet-stream"
            name = _text(data.get("id")) or key
            content_type = "pdf" if file_type == "application/pdf" else "file"
        checksum = _md5(payload, _text(data.get("title")).encode())
        if known.get(key) == checksum:
            out.memory.unchanged(key)
            out.records.append(ContentFileRecord(key=key, run_id=run_id, checksum=checksum))
            continue
        remembered = out.memory.recall(key, payload)
        if remembered is not None:  # these bytes failed before: the stored copy is kept
            out.problems.append(FileProblem(key, remembered))
            out.failed_keys.add(key)
            continue
        out.extracted += 1
        try:
            extracted = out.memory.extract(key, payload, name, extractor)
        except ExtractionError as exc:
            out.problems.append(FileProblem(key, exc.message))
            out.failed_keys.add(key)
            continue
        out.records.append(
            ContentFileRecord(
                key=key,
                run_id=run_id,
                uid=_text(data.get("_uid"))[:36] or None,
                title=_text(data.get("title")) or None,
                description=_text(data.get("description")) or None,
                url=url or None,
                file_type=file_type,
                content_type=content_type,
                content=extracted.text,
                content_title=(extracted.title or "")[:1024] or None,
                file_extension=PurePosixPath(name).suffix.lower() or None,
                source_path=str(path.relative_to(course.path.parent)),
                checksum=checksum,
            )
        )
    return out


def course_content(
    course: OcwCourseDir,
    run_id: str,
    base_url: str,
    extractor: TextExtractor,
    known: Mapping[str, str] | None = None,
    max_file_bytes: int | None = None,
    memory: FailureMemory | None = None,
) -> OcwResult:
    """Content-file records (and Open Textbook documents) of one course folder.

    A file over ``max_file_bytes`` (default ``CONTENT_MAX_FILE_BYTES``) is reported and never read;
    one whose very bytes failed extraction before (``memory``, returned as ``result.memory``) is
    reported with the remembered reason and not extracted again.
    """
    limit = max_file_bytes if max_file_bytes is not None else get_env().content_max_file_bytes
    memory = memory or FailureMemory()
    if course.shape == "legacy":
        return _legacy_content(course, run_id, extractor, known or {}, limit, memory)
    return _site_content(course, run_id, base_url, extractor, known or {}, limit, memory)
