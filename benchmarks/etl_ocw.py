"""Benchmark: full OCW load of the shared corpus from a folder, an unchanged re-run, and a
re-run where every record counts as changed.

Prints JSON lines. Uses a fresh SQLite database in a temporary LEARN_VAR_DIR unless
DATABASE_URL is set. Catalog change listeners (search, vectors) are detached by default so the
figures are the ETL's own; pass --with-listeners to include them.

    .venv/bin/python benchmarks/etl_ocw.py [--source PATH] [--with-listeners]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time


def emit(**fields: object) -> None:
    print(json.dumps(fields), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", help="OCW folder (default: ../shared/data/ocw_site)")
    parser.add_argument("--with-listeners", action="store_true")
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        os.environ["LEARN_VAR_DIR"] = tempfile.mkdtemp(prefix="learn-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learn.config.settings")
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection

    from learn.catalog import hooks
    from learn.catalog.taxonomy import default_taxonomy_source, load_taxonomy
    from learn.etl.pipeline import run_source
    from learn.etl.sources.ocw import default_location

    call_command("migrate", interactive=False, verbosity=0)
    taxonomy = default_taxonomy_source()
    if taxonomy:
        load_taxonomy(taxonomy)
    if not args.with_listeners:
        hooks.clear_listeners()
    source = args.source or default_location()
    if not source:
        emit(error="no OCW source: pass --source")
        return 2
    from learn.catalog.models import LearningResource

    LearningResource.objects.filter(etl_source="ocw").delete()

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    common = {"db": connection.vendor, "listeners": args.with_listeners, "source": source}
    targets = {"full_load": 30, "unchanged_rerun": 5, "all_changed_rerun": 30}
    for label in targets:
        if label == "all_changed_rerun":  # forget checksums: every record is rewritten
            LearningResource.objects.filter(etl_source="ocw").update(etl_checksum="")
        started = time.perf_counter()
        run = run_source("ocw", source=source)
        seconds = time.perf_counter() - started
        emit(
            benchmark=f"etl_ocw_{label}", seconds=round(seconds, 2), status=run.status,
            created=run.created, updated=run.updated, unchanged=run.unchanged,
            extracted=run.extracted, target_seconds=targets[label], **common,
        )  # fmt: skip
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    emit(
        benchmark="etl_ocw_peak_memory", peak_rss_mb=round(rss / 1024, 1),
        rss_before_load_mb=round(rss_before / 1024, 1), **common,
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
