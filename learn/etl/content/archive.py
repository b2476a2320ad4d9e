"""Read a tar archive safely, streaming, in memory: no path escapes, one byte budget, clear errors.

Nothing is written to disk and nothing is read ahead. The archive is decompressed as a stream
(gzip, bzip2, xz or plain, told by its magic bytes) through a :class:`ByteBudget` that counts
every decompressed byte: headers, skipped members, oversized members and inner archives alike
(an inner archive read with :func:`iter_members` shares its top-level archive's budget), so a
small file that inflates past ``max_total_bytes`` stops with :class:`ArchiveError`.

Headers are checked before their data is read: a negative size (CVE-2025-8194), a size larger
than the remaining budget, a GNU long-name or pax header over ``max_header_bytes`` and sparse
members are refused. Pax records are parsed by their length prefixes in linear time (the regular
expressions of Python 3.11.7's reader take quadratic time on crafted headers, CVE-2024-6232).

A member whose path is absolute or climbs out (``..``) makes the whole archive unsafe, as does a
truncated or corrupt stream or an archive over the member/size limits. Links, devices and hidden
entries (``.git``, ``.DS_Store``, AppleDouble ``._*``) are ignored; a regular file over the
per-file limit is reported as :class:`Oversized` and skipped (its bytes still count).
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import tarfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any

from learn.config.env import LearnEnv, get_env

# Errors a decompressor or tarfile raises on a bad stream.
_STREAM_ERRORS = (tarfile.TarError, EOFError, zlib.error, OSError, lzma.LZMAError, ValueError)
_PAX_TYPES = (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE)
_LONG_TYPES = (tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK)
# tarfile's reader hooks (``_proc_*``) and helpers are not in its type stubs.
_TarInfoHooks: Any = tarfile.TarInfo
_SubsequentHeaderError: Any = getattr(tarfile, "SubsequentHeaderError")  # noqa: B009


class ArchiveError(Exception):
    """The archive is unreadable or unsafe; nothing from it is loaded."""


@dataclass(frozen=True)
class ArchiveLimits:
    max_file_bytes: int = 50 * 1024 * 1024
    max_total_bytes: int = 2 * 1024 * 1024 * 1024
    max_members: int = 100_000
    max_header_bytes: int = 64 * 1024  # one GNU long name / pax extended header

    @classmethod
    def from_env(cls, config: LearnEnv | None = None) -> ArchiveLimits:
        env = config or get_env()
        return cls(
            env.content_max_file_bytes, env.content_max_archive_bytes,
            env.content_max_archive_members,
        )  # fmt: skip


class ByteBudget:
    """The decompressed bytes one top-level archive may produce, shared with its inner archives."""

    def __init__(self, limit: int, label: str) -> None:
        self.limit = limit
        self.label = label
        self.spent = 0

    @property
    def remaining(self) -> int:
        return self.limit - self.spent

    def spend(self, count: int) -> None:
        self.spent += count
        if self.spent > self.limit:
            raise ArchiveError(f"{self.label}: more than {self.limit} bytes uncompressed")


@dataclass(frozen=True)
class Member:
    path: PurePosixPath  # normalised, relative
    size: int
    read: Callable[[], bytes]


@dataclass(frozen=True)
class Oversized:
    path: PurePosixPath
    size: int


def safe_path(name: str) -> PurePosixPath:
    """The member's path, normalised; raises :class:`ArchiveError` if it could escape."""
    if "\x00" in name:
        raise ArchiveError(f"unsafe member name {name!r}")
    path = PurePosixPath(name.replace("\\", "/"))
    parts = [part for part in path.parts if part not in ("", ".")]
    if path.is_absolute() or ".." in parts:
        raise ArchiveError(f"unsafe member path {name!r}: it leaves the archive")
    return PurePosixPath(*parts) if parts else PurePosixPath(".")


def is_hidden(path: PurePosixPath) -> bool:
    return any(part.startswith(".") for part in path.parts)


class _Counted:
    """A read-only stream that charges every byte it returns to a :class:`ByteBudget`."""

    def __init__(self, inner: Any, budget: ByteBudget) -> None:
        self._inner = inner
        self._budget = budget

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self._budget.remaining + 1  # never more than the budget allows, plus one
        data = self._inner.read(size)
        self._budget.spend(len(data))
        return data

    def close(self) -> None:
        self._inner.close()


def _decompressed(raw: IO[bytes]) -> Any:
    """A streaming decompressor for ``raw`` chosen by its magic bytes (plain tar passes through)."""
    head = raw.read(6)
    raw.seek(0)
    if head.startswith(b"\x1f\x8b"):
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if head.startswith(b"BZh"):
        return bz2.BZ2File(raw, mode="rb")
    if head.startswith(b"\xfd7zXZ\x00"):
        return lzma.LZMAFile(raw, mode="rb")
    return raw


def _pax_records(buf: bytes) -> list[tuple[bytes, bytes]]:
    """``LENGTH KEY=VALUE\\n`` records, walked by their length prefixes (linear time)."""
    records: list[tuple[bytes, bytes]] = []
    pos = 0
    while pos < len(buf) and buf[pos] != 0:
        space = buf.find(b" ", pos, pos + 21)
        if space < 0 or not buf[pos:space].isdigit():
            raise ArchiveError("malformed pax header record")
        length = int(buf[pos:space])
        end = pos + length
        if length <= space - pos + 1 or end > len(buf) or buf[end - 1 : end] != b"\n":
            raise ArchiveError("malformed pax header record length")
        equals = buf.find(b"=", space + 1, end)
        if equals < 0:
            raise ArchiveError("malformed pax header record: no '='")
        records.append((buf[space + 1 : equals], buf[equals + 1 : end - 1]))
        pos = end
    return records


