"""The one explicit hook through which the catalog announces changes.

Writers call ``resources_changed`` / ``resources_removed`` after a commit; indexes (search,
vectors) register listeners at start-up. The catalog never imports them: dependencies point from
the indexes to the catalog, not back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

logger = logging.getLogger(__name__)

ChangeListener = Callable[[list[int]], None]

_changed: list[ChangeListener] = []
_removed: list[ChangeListener] = []


def on_resources_changed(listener: ChangeListener) -> ChangeListener:
    """Register a listener for created/updated resource ids (usable as a decorator)."""
    if listener not in _changed:
        _changed.append(listener)
    return listener


def on_resources_removed(listener: ChangeListener) -> ChangeListener:
    """Register a listener for unpublished or deleted resource ids."""
    if listener not in _removed:
        _removed.append(listener)
    return listener


def _notify(listeners: list[ChangeListener], ids: Iterable[int], what: str) -> None:
    batch = sorted(set(ids))
    if not batch:
        return
    for listener in list(listeners):
        try:
            listener(batch)
        except Exception:  # a listener must never break a catalog write
            logger.exception("catalog %s listener %r failed for %d ids", what, listener, len(batch))


def resources_changed(ids: Iterable[int]) -> None:
    _notify(_changed, ids, "changed")


def resources_removed(ids: Iterable[int]) -> None:
    _notify(_removed, ids, "removed")


def clear_listeners() -> None:
    """For tests: forget every registered listener."""
    _changed.clear()
    _removed.clear()
