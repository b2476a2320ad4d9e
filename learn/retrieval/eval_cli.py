"""``learn eval relevance FILE``: nDCG@10 and MRR@10 per query kind against the live index."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Evaluate search quality.")


@app.callback()
def _main() -> None:
    """Evaluate search quality."""


@app.command()
def relevance(
    file: Annotated[
        Path, typer.Argument(help="Judgments JSON (format of eval/relevance_dev.json)")
    ],
    mode: Annotated[
        str | None,
        typer.Option(
            help="search_mode: hybrid, phrase, best_fields, most_fields "
            "(default: the API's, setting SEARCH_DEFAULT_MODE)"
        ),
    ] = None,
    details: Annotated[bool, typer.Option(help="Also print one line per query")] = False,
) -> None:
    """Print one JSON line per query kind (and overall) with nDCG@10 and MRR@10."""
    from learn.config.bootstrap import setup_django

    setup_django()
    from learn.catalog.models import LearningResource
    from learn.retrieval.modes import run_search
    from learn.retrieval.search_params import default_search_mode
    from learn.search.query import DEFAULT_TUNING, SEARCH_MODES, SearchQuery
    from learn.search.relevance import evaluate, load_judgments

    if not file.is_file():
        typer.echo(f"no such file: {file}", err=True)
        raise typer.Exit(2)
    mode = mode or default_search_mode()
    if mode not in SEARCH_MODES:
        typer.echo(f"unknown mode {mode!r}: one of {', '.join(SEARCH_MODES)}", err=True)
        raise typer.Exit(2)
    tuning = replace(DEFAULT_TUNING, search_mode=mode)
    urls = LearningResource.objects.filter(published=True).values_list("url", flat=True)
    corpus = [u or "" for u in urls]

    def ranker(q: str) -> list[str]:
        query = SearchQuery(text=q, limit=10, tuning=tuning)
        result, _ = run_search(query, explicit=False)  # as the API runs a default mode
        return [str(h.source.get("url") or "") for h in result.hits]

    report = evaluate(load_judgments(file), ranker, corpus)
    for kind, figures in report["summary"].items():
        typer.echo(json.dumps({"kind": kind, "mode": mode, **figures}))
    if details:
        for line in report["queries"]:
            typer.echo(json.dumps(line))
