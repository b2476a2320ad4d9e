"""Replay recorded upstream payloads (``../shared/fixtures/sources``) through a local stand-in.

``standin`` is the HTTP server, ``recipes`` says how each source's files are served and which
settings point the source at them. ``learn demo`` loads every recorded source this way after the
OCW corpus; the ETL tests use the same stand-in and recipes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from learn.config.env import get_env
from learn.etl.replay.recipes import RECIPES, Recipe, Settings
from learn.etl.replay.standin import Request, StandIn, running_stand_in

__all__ = ["RECIPES", "Recipe", "Request", "StandIn", "applied_settings", "running_stand_in"]


@contextmanager
def applied_settings(settings: Settings) -> Iterator[None]:
    """Apply source settings to this process's environment (and typed env) for a block."""
    previous = {key: os.environ.get(key) for key in settings}
    os.environ.update(settings)
    get_env.cache_clear()
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_env.cache_clear()
