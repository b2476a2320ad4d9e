"""``learn news``: refresh the news/events feeds and list what is stored."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(help="External news and events feeds", no_args_is_help=True)


@app.command("run")
def run(
    feeds: Annotated[
        list[str] | None, typer.Argument(help="Feed names (default: all configured)")
    ] = None,
) -> None:
    """Fetch and store the configured feeds (medium, mitpe_news, mitpe_events, ol_events)."""
    from learn.config.bootstrap import setup_django

    setup_django()
    from learn.news_events.run import run_feeds

    failed = False
    results = run_feeds(feeds or None)
    if not results:
        typer.echo(
            "no news/events feed configured (NEWS_EVENTS_MEDIUM_URL, MITPE_BASE_API_URL, ...)"
        )
    for result in results:
        if result.result is None:
            failed = failed or bool(result.url)
            typer.echo(f"{result.name}: {result.error}")
            continue
        r = result.result
        typer.echo(
            f"{result.name}: created {r.created}, updated {r.updated}, deleted {r.deleted}, "
            f"errors {len(r.errors)}"
        )
        for error in r.errors:
            typer.echo(f"  ! {error['record']}: {error['message']}")
    if failed:
        raise typer.Exit(code=1)
