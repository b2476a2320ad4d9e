"""Time of a full taxonomy load into empty tables and of an unchanged reload.

Usage: python benchmarks/taxonomy_load.py [--source FOLDER_OR_URL] [--repeat N]
Runs against the configured database (LEARN_VAR_DIR / DATABASE_URL) inside one transaction that
is rolled back at the end, so the database is left as it was. Prints one JSON line per phase:
{"phase", "seconds_median", "seconds_min", "rows_written", "repeat", "vendor"}.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time


class _RollBack(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--source", default=None, help="folder or http(s) base URL")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learn.config.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from learn.catalog.models import Department, Offeror, Platform, School, Topic, TopicMapping
    from learn.catalog.taxonomy import default_taxonomy_source, load_taxonomy

    source = args.source or default_taxonomy_source()
    if source is None:
        raise SystemExit("no taxonomy source: pass --source")
    phases: dict[str, list[float]] = {"first_load": [], "unchanged_reload": []}
    written: dict[str, int] = {}
    for _ in range(args.repeat):
        try:
            with transaction.atomic():
                for model in (TopicMapping, Topic, Department, School, Offeror, Platform):
                    model.objects.all().delete()
                for phase in phases:
                    started = time.perf_counter()
                    report = load_taxonomy(source)
                    phases[phase].append(time.perf_counter() - started)
                    written[phase] = sum(c.written for c in report.counts.values())
                raise _RollBack
        except _RollBack:
            pass
    for phase, times in phases.items():
        print(
            json.dumps(
                {
                    "benchmark": "taxonomy_load",
                    "phase": phase,
                    "seconds_median": round(statistics.median(times), 4),
                    "seconds_min": round(min(times), 4),
                    "rows_written": written[phase],
                    "repeat": args.repeat,
                    "vendor": connection.vendor,
                    "source": "url" if str(source).startswith("http") else "folder",
                }
            )
        )


if __name__ == "__main__":
    main()
