"""Content-file test fixtures: fixture paths, a Tika stand-in, catalog courses owning files."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from learn.etl.content.extract import native_tika
from learn.etl.content.tika_standin import TikaStandin, start_standin
from learn.etl.loader import load_resources
from learn.etl.records import ResourceRecord, RunRecord

EDX_RUN = "course-v1:MITxT+8.01.3x+3T2022"


@pytest.fixture(scope="session")
def edx_fixtures(shared_dir: Path) -> Path:
    return shared_dir / "fixtures" / "sources" / "edx"


@pytest.fixture(scope="session")
def ocw_fixtures(shared_dir: Path) -> Path:
    return shared_dir / "fixtures" / "sources" / "ocw"


@pytest.fixture
def tika_standin() -> Iterator[TikaStandin]:
    server = start_standin(native_tika())
    yield server
    server.stop()


def course_record(readable_id: str, run_id: str, platform: str = "edx") -> ResourceRecord:
    return ResourceRecord(
        readable_id=readable_id,
        resource_type="course",
        platform=platform,
        etl_source=f"{platform}_test",
        title=f"Course {readable_id}",
        runs=[RunRecord(run_id=run_id, title=f"Run {run_id}")],
    )


@pytest.fixture
def edx_course(db: None) -> ResourceRecord:
    """The catalog course owning the 8.01.3x run, loaded through the real loader."""
    record = course_record("MITxT+8.01.3x", EDX_RUN)
    load_resources([record], "edx_test", full=False)
    return record


def text_pdf(*lines: str) -> bytes:
    """A real one-page PDF whose text layer holds ``lines`` (WinAnsi, so café/naïve work)."""
    ops = ["BT", "/F1 14 Tf", "72 720 Td", "16 TL"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({escaped}) Tj T*")
    ops.append("ET")
    stream = zlib.compress("\n".join(ops).encode("cp1252"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Title (Lecture notes) /Author (A. Teacher) >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
