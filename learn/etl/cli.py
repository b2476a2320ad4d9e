"""``learn etl``: run sources, list them, show recent runs (thin layer over the pipeline)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from learn.etl.content.cli import app as content_app

app = typer.Typer(help="ETL: load sources into the catalog.", no_args_is_help=True)
console = Console()
app.add_typer(content_app, name="content")


def _setup() -> None:
    from learn.config.bootstrap import setup_django

    setup_django()


def _summary(run: object) -> str:
    from learn.etl.models import EtlRun, RunStatus

    assert isinstance(run, EtlRun)
    if run.status == RunStatus.skipped:
        return f"{run.source}: skipped — {run.message}"
    took = f"{run.duration_seconds:.1f}s" if run.duration_seconds is not None else "-"
    return (
        f"{run.source}: {run.status} in {took} — extracted {run.extracted}, "
        f"created {run.created}, updated {run.updated}, unchanged {run.unchanged}, "
        f"unpublished {run.unpublished}, skipped {run.skipped}, failed {run.failed}"
        + (f"\n  {run.message}" if run.message else "")
    )


def _run_with_progress(name: str, source: str | None, force: bool) -> Any:
    from learn.etl.pipeline import run_source

    with Progress(
        TextColumn(f"{name} [progress.description]{{task.description}}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        stages: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int | None) -> None:
            if stage not in stages:
                stages[stage] = bar.add_task(stage, total=total)
            bar.update(stages[stage], completed=done, total=total)

        return run_source(name, source=source, force=force, progress=progress)


@app.command()
def run(
    name: Annotated[
        str | None, typer.Argument(help="Source name (see `learn etl sources`)")
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Folder, http(s):// or s3:// location")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Prune even if the extract shrank or is empty")
    ] = False,
    all_sources: Annotated[
        bool, typer.Option("--all", help="Run every source (except the generated demo)")
    ] = False,
) -> None:
    """Extract, transform and load one source (or every source with --all).

    Exit code: 0 ok (or skipped), 1 a run failed, 3 a run was partial (some records failed) or
    suspicious (nothing unpublished).
    """
    _setup()
    from learn.etl.models import RunStatus
    from learn.etl.pipeline import UnknownSource, registry

    if all_sources == (name is not None):
        console.print("[red]give a SOURCE or --all[/red]")
        raise typer.Exit(2)
    names = [n for n, spec in registry().items() if spec.in_all] if all_sources else [str(name)]
    failed = warned = False
    for current in names:
        try:
            result = _run_with_progress(current, source, force)
        except UnknownSource as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(2) from exc
        colour = {
            RunStatus.ok: "green",
            RunStatus.skipped: "yellow",
            RunStatus.suspicious: "yellow",
            RunStatus.partial: "yellow",
        }.get(result.status, "red")
        console.print(f"[{colour}]{_summary(result)}[/{colour}]")
        for error in result.errors[:20]:
            console.print(f"  - {error.get('record') or '(run)'}: {error.get('message')}")
        if len(result.errors) > 20:
            console.print(f"  … and {len(result.errors) - 20} more (see `learn etl status`)")
        failed = failed or result.status == RunStatus.failed
        warned = warned or result.status in (RunStatus.partial, RunStatus.suspicious)
    if failed:
        raise typer.Exit(1)
    if warned:
        raise typer.Exit(3)


@app.command()
def status(
    limit: Annotated[int, typer.Option(help="How many recent runs")] = 20,
    source: Annotated[str | None, typer.Option(help="Only this source")] = None,
) -> None:
    """Recent runs with their counts."""
    _setup()
    from learn.etl.models import EtlRun, RunStatus

    runs = EtlRun.objects.all()
    if source:
        runs = runs.filter(source=source)
    table = Table(title="ETL runs")
    for column in (
        "id", "source", "started (UTC)", "secs", "status", "created", "updated", "unchanged",
        "unpublished", "skipped", "failed", "message",
    ):  # fmt: skip
        table.add_column(column)
    for item in runs[:limit]:
        secs = item.duration_seconds
        table.add_row(
            str(item.pk), item.source, f"{item.started_on:%Y-%m-%d %H:%M:%S}",
            f"{secs:.1f}" if secs is not None else "-", item.status, str(item.created),
            str(item.updated), str(item.unchanged), str(item.unpublished), str(item.skipped),
            str(item.failed), (item.message or "")[:80],
        )  # fmt: skip
    console.print(table)
    # Runs that need attention, in full: what went wrong and the first failed records.
    for item in runs[:limit]:
        if item.status in (RunStatus.failed, RunStatus.partial, RunStatus.suspicious):
            console.print(
                f"run {item.pk} ({item.source}, {item.status}): {item.message}", soft_wrap=True
            )
            for error in item.errors[:5]:
                console.print(
                    f"  - {error.get('record') or '(run)'}: {error.get('message')}", soft_wrap=True
                )
            if len(item.errors) > 5:
                console.print(f"  … and {len(item.errors) - 5} more")


@app.command()
def sources() -> None:
    """Every registered source and whether it is configured."""
    _setup()
    from learn.config.env import get_env
    from learn.etl.pipeline import registry

    env = get_env()
    table = Table(title="ETL sources")
    for column in ("source", "etl_source", "queue", "configured", "description"):
        table.add_column(column)
    for name, spec in registry().items():
        ok = spec.configured(env)
        table.add_row(
            name, spec.etl_source, spec.queue, "[green]yes[/green]" if ok else "[red]no[/red]",
            spec.description,
        )  # fmt: skip
    console.print(table)
