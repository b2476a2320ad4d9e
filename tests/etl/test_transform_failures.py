"""Records that fail to transform are never unpublished because of it, and the run says so."""

from __future__ import annotations

import json
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from learn.catalog.models import LearningResource
from learn.config.env import get_env
from learn.etl import pipeline
from learn.etl.models import RunStatus
from learn.etl.records import ResourceRecord
from tests.etl.test_loader import TEN

pytestmark = pytest.mark.django_db
WRONG_SHAPE = json.dumps({"foo": 1}).encode()


def _published_slugs() -> set[str]:
    urls = LearningResource.objects.filter(
        etl_source="ocw", published=True, resource_type="course"
    ).values_list("url", flat=True)
    return {u.rstrip("/").rsplit("/", 1)[-1] for u in urls}


def test_many_wrong_shaped_files_make_the_run_suspicious_and_prune_nothing(
    ocw_subset: Callable[..., Path],
) -> None:
    from learn.etl.cli import app

    assert pipeline.run_source("ocw", source=str(ocw_subset(TEN, name="all"))).created == 10
    broken = ocw_subset(TEN, name="broken", edit={slug: WRONG_SHAPE for slug in TEN[:4]})
    runner = CliRunner()
    result = runner.invoke(app, ["run", "ocw", "--source", str(broken)])
    assert result.exit_code == 3, result.output
    assert "ocw: suspicious" in result.output
    assert _published_slugs() == set(TEN)
    status = runner.invoke(app, ["status", "--source", "ocw"])
    assert "suspicious" in status.output and "4 of 10 records (40%)" in status.output


def test_a_few_failures_keep_the_failed_rows_and_prune_the_dropped_ones(
    ocw_subset: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline.run_source("ocw", source=str(ocw_subset(TEN, name="all")))
    monkeypatch.setattr(get_env(), "etl_failure_ratio", 0.2)
    # TEN[9] left the listing (pruned); TEN[0] is there but its data.json is broken (kept)
    site = ocw_subset(TEN[:9], name="nine", edit={TEN[0]: WRONG_SHAPE})
    run = pipeline.run_source("ocw", source=str(site))
    assert run.status == RunStatus.partial
    assert "1 records failed to transform" in run.message
    assert [e["record"] for e in run.errors] == [TEN[0]]
    assert _published_slugs() == set(TEN[:9])


def test_the_failure_threshold_is_configurable(
    ocw_subset: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline.run_source("ocw", source=str(ocw_subset(TEN, name="all")))
    monkeypatch.setattr(get_env(), "etl_failure_ratio", 0.05)
    run = pipeline.run_source(
        "ocw", source=str(ocw_subset(TEN[:9], name="n", edit={TEN[0]: WRONG_SHAPE}))
    )
    assert run.status == RunStatus.suspicious and run.unpublished == 0
    assert "above the 5% threshold" in run.message
    assert _published_slugs() == set(TEN)


ITEMS: list[Any] = []


@pytest.fixture
def nameless_source() -> Iterator[list[Any]]:
    module = types.ModuleType("learn_test_nameless")
    module.NAME = "nameless_test"  # type: ignore[attr-defined]
    module.ETL_SOURCE = "podcast"  # type: ignore[attr-defined]
    module.extract = lambda config, source: list(ITEMS)  # type: ignore[attr-defined]
    module.transform = lambda raw: [  # type: ignore[attr-defined]
        ResourceRecord(
            readable_id=raw["code"], resource_type="podcast", platform="podcast",
            title=raw["title"], etl_source="podcast",
        )
    ]  # fmt: skip
    pipeline.register_source(module)
    yield ITEMS
    ITEMS.clear()
    pipeline.unregister_source("nameless_test")


def test_a_failure_that_cannot_be_identified_prunes_nothing(
    nameless_source: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_env(), "etl_failure_ratio", 0.5)
    nameless_source.extend({"code": f"p{i}", "title": f"P{i}"} for i in range(6))
    assert pipeline.run_source("nameless_test").created == 6
    nameless_source[:] = [{"code": f"p{i}", "title": f"P{i}"} for i in range(1, 5)]
    nameless_source.append({"oops": True})  # p0 or p5? nobody can tell
    run = pipeline.run_source("nameless_test")
    assert run.status == RunStatus.partial and run.unpublished == 0
    assert "have no name" in run.message
    published = LearningResource.objects.filter(etl_source="podcast", published=True)
    assert published.count() == 6
    forced = pipeline.run_source("nameless_test", force=True)
    assert forced.unpublished == 2
