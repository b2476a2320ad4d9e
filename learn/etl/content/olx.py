"""edX OLX course exports (``.tar.gz``) → content files of the matching course run.

The course root is the folder of the shallowest ``course.xml``; an export bundle holding inner
course archives (and no ``course.xml``) is read one level deep. Files with a text extension
become content files keyed by their path under the root; ``draft`` folders, hidden entries and
binary assets are skipped. Each file gets its edX module id (``block-v1:`` for blocks,
``asset-v1:`` for static files; a video's ``subs_<id>.srt.sjson`` is tied to its video block).
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from learn.etl.content.archive import ArchiveLimits, ByteBudget, Member, Oversized, iter_members
from learn.etl.content.extract import ExtractionError, TextExtractor
from learn.etl.content.failures import FailureMemory
from learn.etl.records import ContentFileRecord
from learn.etl.xmlsafe import Element, UnsafeXml, try_parse_xml

# The reference's VALID_TEXT_FILE_TYPES.
TEXT_EXTENSIONS = frozenset(
    {
        ".csv", ".doc", ".docx", ".htm", ".html", ".json", ".m", ".mat", ".md", ".pdf", ".pptx",
        ".ps", ".py", ".r", ".rtf", ".sjson", ".srt", ".txt", ".vtt", ".xls", ".xlsx", ".xml",
    }
)  # fmt: skip
INNER_ARCHIVES = (".tar.gz", ".tgz", ".tar")
SKIPPED_DIRS = frozenset({"draft", "drafts"})
NON_BLOCK_DIRS = frozenset({"static", "policies", "about", "info", "assets", "tabs"})
COURSEWARE_ROOTS = {
    "edx": "https://courses.edx.org",
    "mitxonline": "https://courses.mitxonline.mit.edu",
    "xpro": "https://courses.xpro.mit.edu",
    "oll": "https://openlearninglibrary.mit.edu",
}
_SUBS = re.compile(r"^subs_(.+?)\.srt\.sjson$")


@dataclass
class FileProblem:
    key: str
    message: str


@dataclass
class OlxCourse:
    run_id: str
    label: str
    files: dict[PurePosixPath, bytes] = field(default_factory=dict)
    problems: list[FileProblem] = field(default_factory=list)

    @property
    def module_core(self) -> str:
        return self.run_id.split(":", 1)[1] if ":" in self.run_id else self.run_id


def _wanted(path: PurePosixPath) -> bool:
    return path.suffix.lower() in TEXT_EXTENSIONS and not SKIPPED_DIRS & set(path.parts[:-1])


def _run_id_from_course_xml(data: bytes) -> str | None:
    root = _xml_root(data)
    if root is None:
        return None
    org, course, run = root.get("org"), root.get("course"), root.get("url_name")
    return f"course-v1:{org}+{course}+{run}" if org and course and run else None


def _stem(label: str) -> str:
    name = PurePosixPath(label).name
    for suffix in INNER_ARCHIVES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


@dataclass
class _Contents:
    files: dict[PurePosixPath, bytes] = field(default_factory=dict)
    inner: list[tuple[PurePosixPath, bytes]] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)


def _collect(members: Iterable[Member | Oversized]) -> _Contents:
    """Read what matters while the archive is open: text files, course.xml, inner archives."""
    out = _Contents()
    for item in members:
        if isinstance(item, Oversized):
            out.problems.append(
                FileProblem(str(item.path), f"skipped: {item.size} bytes is over the size limit")
            )
        elif item.path.name.endswith(INNER_ARCHIVES):
            out.inner.append((item.path, item.read()))
        elif item.path.name == "course.xml" or _wanted(item.path):
            out.files[item.path] = item.read()
    return out


def _course_from(contents: _Contents, label: str, run_id: str | None) -> OlxCourse | None:
    roots = sorted(
        (p for p in contents.files if p.name == "course.xml"), key=lambda p: len(p.parts)
    )
    if not roots:
        return None
    root = roots[0].parent
    found = run_id or _run_id_from_course_xml(contents.files[roots[0]]) or _stem(label)
    course = OlxCourse(found, label, problems=list(contents.problems))
    for path, data in contents.files.items():
        inside = root == PurePosixPath(".") or root in path.parents
        if inside and _wanted(path) and data:  # an empty file has nothing to index
            course.files[path.relative_to(root)] = data
    return course


def read_courses(
    archive: str | Path, limits: ArchiveLimits, run_id: str | None = None
) -> list[OlxCourse]:
    """The courses in ``archive``: one for a course export, several for a bundle, none if empty.

    Raises :class:`ArchiveError` when the archive (or an inner one) is unreadable or unsafe, or
    when all of it together (inner archives counted again when read) inflates past
    ``limits.max_total_bytes``.
    """
    label = str(archive)
    budget = ByteBudget(limits.max_total_bytes, label)  # one budget, inner archives included
    contents = _collect(iter_members(label, label, limits, budget))
    course = _course_from(contents, label, run_id)
    if course is not None:
        return [course]
    courses: list[OlxCourse] = []
    for name, data in contents.inner:
        inner_label = f"{label}!{name}"
        inner = _collect(iter_members(io.BytesIO(data), inner_label, limits, budget))
        inner_course = _course_from(inner, inner_label, None)
        if inner_course is not None:
            courses.append(inner_course)
    return courses


# ---------------------------------------------------------------- records


def _xml_root(data: bytes) -> Element | None:
    """The parsed block, or None when it is malformed or declares entities (defusedxml)."""
    try:
        return try_parse_xml(data)
    except UnsafeXml:
        return None


@dataclass
class _Blocks:
    titles: dict[tuple[str, str], str] = field(default_factory=dict)  # (category, stem) → name
    video_of_sub: dict[str, str] = field(default_factory=dict)  # transcript id → video url_name


def _blocks(course: OlxCourse) -> _Blocks:
    out = _Blocks()
    for path, data in course.files.items():
        if len(path.parts) != 2 or path.suffix.lower() != ".xml" or path.parts[0] in NON_BLOCK_DIRS:
            continue
        root = _xml_root(data)
        if root is None:
            continue
        category, stem = path.parts[0], path.stem
        name = root.get("display_name")
        if name:
            out.titles[(category, stem)] = name
        if category == "video":
            for attr in ("sub", "youtube_id_1_0"):
                if root.get(attr):
                    out.video_of_sub.setdefault(str(root.get(attr)), root.get("url_name") or stem)
    return out


def module_id(course: OlxCourse, key: PurePosixPath, blocks: _Blocks) -> tuple[str | None, bool]:
    """``(edx_module_id, is_video_transcript)`` of the file at ``key`` (None outside blocks)."""
    core = course.module_core
    if key.parts[0] == "static" and len(key.parts) > 1:
        match = _SUBS.match(key.name)
        if match and match.group(1) in blocks.video_of_sub:
            return f"block-v1:{core}+type@video+block@{blocks.video_of_sub[match.group(1)]}", True
        asset = "_".join(key.parts[1:])
        return f"asset-v1:{core}+type@asset+block@{asset}", False
    if len(key.parts) == 2 and key.parts[0] not in NON_BLOCK_DIRS:
        return f"block-v1:{core}+type@{key.parts[0]}+block@{key.stem}", False
    return None, False


def module_url(platform: str, run_id: str, edx_module_id: str | None) -> str | None:
    root = COURSEWARE_ROOTS.get(platform)
    if not root or not edx_module_id:
        return None
    if edx_module_id.startswith("asset-v1:"):
        return f"{root}/{edx_module_id}"
    return f"{root}/courses/{run_id}/jump_to_id/{edx_module_id.rsplit('@', 1)[-1]}"


def checksum_of(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


@dataclass
class OlxResult:
    records: list[ContentFileRecord] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    failed_keys: set[str] = field(default_factory=set)
    extracted: int = 0  # files sent to an extractor (unchanged ones are not)
    memory: FailureMemory = field(default_factory=FailureMemory)


def olx_records(
    course: OlxCourse,
    platform: str,
    extractor: TextExtractor,
    known: Mapping[str, str] | None = None,
    memory: FailureMemory | None = None,
) -> OlxResult:
    """Content-file records for every text file of ``course``.

    ``known`` maps keys to the checksum of the published file already stored: a file whose bytes
    did not change is not extracted again (its record carries only the key and checksum, which
    the loader counts as unchanged). A file that fails extraction is reported in ``problems``
    and listed in ``failed_keys`` so its stored copy is kept; ``memory`` (returned as
    ``result.memory``) skips the files whose very bytes failed before and learns this run's.
    """
    known = known or {}
    blocks = _blocks(course)
    out = OlxResult(problems=list(course.problems), memory=memory or FailureMemory())
    for key in sorted(course.files):
        data = course.files[key]
        name = str(key)
        checksum = checksum_of(data)
        edx_id, is_transcript = module_id(course, key, blocks)
        if known.get(name) == checksum:
            out.memory.unchanged(name)
            out.records.append(ContentFileRecord(key=name, run_id=course.run_id, checksum=checksum))
            continue
        remembered = out.memory.recall(name, data)
        if remembered is not None:  # these bytes failed before: the stored copy is kept
            out.problems.append(FileProblem(name, remembered))
            out.failed_keys.add(name)
            continue
        out.extracted += 1
        try:
            extracted = out.memory.extract(name, data, name, extractor)
        except ExtractionError as exc:
            out.problems.append(FileProblem(name, exc.message))
            out.failed_keys.add(name)
            continue
        title = None
        if len(key.parts) == 2:
            title = blocks.titles.get((key.parts[0], key.stem))
        extension = key.suffix.lower()
        out.records.append(
            ContentFileRecord(
                key=name,
                run_id=course.run_id,
                title=title or key.name,
                url=module_url(platform, course.run_id, edx_id),
                file_type=mimetypes.guess_type(key.name)[0] or extracted.content_type,
                content_type="video" if is_transcript else "file",
                content=extracted.text,
                content_title=(extracted.title or "")[:1024] or None,
                content_author=(extracted.author or "")[:1024] or None,
                content_language=(extracted.language or "")[:24] or None,
                source_path=f"{PurePosixPath(course.label).name}/{name}",
                file_extension=extension,
                edx_module_id=edx_id,
                checksum=checksum,
            )
        )
    return out