def _guarded_tarinfo(limits: ArchiveLimits, budget: ByteBudget) -> type[tarfile.TarInfo]:
    """A ``TarInfo`` class that checks every header against ``limits`` before reading data."""

    def check_size(info: tarfile.TarInfo) -> None:
        if info.size < 0:
            raise ArchiveError(f"{budget.label}: member {info.name!r} has a negative size")
        if info.size > budget.remaining:
            raise ArchiveError(
                f"{budget.label}: member {info.name!r} declares {info.size} bytes, more than "
                f"the {budget.limit}-byte budget leaves ({budget.remaining})"
            )

    class GuardedTarInfo(_TarInfoHooks):  # type: ignore[misc]
        @classmethod
        def frombuf(cls, buf: bytes, encoding: str, errors: str) -> Any:
            info = super().frombuf(buf, encoding, errors)
            check_size(info)
            if info.type in _LONG_TYPES + _PAX_TYPES and info.size > limits.max_header_bytes:
                raise ArchiveError(
                    f"{budget.label}: a {info.size}-byte extended header is over the "
                    f"{limits.max_header_bytes}-byte limit"
                )
            if info.type == tarfile.GNUTYPE_SPARSE:
                raise ArchiveError(f"{budget.label}: sparse members are not supported")
            return info

        def _proc_builtin(self, archive: Any) -> Any:
            info = super()._proc_builtin(archive)
            check_size(info)
            return info

        def _proc_pax(self, archive: Any) -> Any:
            # Python 3.11.7's own parser is quadratic on crafted records (CVE-2024-6232).
            buf = archive.fileobj.read(self._block(self.size))[: self.size]
            own = self.type == tarfile.XGLTYPE
            headers = archive.pax_headers if own else dict(archive.pax_headers)
            records = _pax_records(buf)
            binary = any(k == b"hdrcharset" and v == b"BINARY" for k, v in records)
            for raw_key, raw_value in records:
                key = self._decode_pax_field(raw_key, "utf-8", "utf-8", archive.errors)
                if key.startswith("GNU.sparse"):
                    raise ArchiveError(f"{budget.label}: sparse members are not supported")
                names = binary and key in tarfile.PAX_NAME_FIELDS
                headers[key] = self._decode_pax_field(
                    raw_value, archive.encoding if names else "utf-8", archive.encoding,
                    archive.errors,
                )  # fmt: skip
            try:
                following = self.fromtarfile(archive)
            except tarfile.HeaderError as exc:
                raise _SubsequentHeaderError(str(exc)) from None
            if self.type in (tarfile.XHDTYPE, tarfile.SOLARIS_XHDTYPE):
                following._apply_pax_info(headers, archive.encoding, archive.errors)
                following.offset = self.offset
                check_size(following)
                if "size" in headers:
                    offset = following.offset_data
                    if following.isreg() or following.type not in tarfile.SUPPORTED_TYPES:
                        offset += following._block(following.size)
                    archive.offset = offset
            return following

    return GuardedTarInfo


def _open(
    source: str | IO[bytes], label: str, limits: ArchiveLimits, budget: ByteBudget
) -> tuple[tarfile.TarFile, IO[bytes] | None]:
    own: IO[bytes] | None = None
    try:
        if isinstance(source, str):
            own = open(source, "rb")  # noqa: SIM115 - closed by iter_members
        raw: IO[bytes] = own if own is not None else source  # type: ignore[assignment]
        stream = _Counted(_decompressed(raw), budget)
        guarded = _guarded_tarinfo(limits, budget)
        return tarfile.open(fileobj=stream, mode="r|", tarinfo=guarded), own  # type: ignore[call-overload]
    except ArchiveError:
        if own is not None:
            own.close()
        raise
    except _STREAM_ERRORS as exc:
        if own is not None:
            own.close()
        raise ArchiveError(f"{label}: not a readable tar archive ({exc})") from None


def iter_members(
    source: str | IO[bytes],
    label: str,
    limits: ArchiveLimits,
    budget: ByteBudget | None = None,
) -> Iterator[Member | Oversized]:
    """Regular, visible files of a tar archive in archive order, streamed.

    ``budget`` is the top-level archive's (pass it on to read an inner archive); a fresh one of
    ``limits.max_total_bytes`` is made for a top-level archive. Each :class:`Member`'s ``read``
    must be called before the next member is requested (the archive is a stream).
    """
    budget = budget or ByteBudget(limits.max_total_bytes, label)
    tar, own = _open(source, label, limits, budget)
    try:
        with tar:
            count = 0
            for info in tar:
                count += 1
                if count > limits.max_members:
                    raise ArchiveError(f"{label}: more than {limits.max_members} members")
                path = safe_path(info.name)
                if not info.isfile() or is_hidden(path):
                    continue
                if info.size > limits.max_file_bytes:
                    yield Oversized(path, info.size)
                    continue

                def read(info: tarfile.TarInfo = info, path: PurePosixPath = path) -> bytes:
                    try:
                        handle = tar.extractfile(info)
                        return handle.read() if handle is not None else b""
                    except ArchiveError:
                        raise
                    except _STREAM_ERRORS as exc:
                        raise ArchiveError(f"{label}: corrupt member {path} ({exc})") from None

                yield Member(path, info.size, read)
    except ArchiveError:
        raise
    except _STREAM_ERRORS as exc:
        raise ArchiveError(f"{label}: corrupt or truncated archive ({exc})") from None
    finally:
        if own is not None:
            own.close()
