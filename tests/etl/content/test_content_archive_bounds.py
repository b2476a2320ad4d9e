"""Crafted archives (issue 20, findings 2 and 3): every byte bounded, headers checked first.

Each archive is built here from a few bytes; on the old reader each of these ran out of memory,
spun, or passed a limit silently.
"""

from __future__ import annotations

import bz2
import io
import os
import shutil
import tarfile
from pathlib import Path
from typing import Any

import pytest

from learn.etl.content import ingest as ingest_module
from learn.etl.content.archive import ArchiveError, ArchiveLimits, Member, iter_members
from learn.etl.content.olx import read_courses

MiB = 1024 * 1024


def header(name: str, size: int, kind: bytes = tarfile.REGTYPE) -> bytes:
    info = tarfile.TarInfo(name)
    info.size = size
    info.type = kind
    return info.tobuf(tarfile.USTAR_FORMAT)


def padded(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 512)


END = b"\0" * 1024


def drain(source: Any, limits: ArchiveLimits) -> list[str]:
    names = []
    for item in iter_members(source, "crafted", limits):
        if isinstance(item, Member):
            item.read()
        names.append(str(item.path))
    return names


def test_a_long_gnu_name_is_refused_before_it_is_read() -> None:
    # the old reader allocated the whole declared name (1 MiB archive → 1 GiB with 1 MiB limits)
    long_name = b"n" * (256 * 1024)
    data = (
        header("././@LongLink", len(long_name), tarfile.GNUTYPE_LONGNAME)
        + padded(long_name) + header("x", 1) + padded(b"x") + END
    )  # fmt: skip
    with pytest.raises(ArchiveError, match="extended header is over the 65536-byte limit"):
        drain(io.BytesIO(data), ArchiveLimits())


def test_a_long_pax_header_is_refused_before_it_is_read() -> None:
    record = b"path=" + b"p" * (200 * 1024) + b"\n"
    line = f"{len(record) + 7} ".encode() + record
    data = header("PaxHeader", len(line), tarfile.XHDTYPE) + padded(line) + END
    with pytest.raises(ArchiveError, match="extended header is over"):
        drain(io.BytesIO(data), ArchiveLimits())


def test_cve_2024_6232_pax_header_is_parsed_in_linear_time() -> None:
    # Python 3.11.7's regular expressions take quadratic time on a run of digits (16 KiB: ~3 s,
    # 60 KiB: ~50 s); the reader walks records by their length prefix and refuses this one
    payload = b"1" * (16 * 1024)
    data = header("PaxHeader", len(payload), tarfile.XHDTYPE) + padded(payload)
    data += header("a.txt", 1) + padded(b"a") + END
    with pytest.raises(ArchiveError, match="malformed pax header record"):
        drain(io.BytesIO(data), ArchiveLimits())


def test_pax_records_still_apply() -> None:
    name = "course/" + "deep/" * 40 + "file.txt"  # longer than ustar's 100 characters
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo(name)
        info.size = 2
        info.pax_headers = {"comment": "é ok"}
        tar.addfile(info, io.BytesIO(b"hi"))
    assert drain(io.BytesIO(buffer.getvalue()), ArchiveLimits()) == [name]


def negative_size_header(name: str) -> bytes:
    """A ustar header whose size field is base-256 -1024 (CVE-2025-8194), checksum fixed up."""
    buf = bytearray(header(name, 0))
    buf[124:136] = b"\xff" * 10 + (-1024).to_bytes(2, "big", signed=True)
    buf[148:156] = b"        "
    buf[148:155] = f"{sum(buf):06o}\0".encode()
    return bytes(buf)


def test_cve_2025_8194_negative_size_is_refused() -> None:
    # the old reader walked backwards and re-read the same headers until the member cap
    data = header("a.txt", 1) + padded(b"a") + negative_size_header("loop.txt") + END
    with pytest.raises(ArchiveError, match="negative size"):
        drain(io.BytesIO(data), ArchiveLimits(max_members=1000))


def test_a_size_over_the_budget_is_refused_before_reading() -> None:
    data = header("huge.txt", 3 * MiB) + b"x" * 512
    with pytest.raises(ArchiveError, match="declares 3145728 bytes, more than the 2097152-byte"):
        drain(io.BytesIO(data), ArchiveLimits(max_total_bytes=2 * MiB))


def bomb(path: Path, members: int, name: str = "big.txt") -> Path:
    """A bz2 tar of ``members`` files of 1 MiB + 512 bytes of zeros (16 → a few hundred bytes)."""
    compressor = bz2.BZ2Compressor(9)
    out = []
    for index in range(members):
        out.append(compressor.compress(header(f"{name}.{index}", MiB + 512)))
        out.append(compressor.compress(b"\0" * (MiB + 512)))
    out.append(compressor.compress(END))
    out.append(compressor.flush())
    path.write_bytes(b"".join(out))
    return path


