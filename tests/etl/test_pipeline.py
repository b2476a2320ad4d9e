"""Pipeline plumbing: registry, skipped sources, the lock, CLI commands, Celery tasks, schedules."""

from __future__ import annotations

import functools
import json
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from learn.etl import http, pipeline
from learn.etl.models import EtlRun, RunStatus
from learn.etl.records import ResourceRecord

pytestmark = pytest.mark.django_db


def _paged_source(url: str) -> types.ModuleType:
    """A minimal source module that pages a JSON API with the shared HTTP client."""
    module = types.ModuleType("learn_test_paged")
    module.NAME = "paged_test"  # type: ignore[attr-defined]
    module.configured = lambda config: True  # type: ignore[attr-defined]
    module.extract = lambda config, source: list(http.iter_pages(source or url))  # type: ignore[attr-defined]
    module.transform = lambda raw: [  # type: ignore[attr-defined]
        ResourceRecord(
            readable_id=raw["id"], resource_type="podcast", platform="podcast",
            title=raw["title"], etl_source="podcast",
        )
    ]  # fmt: skip
    return module


@pytest.fixture
def paged_source(etl_routes: Any) -> Iterator[Any]:
    pipeline.register_source(_paged_source(etl_routes.base_url + "feed/"))
    yield etl_routes
    pipeline.unregister_source("paged_test")


def test_registry_lists_the_core_sources() -> None:
    names = pipeline.registry()
    assert {"ocw", "demo"} <= set(names)
    assert names["ocw"].etl_source == "ocw"
    assert names["ocw"].resource_types == ("course", "document")


def test_unknown_source() -> None:
    with pytest.raises(pipeline.UnknownSource, match="unknown ETL source 'nope'"):
        pipeline.run_source("nope")


def test_unconfigured_source_is_recorded_as_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    from learn.config.env import get_env

    monkeypatch.setattr(get_env(), "ocw_data_source", None)
    monkeypatch.setattr(get_env(), "shared_dir", Path("/nonexistent"))
    run = pipeline.run_source("ocw")
    assert run.status == RunStatus.skipped and "not configured" in run.message
    assert EtlRun.objects.get(pk=run.pk).finished_on is not None


def test_foreign_next_link_fails_the_run_and_loads_nothing(paged_source: Any) -> None:
    paged_source.add(
        "/feed/", 200,
        json.dumps({"results": [{"id": "a", "title": "A"}], "next": "http://evil.invalid/p2"}),
    )  # fmt: skip
    run = pipeline.run_source("paged_test")
    assert run.status == RunStatus.failed
    assert "refusing pagination link to another host: http://evil.invalid/p2" in run.message
    assert run.created == 0


def test_a_paged_source_loads_and_a_bad_item_is_skipped(paged_source: Any) -> None:
    paged_source.add(
        "/feed/", 200,
        json.dumps({"results": [{"id": "a", "title": "A"}, {"id": "b", "title": ""},
                                {"title": "no id"}]}),
    )  # fmt: skip
    run = pipeline.run_source("paged_test")
    assert (run.status, run.created, run.skipped) == (RunStatus.suspicious, 1, 2)  # 2 of 3
    assert run.errors[0]["record"] == "b" and "title" in run.errors[0]["message"]
    assert run.errors[1]["record"] == "item #2" and "KeyError" in run.errors[1]["message"]


def test_one_run_of_a_source_at_a_time() -> None:
    with pipeline.source_lock("demo"):
        busy = pipeline.run_source("demo")
        with pytest.raises(pipeline.SourceBusy), pipeline.source_lock("demo"):
            pass
    assert busy.status == RunStatus.skipped and "in progress" in busy.message
    assert pipeline.run_source("demo").status == RunStatus.ok  # released


def test_cli_run_status_and_sources(ocw_subset: Callable[..., Path]) -> None:
    from learn.etl.cli import app

    runner = CliRunner()
    site = ocw_subset(["18-06-linear-algebra-spring-2010"])
    result = runner.invoke(app, ["run", "ocw", "--source", str(site)])
    assert result.exit_code == 0, result.output
    assert "ocw: ok" in result.output and "created 1" in result.output
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 0 and "ocw" in result.output
    result = runner.invoke(app, ["sources"])
    assert result.exit_code == 0 and "demo" in result.output and "ocw" in result.output
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 2
    result = runner.invoke(app, ["run", "ocw", "--source", str(site / "missing")])
    assert result.exit_code == 1 and "failed" in result.output


