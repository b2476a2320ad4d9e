"""Benchmark: what each crafted upstream input of issue 20 costs now. Prints JSON lines.

Every input is generated here (nothing is downloaded). For each: the outcome (refused/stopped
and the message), the wall time, and the memory it cost: the Python allocation peak
(tracemalloc) for the reader/fetcher cases, the extraction child's peak resident memory for
Tika. The local upstream for the fetch cases listens on 127.0.0.1:9140 (``--port``).

    .venv/bin/python benchmarks/untrusted_bounds.py [--skip-pdf]
"""

from __future__ import annotations

import argparse
import bz2
import io
import json
import os
import tarfile
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MiB = 1024 * 1024


def emit(**fields: object) -> None:
    print(json.dumps(fields), flush=True)


def measure(case: str, bound: str, run: Callable[[], Any]) -> None:
    """Run ``run`` twice: timed, then under tracemalloc for the allocation peak (its overhead
    would distort the time); report the outcome, seconds and the peak."""

    def once() -> str:
        try:
            run()
            return "accepted"
        except Exception as exc:  # the refusal is the result
            return f"{type(exc).__name__}: {str(exc)[:160]}"

    started = time.monotonic()
    outcome = once()
    seconds = time.monotonic() - started
    tracemalloc.start()
    once()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    emit(case=case, bound=bound, outcome=outcome, seconds=round(seconds, 3),
         python_peak_mib=round(peak / MiB, 1))  # fmt: skip


def header(name: str, size: int, kind: bytes = tarfile.REGTYPE) -> bytes:
    info = tarfile.TarInfo(name)
    info.size = size
    info.type = kind
    return info.tobuf(tarfile.USTAR_FORMAT)


def padded(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 512)


def archives() -> None:
    from learn.etl.content.archive import ArchiveLimits, Member, iter_members
    from learn.etl.content.olx import read_courses

    def drain(data: bytes, limits: ArchiveLimits) -> None:
        for item in iter_members(io.BytesIO(data), "crafted", limits):
            if isinstance(item, Member):
                item.read()

    name = b"n" * MiB  # finding 2: 1 MiB archive → 1 GiB allocated before
    long_name = header("././@LongLink", len(name), tarfile.GNUTYPE_LONGNAME) + padded(name)
    limits = ArchiveLimits(max_file_bytes=MiB, max_total_bytes=64 * MiB)
    measure("tar_long_gnu_name_1MiB", "64 KiB header limit", lambda: drain(long_name, limits))

    digits = b"1" * (60 * 1024)  # CVE-2024-6232: ~50 s on Python 3.11.7's own parser
    pax = header("PaxHeader", len(digits), tarfile.XHDTYPE) + padded(digits)
    pax += header("a", 1) + padded(b"a") + b"\0" * 1024
    measure("tar_pax_cve_2024_6232_60KiB", "linear pax parser", lambda: drain(pax, ArchiveLimits()))

    negative = bytearray(header("loop", 0))  # CVE-2025-8194: ~2.5 CPU-hours before
    negative[124:136] = b"\xff" * 10 + (-1024).to_bytes(2, "big", signed=True)
    negative[148:156] = b"        "
    negative[148:155] = f"{sum(negative):06o}\0".encode()
    loop = header("a", 1) + padded(b"a") + bytes(negative) + b"\0" * 1024
    measure("tar_negative_size_cve_2025_8194", "refused at the header",
            lambda: drain(loop, ArchiveLimits()))  # fmt: skip

    # finding 2: 3.2 KiB bz2 → 4 GiB decompressed before. Built as concatenated bz2 streams
    # (readers take them as one) so 64 MiB of zeros is compressed once, not 64 times.
    zeros = bz2.compress(b"\0" * 64 * MiB, 9)
    parts = []
    for index in range(64):
        parts += [bz2.compress(header(f".hidden/{index}", 64 * MiB), 9), zeros]
    bomb = b"".join(parts) + bz2.compress(b"\0" * 1024, 9)
    limits = ArchiveLimits(max_file_bytes=MiB, max_total_bytes=256 * MiB)
    emit(case="tar_bz2_bomb", compressed_bytes=len(bomb), decompressed_bytes=64 * 64 * MiB)
    measure("tar_bz2_bomb_4GiB_skipped_members", "256 MiB budget",
            lambda: drain(bomb, limits))  # fmt: skip

    bundle = io.BytesIO()  # finding 3: 6 KiB bundle → 120 MiB held against 4 MiB before
    with tarfile.open(fileobj=bundle, mode="w:gz") as tar:
        for index in range(30):
            inner = io.BytesIO()
            with tarfile.open(fileobj=inner, mode="w:gz") as course:
                for member, data in (
                    ("c/course.xml", f'<course org="O" course="C{index}" url_name="r"/>'.encode()),
                    ("c/static/pad.txt", b"z" * 4 * MiB),
                ):
                    info = tarfile.TarInfo(member)
                    info.size = len(data)
                    course.addfile(info, io.BytesIO(data))
            info = tarfile.TarInfo(f"exports/{index}.tar.gz")
            info.size = len(inner.getvalue())
            tar.addfile(info, io.BytesIO(inner.getvalue()))
    path = os.path.join(os.environ.get("TMPDIR", "/tmp"), "learn-bench-bundle.tar.gz")
    with open(path, "wb") as handle:
        handle.write(bundle.getvalue())
    emit(case="nested_bundle", compressed_bytes=len(bundle.getvalue()), inner_archives=30)
    measure("nested_bundle_120MiB", "one 16 MiB budget for the whole bundle",
            lambda: read_courses(path, ArchiveLimits(max_file_bytes=8 * MiB,
                                                     max_total_bytes=16 * MiB)))  # fmt: skip
    os.unlink(path)


