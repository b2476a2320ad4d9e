"""Read a ``.tar.gz`` safely, in memory: no path escapes, bounded sizes, clear errors.

Nothing is written to disk. A member whose path is absolute or climbs out (``..``) makes the
whole archive unsafe (:class:`ArchiveError`), as does a truncated or corrupt stream or an archive
over the member/size limits. Links, devices and hidden entries (``.git``, ``.DS_Store``,
AppleDouble ``._*``) are ignored; a regular file over the per-file limit is reported and skipped.
"""

from __future__ import annotations

import tarfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from learn.config.env import LearnEnv, get_env


class ArchiveError(Exception):
    """The archive is unreadable or unsafe; nothing from it is loaded."""


@dataclass(frozen=True)
class ArchiveLimits:
    max_file_bytes: int = 50 * 1024 * 1024
    max_total_bytes: int = 2 * 1024 * 1024 * 1024
    max_members: int = 100_000

    @classmethod
    def from_env(cls, config: LearnEnv | None = None) -> ArchiveLimits:
        env = config or get_env()
        return cls(
            env.content_max_file_bytes, env.content_max_archive_bytes,
            env.content_max_archive_members,
        )  # fmt: skip


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


def iter_members(
    source: str | IO[bytes], label: str, limits: ArchiveLimits
) -> Iterator[Member | Oversized]:
    """Regular, visible files of a tar archive (any compression tar reads) in archive order."""
    try:
        if isinstance(source, str):
            tar = tarfile.open(source, mode="r:*")  # noqa: SIM115 - closed by the with below
        else:
            tar = tarfile.open(fileobj=source, mode="r:*")  # noqa: SIM115
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise ArchiveError(f"{label}: not a readable tar archive ({exc})") from None
    with tar:
        count = 0
        total = 0
        try:
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
                total += info.size
                if total > limits.max_total_bytes:
                    raise ArchiveError(
                        f"{label}: more than {limits.max_total_bytes} bytes uncompressed"
                    )

                def read(info: tarfile.TarInfo = info, path: PurePosixPath = path) -> bytes:
                    try:
                        handle = tar.extractfile(info)
                        return handle.read() if handle is not None else b""
                    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
                        raise ArchiveError(f"{label}: corrupt member {path} ({exc})") from None

                yield Member(path, info.size, read)
        except ArchiveError:
            raise
        except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
            raise ArchiveError(f"{label}: corrupt or truncated archive ({exc})") from None
