"""``learn digests``: run a subscription digest now (beat runs them on schedule)."""

from __future__ import annotations

import json
import os
from typing import Annotated

import typer

app = typer.Typer(help="Saved-search and channel digests", no_args_is_help=True)


@app.callback()
def digests() -> None:
    """Saved-search and channel digests."""


@app.command("send")
def send(
    kind: Annotated[str, typer.Option("--type", help="search or channel")] = "search",
    period: Annotated[str, typer.Option(help="daily or weekly")] = "daily",
) -> None:
    """Mail the digest of one source type and frequency (queued when a broker is set, else
    sent in-process; the embedded default writes .eml files under var/mail/)."""
    if kind not in ("search", "channel") or period not in ("daily", "weekly"):
        raise typer.BadParameter("--type search|channel, --period daily|weekly")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learn.config.settings")
    import django

    django.setup()
    from django.conf import settings

    from learn.subscriptions.tasks import send_subscription_emails

    result = send_subscription_emails.delay(f"{kind}_subscription_type", period)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        typer.echo(json.dumps(result.get()))
    else:
        typer.echo(json.dumps({"queued": result.id}))
