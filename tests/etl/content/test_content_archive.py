"""Reading archives safely: traversal refused, limits enforced, corrupt input reported."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from learn.etl.content.archive import ArchiveError, ArchiveLimits, Member, Oversized, iter_members


def make_tar(path: Path, files: dict[str, bytes], links: dict[str, str] | None = None) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tar.addfile(info)
    return path


def read_all(path: Path, limits: ArchiveLimits | None = None) -> dict[str, bytes | int]:
    out: dict[str, bytes | int] = {}
    for item in iter_members(str(path), path.name, limits or ArchiveLimits()):
        out[str(item.path)] = item.read() if isinstance(item, Member) else item.size
        assert isinstance(item, Member | Oversized)
    return out


@pytest.mark.parametrize(
    "name", ["../evil.txt", "course/../../evil.txt", "/etc/passwd", "a\\..\\..\\b"]
)
def test_path_traversal_rejects_the_archive(tmp_path: Path, name: str) -> None:
    archive = make_tar(tmp_path / "evil.tar.gz", {"course/course.xml": b"<course/>", name: b"x"})
    with pytest.raises(ArchiveError, match="leaves the archive"):
        read_all(archive)


def test_links_hidden_entries_are_ignored_and_paths_normalised(tmp_path: Path) -> None:
    archive = make_tar(
        tmp_path / "a.tar.gz",
        {"./course/./a.txt": b"A", "course/.DS_Store": b"x", "._course": b"x", ".git/HEAD": b"x"},
        links={"course/link.txt": "/etc/passwd"},
    )
    assert read_all(archive) == {"course/a.txt": b"A"}


def test_limits(tmp_path: Path) -> None:
    archive = make_tar(tmp_path / "a.tar.gz", {"a.txt": b"x" * 10, "b.txt": b"y" * 100})
    assert read_all(archive, ArchiveLimits(max_file_bytes=50)) == {"a.txt": b"x" * 10, "b.txt": 100}
    with pytest.raises(ArchiveError, match="more than 50 bytes uncompressed"):
        read_all(archive, ArchiveLimits(max_total_bytes=50))
    with pytest.raises(ArchiveError, match="more than 1 members"):
        read_all(archive, ArchiveLimits(max_members=1))


def test_corrupt_and_truncated_archives(tmp_path: Path, edx_fixtures: Path) -> None:
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"this is not gzip at all")
    with pytest.raises(ArchiveError, match="not a readable tar archive"):
        read_all(garbage)
    data = (edx_fixtures / "exported_courses_12345.tar.gz").read_bytes()
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(ArchiveError, match="corrupt"):
        read_all(truncated)
