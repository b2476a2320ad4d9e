"""``learn etl content ingest PLATFORM --source PATH``: ingest content files (thin layer over
ingest); ``learn etl content failures``: the files whose extraction failed and is not retried."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(help="Content files: edX OLX archives and OCW course folders.")
console = Console()


@app.command("ingest")
def ingest(
    platform: Annotated[str, typer.Argument(help="edx | mitxonline | xpro | oll | ocw")],
    source: Annotated[
        str, typer.Option("--source", help="Archive, folder of archives, or OCW course folder")
    ],
    run_id: Annotated[
        str | None, typer.Option("--run-id", help="Run of a single-course archive")
    ] = None,
    retry_failed: Annotated[
        bool,
        typer.Option(
            "--retry-failed",
            help="Extract again the files whose very bytes failed before (over a memory, time "
            "or page limit, the extractor crashed, a parse error); without it they are skipped "
            "with the remembered reason (see `learn etl content failures`)",
        ),
    ] = False,
) -> None:
    """Extract and load the content files of PLATFORM's courses found in --source.

    A file whose extraction fails for a reason about the file is remembered by its key and the
    SHA-256 of its bytes: later ingests (this command, scheduled or webhook tasks) keep its
    stored copy and do not extract the same bytes again; changed bytes are tried again.
    """
    from learn.config.bootstrap import setup_django

    setup_django()
    from learn.etl.content.ingest import ContentSourceError, ingest_content_files
    from learn.etl.pipeline import SourceBusy

    try:
        report = ingest_content_files(platform, source, run_id=run_id, retry_failed=retry_failed)
    except ContentSourceError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    except SourceBusy as exc:
        console.print(f"[yellow]{exc}[/yellow]")
        raise typer.Exit(1) from exc
    for course in report.courses:
        counts = course.counts
        console.print(
            f"{course.run_id or course.label}: {course.status} — created {counts.created}, "
            f"updated {counts.updated}, unchanged {counts.unchanged}, "
            f"unpublished {counts.unpublished}, extracted {course.extracted}"
            + (f", not extracted again {course.remembered}" if course.remembered else "")
            + (f"\n  {course.message}" if course.message else ""),
            soft_wrap=True,
        )
        for problem in course.problems:
            console.print(f"  - {problem.key}: {problem.message}", soft_wrap=True)
    if report.run is not None and report.run.status == "failed":
        raise typer.Exit(1)


@app.command("failures")
def failures(
    platform: Annotated[
        str | None, typer.Argument(help="Only this platform (edx | mitxonline | xpro | oll | ocw)")
    ] = None,
    run_id: Annotated[str | None, typer.Option("--run-id", help="Only this course run")] = None,
    key: Annotated[str | None, typer.Option("--key", help="Only this file key")] = None,
    clear: Annotated[
        bool,
        typer.Option(
            "--clear",
            help="Forget the listed failures: the next ingest (any, scheduled ones included) "
            "extracts those files again",
        ),
    ] = False,
    limit: Annotated[int, typer.Option(help="How many to list")] = 100,
) -> None:
    """Content files whose extraction failed for a reason about the file, and why.

    Ingests do not extract these bytes again (their stored copy is kept) until the bytes change,
    an ingest runs with --retry-failed, or --clear forgets them.
    """
    from learn.config.bootstrap import setup_django

    setup_django()
    from learn.etl.models import ExtractionFailure

    rows = ExtractionFailure.objects.all()
    if platform:
        rows = rows.filter(platform=platform)
    if run_id:
        rows = rows.filter(run_id=run_id)
    if key:
        rows = rows.filter(key=key)
    if clear:
        count, _ = rows.delete()
        console.print(f"{count} remembered failure(s) cleared: the next ingest tries them again")
        return
    total = rows.count()
    console.print(f"{total} content file(s) not extracted again (their very bytes failed before)")
    for row in rows[:limit]:  # one block each: keys and reasons are too long for a table
        console.print(
            f"{row.platform} {row.run_id} {row.key}\n"
            f"  sha256 {row.sha256[:16]}…, failed {row.attempts}×, skipped {row.skipped}×, "
            f"first {row.first_seen:%Y-%m-%d %H:%M} UTC, last {row.last_seen:%Y-%m-%d %H:%M} UTC"
            f"\n  {row.reason}",
            soft_wrap=True,
            highlight=False,
        )
    if total > limit:
        console.print(f"… and {total - limit} more (--limit)")
