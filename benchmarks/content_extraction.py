"""Benchmark: content-file extraction and ingestion. Prints JSON lines.

- in-process Tika (iscc-tika): ms per PDF (real course PDFs from the OCW legacy export, warm),
  HTML pages per second;
- the Tika server adapter through the local stand-in (same PDFs, over HTTP);
- OLX ingest of the edX export bundle into a fresh database: files/s first run, and an
  unchanged re-run (checksum skip, no extraction).

Uses a fresh SQLite database in a temporary LEARN_VAR_DIR unless DATABASE_URL is set.

    .venv/bin/python benchmarks/content_extraction.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def emit(**fields: object) -> None:
    print(json.dumps(fields), flush=True)


def real_pdfs(shared: Path) -> list[tuple[str, bytes]]:
    folder = next((shared / "fixtures" / "sources" / "ocw" / "s3_PROD").rglob("0"))
    out = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_bytes())
        if data.get("_type") == "OCWFile" and data.get("_content_type") == "application/pdf":
            out.append((str(data["id"]), base64.b64decode(data["_datafield_file"]["data"])))
    return out


CPU: dict[str, float] = {}


def timed(fn: object, items: list[tuple[str, bytes]], rounds: int) -> list[float]:
    """Wall milliseconds per file; ``CPU["ms"]`` gets this process's CPU ms per file."""
    per_file: list[float] = []
    cpu = time.process_time()
    for _ in range(rounds):
        for name, data in items:
            start = time.perf_counter()
            fn(data, name)  # type: ignore[operator]
            per_file.append((time.perf_counter() - start) * 1000)
    CPU["ms"] = round((time.process_time() - cpu) * 1000 / len(per_file), 1)
    return per_file


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        os.environ["LEARN_VAR_DIR"] = tempfile.mkdtemp(prefix="learn-bench-content-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learn.config.settings")
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.core.management import call_command

    from learn.catalog import hooks
    from learn.config.env import get_env
    from learn.etl.content.extract import NativeTika, TikaServer
    from learn.etl.content.ingest import ingest_content_files
    from learn.etl.content.tika_standin import start_standin
    from learn.etl.loader import load_resources
    from learn.etl.records import ResourceRecord, RunRecord

    shared = get_env().shared_path()
    if shared is None:
        emit(error="../shared is missing")
        return 2
    emit(metric="machine", load_avg_1m=round(os.getloadavg()[0], 2), cpus=os.cpu_count())
    pdfs = real_pdfs(shared)
    total_kb = sum(len(d) for _, d in pdfs) / 1024

    start = time.perf_counter()
    native = NativeTika()
    native.extract(pdfs[0][1], pdfs[0][0])
    emit(metric="native_tika_first_call_ms", value=round((time.perf_counter() - start) * 1000, 1))
    ms = timed(native.extract, pdfs, args.rounds)
    emit(
        metric="native_tika_pdf_ms", pdfs=len(pdfs), avg_pdf_kb=round(total_kb / len(pdfs), 1),
        median_ms=round(statistics.median(ms), 1), mean_ms=round(statistics.mean(ms), 1),
        max_ms=round(max(ms), 1), pdfs_per_s=round(1000 / statistics.mean(ms), 1),
        cpu_ms=CPU["ms"],
    )  # fmt: skip
    pages = [(f"p{i}.html", f"<html><body><h2>Week {i}</h2><p>{'text ' * 300}</p>".encode())
             for i in range(20)]  # fmt: skip
    ms = timed(native.extract, pages, args.rounds)
    emit(metric="native_tika_html_ms", median_ms=round(statistics.median(ms), 1),
         files_per_s=round(1000 / statistics.mean(ms), 1), cpu_ms=CPU["ms"])  # fmt: skip

    standin = start_standin(native)
    try:
        with TikaServer(standin.url) as server:
            ms = timed(server.extract, pdfs, args.rounds)
        emit(
            metric="tika_server_adapter_pdf_ms",
            note="PUT /tika + PUT /meta to the local stand-in",
            median_ms=round(statistics.median(ms), 1),
            mean_ms=round(statistics.mean(ms), 1),
            client_cpu_ms=CPU["ms"],
        )
    finally:
        standin.stop()

    call_command("migrate", interactive=False, verbosity=0)
    hooks.clear_listeners()
    run_id = "course-v1:DevOps+0.001+2015_Summer"
    course_record = ResourceRecord(
        readable_id="DevOps+0.001", resource_type="course", platform="mitxonline",
        etl_source="bench", title="Ops", runs=[RunRecord(run_id=run_id, title="Ops")],
    )  # fmt: skip
    load_resources([course_record], "bench", full=False)
    bundle = shared / "fixtures" / "sources" / "edx" / "exported_courses_12345.tar.gz"
    for label in ("first", "unchanged"):
        start, cpu = time.perf_counter(), time.process_time()
        report = ingest_content_files("mitxonline", bundle, extractor=native)
        took, cpu_took = time.perf_counter() - start, time.process_time() - cpu
        course = report.courses[0]
        files = course.counts.created + course.counts.updated + course.counts.unchanged
        emit(
            metric=f"olx_ingest_{label}", files=files, extracted=course.extracted,
            created=course.counts.created, unchanged=course.counts.unchanged,
            seconds=round(took, 2), files_per_s=round(files / took, 1),
            cpu_seconds=round(cpu_took, 2),
        )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