def test_celery_task_runs_the_source_in_process() -> None:
    from learn.etl.tasks import SOURCE_TASKS, run_source_task

    outcome = SOURCE_TASKS["demo"].apply().get()
    assert outcome["status"] == RunStatus.ok and outcome["created"] > 30
    again = run_source_task.apply(args=("demo",)).get()
    assert again["unchanged"] == outcome["created"]


def test_celery_task_retries_network_failures(etl_routes: Any, etl_fast_http: None) -> None:
    from learn.etl.tasks import SOURCE_TASKS, EtlNetworkError

    etl_routes.add("/courses.txt", 502, "bad gateway", "text/plain")
    task = SOURCE_TASKS["ocw"]
    assert task.acks_late and EtlNetworkError in task.autoretry_for
    result = task.apply(args=(etl_routes.base_url,), throw=False)
    assert result.state == "FAILURE" and isinstance(result.result, EtlNetworkError)
    assert "HTTP 502 after 3 attempts" in str(result.result)
    # eager retries run at once: 1 try + 3 retries, each a recorded failed run of 3 requests
    runs = EtlRun.objects.filter(source="ocw")
    assert runs.count() == 4 and {r.status for r in runs} == {RunStatus.failed}
    assert etl_routes.hits["/courses.txt"] == 12


def test_schedules_are_registered() -> None:
    from learn.config.celery import app
    from learn.etl import schedules

    assert "etl-ocw" in schedules.REGISTERED and "etl-demo" not in schedules.REGISTERED
    entry = app.conf.beat_schedule["etl-ocw"]
    assert entry["task"] == "learn.etl.get_ocw_data" and entry["options"]["queue"] == "default"
    assert str(schedules.TIMETABLE["youtube"]._orig_hour) == "*/4"
    assert str(schedules.TIMETABLE["youtube_transcripts"]._orig_hour) == "*/6"


def test_starter_catalog_falls_back_to_the_generated_demo(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from learn.config.env import get_env

    monkeypatch.setattr(get_env(), "ocw_data_source", None)
    monkeypatch.setattr(get_env(), "shared_dir", Path("/nonexistent"))
    runs = pipeline.load_starter_catalog()
    assert [(r.source, r.status) for r in runs] == [("demo", RunStatus.ok)]


def test_starter_catalog_prefers_ocw(
    monkeypatch: pytest.MonkeyPatch, ocw_subset: Callable[..., Path]
) -> None:
    from learn.config.env import get_env

    site = ocw_subset(["18-06-linear-algebra-spring-2010"])
    monkeypatch.setattr(get_env(), "ocw_data_source", str(site))
    runs = pipeline.load_starter_catalog()
    assert [(r.source, r.status, r.created) for r in runs] == [("ocw", RunStatus.ok, 1)]


def test_the_lock_holds_across_processes() -> None:
    """PostgreSQL advisory lock or SQLite file lock: another process cannot take it, and it is
    free again once the holder lets go (no Redis needed)."""
    import os
    import subprocess
    import sys

    from django.db import connection

    probe = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='learn.config.settings'; "
        "django.setup(); from learn.etl.pipeline import source_lock, SourceBusy\n"
        "try:\n    cm = source_lock('demo'); cm.__enter__(); print('acquired')\n"
        "except SourceBusy:\n    print('busy')"
    )
    env = dict(os.environ)
    if connection.vendor == "postgresql":  # the probe must see the test database
        settings_dict = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:"
            f"{settings_dict['PORT']}/{settings_dict['NAME']}"
        )
    run = functools.partial(
        subprocess.run, [sys.executable, "-c", probe], capture_output=True, text=True, env=env
    )
    with pipeline.source_lock("demo"):
        held = run()
    assert held.stdout.strip() == "busy", held.stderr
    free = run()
    assert free.stdout.strip() == "acquired", free.stderr


def test_run_all_skips_the_demo_and_records_every_other_source(
    monkeypatch: pytest.MonkeyPatch, ocw_subset: Callable[..., Path]
) -> None:
    from learn.config.env import get_env

    monkeypatch.setattr(get_env(), "ocw_data_source", str(ocw_subset(KNOWN_ONE)))
    runs = pipeline.run_all()
    by_source = {run.source: run for run in runs}
    assert "demo" not in by_source
    assert set(by_source) == set(pipeline.registry()) - {"demo"}
    assert (by_source["ocw"].status, by_source["ocw"].created) == (RunStatus.ok, 1)
    assert all(run.pk for run in runs)


KNOWN_ONE = ["18-06-linear-algebra-spring-2010"]
