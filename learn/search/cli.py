"""``learn index``: rebuild, status and drain of the search index (thin over library functions)."""

from __future__ import annotations

import json

import typer

app = typer.Typer(help="Search index: rebuild from the catalog, show status, drain the queue.")


def _setup() -> None:
    from learn.config.bootstrap import setup_django

    setup_django()


@app.command()
def rebuild() -> None:
    """Rebuild the index from the catalog; searches keep answering from the old index meanwhile."""
    _setup()
    from rich.progress import Progress

    from learn.search.backends.base import SearchUnavailable
    from learn.search.indexing import count_indexable, rebuild_index

    resources, files = count_indexable()
    try:
        with Progress() as progress:
            task = progress.add_task("indexing", total=resources + files)
            count = rebuild_index(progress=lambda n: progress.advance(task, n))
    except SearchUnavailable as exc:  # e.g. another rebuild is running
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"indexed {count} documents")


@app.command()
def status() -> None:
    """Document counts, queue length and lag (seconds since the oldest queued change)."""
    _setup()
    from learn.search.status import index_status

    typer.echo(json.dumps(index_status(), indent=2))


@app.command()
def drain() -> None:
    """Write every queued catalog change to the engine now."""
    _setup()
    from learn.search.queue import drain as drain_queue

    report = drain_queue()
    typer.echo(json.dumps(report.__dict__))
    if report.error:
        raise typer.Exit(1)