def pdf_bomb(text_bytes: int, pages: int = 1) -> bytes:
    line = b"(" + b"A" * 54 + b") Tj T*\n"
    body = b"BT /F1 1 Tf 72 720 Td 1 TL\n" + line * (text_bytes // len(line)) + b"ET"
    stream = zlib.compress(body, 9)
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ] + [b"<< /Type /Page /Parent 2 0 R /Contents 3 0 R "
         b"/Resources << /Font << /F1 4 0 R >> >> >>"] * pages  # fmt: skip
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, content in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)  # fmt: skip
    return bytes(out)


def extraction() -> None:
    from learn.etl.content.extract import ExtractionError
    from learn.etl.content.sandbox import ExtractionLimits, SandboxedTika

    limits = ExtractionLimits(memory_bytes=512 * MiB, seconds=60, max_pages=2000)
    with SandboxedTika(limits) as extractor:
        extractor.extract(b"warm", "warm.txt")
        for case, data in (
            ("pdf_bomb_2MiB_text_ops", pdf_bomb(2 * MiB)),
            ("pdf_bomb_8MiB_text_ops", pdf_bomb(8 * MiB)),
            ("pdf_5000_pages", pdf_bomb(64, pages=5000)),
        ):
            started = time.monotonic()
            try:
                extractor.extract(data, case + ".pdf")
                outcome = "accepted"
            except ExtractionError as exc:
                outcome = exc.message
            emit(case=case, bound="512 MiB / 60 s / 2000 pages", pdf_bytes=len(data),
                 outcome=outcome, seconds=round(time.monotonic() - started, 2),
                 child_peak_mib=extractor.last_peak_bytes // MiB)  # fmt: skip
            extractor.last_peak_bytes = 0
        started = time.monotonic()
        extractor.extract(b"after the bombs", "after.txt")
        emit(case="pdf_next_file_after_bombs", seconds=round(time.monotonic() - started, 2))


class Upstream(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/big":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"x" * MiB
            try:
                for _ in range(300):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif self.path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(1000):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(2)
            except (BrokenPipeError, ConnectionResetError):
                pass

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def fetching(port: int) -> None:
    os.environ["ETL_ALLOW_PRIVATE_NETWORKS"] = "true"  # the stand-in is local
    from learn.config.env import get_env
    from learn.etl import http

    get_env.cache_clear()
    server = ThreadingHTTPServer(("127.0.0.1", port), Upstream)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    try:
        measure("fetch_300MiB_chunked", "10 MiB cap",
                lambda: http.get_bytes(base + "/big", max_bytes=10 * MiB, attempts=1))  # fmt: skip
        measure("fetch_trickle_byte_every_2s", "5 s deadline",
                lambda: http.get_text(base + "/trickle", deadline=5, attempts=1))  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
    os.environ["ETL_ALLOW_PRIVATE_NETWORKS"] = "false"
    get_env.cache_clear()
    measure("fetch_redirect_target_metadata_ip", "no private addresses",
            lambda: http.check_url("http://169.254.169.254/latest/meta-data/"))  # fmt: skip


def xml() -> None:
    from learn.etl.sources import podcast

    entities = ['<!ENTITY e0 "' + "laugh " * 10 + '">']
    for level in range(1, 9):
        entities.append(f'<!ENTITY e{level} "{f"&e{level - 1};" * 10}">')
    bomb = (f'<?xml version="1.0"?><!DOCTYPE rss [{"".join(entities)}]>'
            "<rss><channel><title>&e8;</title></channel></rss>")  # fmt: skip
    measure(
        "xml_entity_expansion_10e8",
        "defusedxml refuses entities",
        lambda: podcast.transform({"config": {"rss_url": "https://x.org/"}, "rss": bomb}),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-pdf", action="store_true")
    parser.add_argument("--port", type=int, default=9140)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learn.config.settings")
    import django

    django.setup()
    archives()
    if not args.skip_pdf:
        extraction()
    fetching(args.port)
    xml()


if __name__ == "__main__":
    main()
