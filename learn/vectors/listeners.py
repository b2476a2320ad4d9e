"""Catalog change hook -> embeddings work.

With a broker, changes become tasks on the ``embeddings`` queue. Without one (embedded mode) the
ids are only recorded as pending, so catalog writers (the ETL) never wait for a model; the hourly
catch-up or ``learn embeddings generate`` embeds them.
"""

from __future__ import annotations

from learn.catalog import hooks
from learn.config.env import get_env


def _pending(ids: list[int]) -> None:
    from learn.vectors.models import PendingEmbedding

    PendingEmbedding.objects.bulk_create(
        [PendingEmbedding(resource_id=i) for i in ids], ignore_conflicts=True
    )


def resources_changed(ids: list[int]) -> None:
    if get_env().tasks_eager:
        _pending(ids)
        return
    from learn.vectors.tasks import embed_resources_task

    embed_resources_task.apply_async((ids,))


def resources_removed(ids: list[int]) -> None:
    if get_env().tasks_eager:
        _pending(ids)  # the catch-up removes points of unpublished or deleted resources
        return
    from learn.vectors.tasks import remove_resources_task

    remove_resources_task.apply_async((ids,))


def register() -> None:
    hooks.on_resources_changed(resources_changed)
    hooks.on_resources_removed(resources_removed)