@pytest.mark.parametrize("name", ["big.txt", ".hidden/big.txt"])
def test_skipped_and_oversized_members_count_against_the_budget(tmp_path: Path, name: str) -> None:
    # 16 MiB of zeros in a few hundred bytes of bz2; each member is over the 1 MiB file limit
    # (or hidden) and was skipped uncounted: 3.2 KiB of bz2 reached 4 GiB with no error
    archive = bomb(tmp_path / "bomb.tar.bz2", 16, name)
    assert archive.stat().st_size < 4096
    limits = ArchiveLimits(max_file_bytes=MiB, max_total_bytes=20 * MiB)
    assert len(drain(str(archive), limits)) == (0 if name.startswith(".") else 16)
    # each header alone fits what is left; together they cross the budget
    with pytest.raises(ArchiveError, match=r"more than (the )?8388608"):
        drain(str(archive), ArchiveLimits(max_file_bytes=MiB, max_total_bytes=8 * MiB))


def inner_course(index: int, padding: int) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        files = {
            "course/course.xml": f'<course org="O" course="C{index}" url_name="r"/>'.encode(),
            "course/static/pad.txt": b"z" * padding,
        }
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_inner_archives_share_the_top_level_budget(tmp_path: Path) -> None:
    # a bundle of ten inner exports, each inflating to 1 MiB: each inner archive got a fresh
    # budget, so a few KiB held ten times the limit
    bundle = tmp_path / "bundle.tar.gz"
    with tarfile.open(bundle, "w:gz") as tar:
        for index in range(10):
            data = inner_course(index, MiB)
            info = tarfile.TarInfo(f"exports/course{index}.tar.gz")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    assert bundle.stat().st_size < 64 * 1024
    roomy = ArchiveLimits(max_file_bytes=2 * MiB, max_total_bytes=64 * MiB)
    assert len(read_courses(bundle, roomy)) == 10
    with pytest.raises(ArchiveError, match=r"more than (the )?4194304"):
        read_courses(bundle, ArchiveLimits(max_file_bytes=2 * MiB, max_total_bytes=4 * MiB))


@pytest.mark.django_db
def test_exports_are_read_and_ingested_one_at_a_time(
    edx_fixtures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the old ingest read every archive of a folder before loading any (10 × the budget held)
    folder = tmp_path / "exports"
    folder.mkdir()
    for index, name in enumerate(["exported_courses_12345.tar.gz", "empty.tar.gz"]):
        target = Path(shutil.copy(edx_fixtures / name, folder / f"{index}-{name}"))
        os.utime(target, (1_000 + index, 1_000 + index))
    events: list[str] = []
    real_read, real_ingest = ingest_module.read_courses, ingest_module._ingest_edx_course

    def spy_read(archive: Path, *args: Any) -> Any:
        events.append(f"read {archive.name}")
        return real_read(archive, *args)

    def spy_ingest(context: Any, course: Any) -> Any:
        events.append(f"ingest {Path(course.label.split('!')[0]).name}")
        return real_ingest(context, course)

    monkeypatch.setattr(ingest_module, "read_courses", spy_read)
    monkeypatch.setattr(ingest_module, "_ingest_edx_course", spy_ingest)
    ingest_module.ingest_content_files("edx", folder, extractor=None)
    reads = [i for i, e in enumerate(events) if e.startswith("read")]
    ingests = [i for i, e in enumerate(events) if e.startswith("ingest")]
    assert reads and ingests
    # every ingest of an archive's courses happens before the next archive is read
    assert events[0] == "read 1-empty.tar.gz"  # newest first
    assert events[1] == "read 0-exported_courses_12345.tar.gz"
    assert all(i > reads[1] for i in ingests)


def test_ocw_files_over_the_file_limit_are_reported_not_read(
    ocw_fixtures: Path, tmp_path: Path
) -> None:
    # OCW files were read whole whatever CONTENT_MAX_FILE_BYTES said (300 MiB with a 1 MiB limit)
    from learn.etl.content import ocw as ocw_content
    from learn.etl.content.extract import native_tika

    root = tmp_path / "site"
    shutil.copytree(ocw_fixtures / "site_courses", root)
    [course] = ocw_content.find_courses(root)
    result = ocw_content.course_content(
        course, "run", "https://ocw.mit.edu/", native_tika(), {}, max_file_bytes=3
    )
    over = {
        p.key.rsplit("/", 1)[-1]: p.message for p in result.problems if "size limit" in p.message
    }
    assert over and all("bytes is over the size limit (3" in m for m in over.values())
    assert set(over) <= {key.rsplit("/", 1)[-1] for key in result.failed_keys}
