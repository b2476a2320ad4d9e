from __future__ import annotations

import json
from pathlib import Path

import pytest
from factories import Catalog
from typer.testing import CliRunner

from learn.catalog import hooks
from learn.vectors import listeners
from learn.vectors.cli import app
from learn.vectors.documents import RESOURCES
from learn.vectors.store import VectorStore, set_store
from learn.vectors.store.edge import EdgeStore

runner = CliRunner()


@pytest.mark.usefixtures("embedded_tasks")
def test_generate_all_then_pending_then_status(catalog: Catalog, store: VectorStore) -> None:
    result = runner.invoke(app, ["generate", "--all"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.strip().splitlines()[-1])
    visible = [r for r in catalog.resources.values() if r.published and not r.test_mode]
    assert report["resources"] == len(visible) and report["embedded_points"] > len(visible)
    assert store.count(RESOURCES) == len(visible)

    listeners.register()
    algorithms = catalog["algorithms"]
    algorithms.title = "Introduction to Algorithms (renamed)"
    algorithms.save()
    hooks.resources_changed([algorithms.pk])
    result = runner.invoke(app, ["generate"])
    assert result.exit_code == 0, result.output
    pending = json.loads(result.output.strip().splitlines()[-1])
    assert pending["resources"] == 1 and pending["embedded_points"] >= 1

    status = json.loads(runner.invoke(app, ["status"]).output.strip().splitlines()[-1])
    assert status["pending"] == 0 and status[RESOURCES] == len(visible)


def test_generate_by_source(catalog: Catalog, store: VectorStore) -> None:
    for key in ("algorithms", "linear_algebra"):
        catalog[key].etl_source = "ocw"
        catalog[key].save()
    result = runner.invoke(app, ["generate", "--source", "ocw"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1])["resources"] == 2
    ids = {h.payload["resource_id"] for h in store.scroll(RESOURCES, limit=100)[0]}
    assert ids == catalog.ids("algorithms", "linear_algebra")


def test_generate_reports_a_locked_store(catalog: Catalog, tmp_path: Path) -> None:
    holder = EdgeStore(tmp_path / "v")
    holder.ensure_collection(RESOURCES, 384, {})
    previous = set_store(EdgeStore(tmp_path / "v"))  # a second opener, like a CLI beside a server
    try:
        result = runner.invoke(app, ["generate", "--all"])
    finally:
        set_store(previous)
        holder.close()
    assert result.exit_code == 1
    assert "cannot open vector shard" in result.output
