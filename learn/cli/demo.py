"""``learn demo``: bring a fresh machine to a served, loaded catalog on the embedded defaults.

Steps: migrate → taxonomy → catalog (the real OCW corpus from ../shared when present, otherwise the
project's generated demo catalog) → search index → embeddings. Each step reports what it did.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

Echo = Callable[[str], None]


def _optional(module: str) -> object | None:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            return None
        raise


def prepare_demo(echo: Echo = print, embed: bool = True) -> None:
    from django.core.management import call_command

    echo("1/5 migrating the database")
    call_command("migrate", interactive=False, verbosity=0)

    from learn.catalog.taxonomy import TaxonomyError, default_taxonomy_source, load_taxonomy

    source = default_taxonomy_source()
    echo(f"2/5 loading the taxonomy from {source or 'nowhere (no shared folder)'}")
    if source is not None:
        try:
            for line in load_taxonomy(source).lines():
                echo(f"    {line}")
        except TaxonomyError as exc:
            echo(f"    taxonomy not loaded: {exc}")

    pipeline = _optional("learn.etl.pipeline")
    if pipeline is None:
        echo("3/5 no ETL package installed: the catalog stays as it is")
    else:
        echo("3/5 loading the catalog (the OCW corpus when reachable, else the generated demo)")
        for run in pipeline.load_starter_catalog():  # type: ignore[attr-defined]
            echo(
                f"    {run.source}: {run.status} – {run.created} created, {run.updated} updated, "
                f"{run.unchanged} unchanged, {run.skipped} skipped, {run.failed} failed"
                + (f" ({run.message})" if run.message else "")
            )

    indexing = _optional("learn.search.indexing")
    if indexing is None:
        echo("4/5 no search package installed: skipping the index")
    else:
        echo("4/5 building the search index")
        echo(f"    {indexing.rebuild_index()} documents indexed")  # type: ignore[attr-defined]

    indexing_vectors = _optional("learn.vectors.indexing")
    if indexing_vectors is None:
        echo("5/5 no vectors package installed: skipping embeddings")
    elif not embed:
        echo(
            "5/5 embeddings skipped (--no-embed): run `learn embeddings generate --all` for "
            "semantic search; until then the default search answers lexically and says so"
        )
    else:
        echo("5/5 embedding resources for semantic search")
        from learn.vectors.cli import generate_with_progress

        echo(f"    {generate_with_progress().as_dict()}")

    accounts = _optional("learn.accounts.demo")
    if accounts is not None:
        echo(f"    sign-in: {accounts.ensure_demo_account()}")  # type: ignore[attr-defined]
