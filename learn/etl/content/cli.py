"""``learn etl content PLATFORM --source PATH``: ingest content files (thin layer over ingest)."""

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
) -> None:
    """Extract and load the content files of PLATFORM's courses found in --source."""
    from learn.config.bootstrap import setup_django

    setup_django()
    from learn.etl.content.ingest import ContentSourceError, ingest_content_files
    from learn.etl.pipeline import SourceBusy

    try:
        report = ingest_content_files(platform, source, run_id=run_id)
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
            + (f"\n  {course.message}" if course.message else "")
        )
        for problem in course.problems:
            console.print(f"  - {problem.key}: {problem.message}")
    if report.run is not None and report.run.status == "failed":
        raise typer.Exit(1)
