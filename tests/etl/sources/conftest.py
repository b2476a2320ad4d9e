"""A local HTTP stand-in for upstream sources, serving the recorded payloads in ../shared."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from learn.config.env import get_env
from learn.etl.replay import StandIn, running_stand_in


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    with running_stand_in() as state:
        yield state


@pytest.fixture
def fixtures_dir(shared_dir: Path) -> Path:
    return shared_dir / "fixtures" / "sources"


@pytest.fixture
def source_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Set source environment variables for one test (the typed env is re-read)."""

    def _set(**values: str) -> None:
        for key, value in values.items():
            monkeypatch.setenv(key.upper(), value)
        get_env.cache_clear()

    yield _set
    monkeypatch.undo()  # before the cache is cleared: a later get_env() must not see them
    get_env.cache_clear()


def resources(etl_source: str) -> dict[tuple[str, str], object]:
    """The catalog rows of one etl_source keyed by (resource_type, readable_id)."""
    from learn.catalog.models import LearningResource

    return {
        (r.resource_type, r.readable_id): r
        for r in LearningResource.objects.filter(etl_source=etl_source)
    }
