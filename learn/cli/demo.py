"""``learn demo``: bring a fresh machine to a served, loaded catalog on the embedded defaults.

Steps: migrate → taxonomy → catalog (the real OCW corpus from ../shared when present, otherwise the
project's generated demo catalog) and each unit's featured list → every recorded source in
../shared/fixtures/sources, replayed through a local stand-in → search index → embeddings. Each
step prints one line with its counts and its time.
"""

from __future__ import annotations

import importlib
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

Echo = Callable[[str], None]
STEPS = 6


def _optional(module: str) -> Any | None:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            return None
        raise


@contextmanager
def _step(echo: Echo, number: int, title: str) -> Iterator[list[str]]:
    """Print ``n/6 title``, run the block, then its result lines and the time it took."""
    echo(f"{number}/{STEPS} {title}")
    started = time.monotonic()
    lines: list[str] = []
    yield lines
    elapsed = time.monotonic() - started
    for line in lines:
        echo(f"    {line}")
    echo(f"    done in {elapsed:.1f} s")


def _run_line(run: Any) -> str:
    return (
        f"{run.source}: {run.status} – {run.created} created, {run.updated} updated, "
        f"{run.unchanged} unchanged, {run.skipped} skipped, {run.failed} failed"
        + (f" ({run.message})" if run.message else "")
    )


def prepare_demo(echo: Echo = print, embed: bool = True, replay: bool = True) -> None:
    from django.core.management import call_command

    started = time.monotonic()
    with _step(echo, 1, "migrating the database"):
        call_command("migrate", interactive=False, verbosity=0)

    from learn.catalog.taxonomy import TaxonomyError, default_taxonomy_source, load_taxonomy

    source = default_taxonomy_source()
    with _step(
        echo, 2, f"loading the taxonomy from {source or 'nowhere (no shared folder)'}"
    ) as out:
        if source is not None:
            try:
                out.extend(load_taxonomy(source).lines())
            except TaxonomyError as exc:
                out.append(f"taxonomy not loaded: {exc}")

    pipeline = _optional("learn.etl.pipeline")
    with _step(
        echo, 3, "loading the catalog (the OCW corpus when reachable, else generated)"
    ) as out:
        if pipeline is None:
            out.append("no ETL package installed: the catalog stays as it is")
        else:
            out.extend(_run_line(run) for run in pipeline.load_starter_catalog())

    with _step(echo, 4, "loading every recorded source through a local stand-in") as out:
        out.extend(_replay_lines(replay))
        if pipeline is not None:
            from learn.catalog.featured import build_featured_lists

            lists = build_featured_lists()
            items = sum(lists.values())
            out.append(f"featured lists: {len(lists)} units, {items} resources (home carousels)")

    indexing = _optional("learn.search.indexing")
    with _step(echo, 5, "building the search index") as out:
        if indexing is None:
            out.append("no search package installed: skipping the index")
        else:
            out.append(f"{indexing.rebuild_index()} documents indexed")

    indexing_vectors = _optional("learn.vectors.indexing")
    with _step(echo, 6, "embedding resources for semantic search") as out:
        if indexing_vectors is None:
            out.append("no vectors package installed: skipping embeddings")
        elif not embed:
            out.append(
                "skipped (--no-embed): run `learn embeddings generate --all` for semantic search; "
                "until then the default search answers lexically and says so"
            )
        else:
            from learn.vectors.cli import generate_with_progress

            report = generate_with_progress().as_dict()
            out.append(", ".join(f"{key} {value}" for key, value in report.items()))

    accounts = _optional("learn.accounts.demo")
    if accounts is not None:
        echo(f"sign-in: {accounts.ensure_demo_account()}")

    out_counts = _catalog_counts()
    if out_counts:
        echo("catalog: " + ", ".join(f"{n} {kind}" for kind, n in out_counts))
    echo(f"prepared in {time.monotonic() - started:.0f} s")


def _replay_lines(enabled: bool) -> list[str]:
    from learn.config.env import get_env

    shared = get_env().shared_path()
    fixtures = Path(shared) / "fixtures" / "sources" if shared else None
    if not enabled:
        return ["skipped (--no-replay)"]
    if fixtures is None or not fixtures.is_dir():
        return ["no recorded payloads (../shared/fixtures/sources is absent): nothing to replay"]
    if _optional("learn.etl.replay") is None:
        return ["no ETL package installed: nothing to replay"]
    return replay_recorded_sources(fixtures)


def replay_recorded_sources(fixtures: Path, names: list[str] | None = None) -> list[str]:
    """Run every recorded source (and the news/events feeds) against a local stand-in of it.

    The stand-in listens on ``LEARN_REPLAY_PORT`` (default 8064, or a free port when that is taken)
    so the feeds' URLs, which identify them, stay the same from one demo run to the next.
    """
    from learn.config.env import get_env
    from learn.etl.pipeline import run_source
    from learn.etl.replay import RECIPES, applied_settings, running_stand_in

    lines: list[str] = []
    with running_stand_in(port=get_env().replay_port) as stand_in:
        for recipe in RECIPES:
            if names is not None and recipe.name not in names:
                continue
            if not (fixtures / recipe.folder).is_dir():
                lines.append(f"{recipe.name}: no recorded payloads; skipped")
                continue
            # The stand-in listens on loopback, which sources may not reach otherwise.
            settings = {**recipe.serve(stand_in, fixtures), "ETL_ALLOW_PRIVATE_NETWORKS": "true"}
            with applied_settings(settings):
                if recipe.name == "news_events":
                    lines.extend(_feed_lines())
                else:
                    lines.append(_run_line(run_source(recipe.name)))
    site_courses = fixtures / "ocw" / "site_courses"
    if (names is None or "ocw" in names) and site_courses.is_dir():
        # The recorded OCW course site carries content files (pages, PDFs, a video), which the
        # corpus does not: a partial load adds it and unpublishes nothing of the corpus.
        run = run_source("ocw", source=str(site_courses), full=False)
        lines.append("recorded OCW course site: " + _run_line(run))
    return lines


def _feed_lines() -> list[str]:
    news = _optional("learn.news_events.run")
    if news is None:
        return ["news_events: package not installed; skipped"]
    lines = []
    for run in news.run_feeds():
        if run.ok:
            result = run.result
            lines.append(
                f"feed {run.name}: ok – {result.created} created, {result.updated} updated, "
                f"{result.deleted} deleted, {len(result.errors)} errors"
            )
        else:
            lines.append(f"feed {run.name}: failed – {run.error}")
    return lines


def _catalog_counts() -> list[tuple[str, int]]:
    catalog = _optional("learn.catalog.models")
    if catalog is None:
        return []
    counts: Counter[str] = Counter(
        catalog.LearningResource.objects.filter(published=True).values_list(
            "resource_type", flat=True
        )
    )
    news = _optional("learn.news_events.models")
    if news is not None:
        for kind, n in Counter(news.FeedItem.objects.values_list("item_type", flat=True)).items():
            counts[f"{kind} items"] = n
    return sorted(counts.items())
