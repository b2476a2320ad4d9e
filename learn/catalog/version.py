"""The catalog version: a counter every announced catalog change moves on, shared by processes.

Writers announce changes through ``learn.catalog.hooks`` (the search index and the vector store
depend on the same announcements). ``bump`` runs after the announcing transaction commits, in its
own statement, so no catalog transaction waits on the counter row; a reader that read the old
number and then the new rows only files fresh data under an old key nobody asks for again.
``current`` costs one indexed read; a process that is killed between a commit and its bump leaves
caches keyed by the version stale until their time limit (``learn.api.view_cache``).
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, transaction
from django.db.models import F

from learn.catalog import hooks
from learn.catalog.models import CatalogVersion

logger = logging.getLogger(__name__)

ROW_ID = 1


def current() -> str:
    """The version now: the counter and when it last moved (so a database created afresh, whose
    counter starts again, never repeats an old token); "0" before the first announced change."""
    row = CatalogVersion.objects.filter(pk=ROW_ID).values_list("counter", "changed_on").first()
    if row is None:
        return "0"
    return f"{row[0]}@{row[1].isoformat()}"


def _bump_now() -> None:
    try:
        if not CatalogVersion.objects.filter(pk=ROW_ID).update(counter=F("counter") + 1):
            CatalogVersion.objects.get_or_create(pk=ROW_ID, defaults={"counter": 1})
    except DatabaseError:  # e.g. SQLite busy: caches then fall back on their time limit
        logger.warning("could not move the catalog version on; cached pages expire on time")


def bump() -> None:
    """Move the version on once the current transaction commits (at once outside one)."""
    transaction.on_commit(_bump_now)


def _announced(ids: list[int]) -> None:
    bump()


def connect() -> None:
    """Every announced change or removal moves the version on (called by the app's ready())."""
    hooks.on_resources_changed(_announced)
    hooks.on_resources_removed(_announced)
