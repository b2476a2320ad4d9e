"""``learn embeddings``: backfill and inspect the vector store."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from learn.vectors.indexing import Report
    from learn.vectors.store import VectorStore

app = typer.Typer(
    help="Embeddings: backfill the vector store, show its status.", no_args_is_help=True
)


def _setup() -> None:
    from learn.config.bootstrap import setup_django

    setup_django()


def generate_with_progress(source: str | None = None, store: VectorStore | None = None) -> Report:
    """``indexing.generate`` over every resource (or one ETL source's) with a progress bar."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from learn.catalog.models import LearningResource
    from learn.vectors import indexing

    qs = LearningResource.objects.all()
    total = (qs.filter(etl_source=source) if source else qs).count()
    with Progress(
        TextColumn("embedding"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TextColumn("{task.fields[points]} points"),
        TimeElapsedColumn(),
    ) as bar:
        task = bar.add_task("embed", total=total, points=0)
        return indexing.generate(
            source=source,
            store=store,
            progress=lambda n, r: bar.update(task, advance=n, points=r.embedded_points),
        )


@app.command()
def generate(
    all_: Annotated[
        bool, typer.Option("--all", help="Every resource (unchanged ones are skipped)")
    ] = False,
    source: Annotated[str | None, typer.Option("--source", help="Only this ETL source")] = None,
    recreate: Annotated[
        bool,
        typer.Option("--recreate", help="Drop the collections first (e.g. after a model change)"),
    ] = False,
) -> None:
    """Embed resources and content files. Without --all/--source: pending changes only."""
    _setup()
    from learn.vectors import indexing
    from learn.vectors.documents import CONTENT_FILES, RESOURCES
    from learn.vectors.models import EmbeddedPoint
    from learn.vectors.store import VectorStoreError, VectorStoreUnavailable, get_store

    try:
        store = get_store()
        if recreate:
            for collection in (RESOURCES, CONTENT_FILES):
                store.drop_collection(collection)
            EmbeddedPoint.objects.all().delete()
            indexing.forget_collections()
        if not (all_ or source):
            report = indexing.embed_pending(store=store)
        else:
            report = generate_with_progress(source, store)
    except (VectorStoreUnavailable, VectorStoreError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(json.dumps(report.as_dict()))
    if report.failed:
        typer.echo(f"{len(report.failed)} resources failed; the catch-up retries them", err=True)
        raise typer.Exit(1)


@app.command()
def status() -> None:
    """Points per collection and pending work. Works beside a process that holds the embedded
    store: the counts then come from the database's bookkeeping, and the holder is named."""
    _setup()
    from django.db.models import Count

    from learn.vectors.documents import CONTENT_FILES, RESOURCES
    from learn.vectors.models import EmbeddedPoint, EmbeddingFailure, PendingEmbedding
    from learn.vectors.store import VectorStoreError, VectorStoreUnavailable, get_store

    recorded = dict(
        EmbeddedPoint.objects.values_list("collection").annotate(n=Count("point_id")).order_by()
    )
    out: dict[str, object] = {
        "pending": PendingEmbedding.objects.count(),
        "failed": EmbeddingFailure.objects.count(),
        # What the bookkeeping says was written: readable whoever holds the store.
        "recorded": {c: int(recorded.get(c, 0)) for c in (RESOURCES, CONTENT_FILES)},
        "embedded_resources": EmbeddedPoint.objects.filter(collection=RESOURCES)
        .values("resource_id")
        .distinct()
        .count(),
    }
    try:
        store = get_store()
    except (VectorStoreError, VectorStoreUnavailable) as exc:
        store = None
        out["store"] = f"unavailable: {exc}"
    held = getattr(store, "held_elsewhere", None)
    holders = [h for c in (RESOURCES, CONTENT_FILES) if held and (h := held(c))]
    if holders:  # opening a shard would fail, or take one the holder is about to open
        out["store"] = "held by another process; counts are the recorded ones: " + "; ".join(
            holders
        )
    for collection in (RESOURCES, CONTENT_FILES):
        if store is None or holders:
            out[collection] = "unavailable: " + ("; ".join(holders) or str(out.get("store")))
            continue
        try:
            out[collection] = store.count(collection)
        except (VectorStoreError, VectorStoreUnavailable) as exc:
            out[collection] = f"unavailable: {exc}"
    typer.echo(json.dumps(out))
    if "store" in out:
        typer.echo(str(out["store"]), err=True)
