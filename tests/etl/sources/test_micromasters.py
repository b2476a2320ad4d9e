"""MicroMasters: catalog programs linked to their edX courses."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from learn.etl.records import TransformError
from learn.etl.sources import _fetch, micromasters


@pytest.fixture
def catalog(fixtures_dir: Path) -> list[dict[str, Any]]:
    return json.loads((fixtures_dir / "micromasters" / "catalog.json").read_text())


def test_programs(catalog: list[dict[str, Any]]) -> None:
    (stats,) = micromasters.transform(catalog[0])
    assert stats.readable_id == "1" and stats.resource_type == "program"
    assert stats.title == "Statistics and Data Science"
    assert stats.url == "https://micromasters.mit.edu/ds/"
    assert stats.platform == "edx" and stats.offered_by == "mitx"
    assert stats.etl_source == "micromasters"
    assert stats.certification_type == "micromasters"
    assert stats.topics == ["Data Science", "Statistics"]
    assert [(ch.readable_id, ch.position) for ch in stats.children] == [
        ("course-v1:MITx+6.431x", 0),
        ("course-v1:MITx+18.6501x", 1),
        ("course-v1:MITx+6.86x", 2),
        ("course-v1:MITx+14.310x", 3),
    ]
    (run,) = stats.runs
    assert [p.amount for p in run.prices] == [Decimal("1500.00")]
    assert [i.full_name for i in run.instructors] == ["John Tsitsiklis", "Philippe Rigollet"]
    assert run.start_date == datetime(2026, 2, 2, 15, tzinfo=UTC)
    (dedp,) = micromasters.transform(catalog[1])
    assert dedp.runs[0].prices == [] and dedp.runs[0].start_date is None
    assert dedp.runs[0].end_date == datetime(2026, 12, 15, tzinfo=UTC)


def test_program_order_follows_position_in_program(catalog: list[dict[str, Any]]) -> None:
    program = dict(catalog[1], courses=list(reversed(catalog[1]["courses"])))
    (record,) = micromasters.transform(program)
    assert [ch.readable_id for ch in record.children] == [
        "course-v1:MITx+14.73x",
        "course-v1:MITx+14.100x",
    ]


def test_missing_title_is_a_transform_error(catalog: list[dict[str, Any]]) -> None:
    with pytest.raises(TransformError, match="title"):
        micromasters.transform(dict(catalog[0], title=None))


def test_extract_garbage_json(stand_in: Any, source_env: Any) -> None:
    source_env(MICROMASTERS_CATALOG_API_URL=stand_in.serve("/api/v0/catalog/", "[{]"))
    with pytest.raises(_fetch.BadPayload):
        micromasters.extract()


@pytest.mark.django_db
def test_end_to_end_load_links_edx_courses(
    stand_in: Any, fixtures_dir: Path, source_env: Any, catalog: list[dict[str, Any]]
) -> None:
    from learn.catalog.models import LearningResource
    from learn.etl.loader import load_resources
    from learn.etl.pipeline import run_source
    from learn.etl.records import ResourceRecord, RunRecord

    # two of the program's courses are already in the catalog (as mit_edx would load them)
    load_resources(
        [
            ResourceRecord(
                readable_id=key,
                resource_type="course",
                platform="edx",
                title=key,
                etl_source="mit_edx",
                runs=[RunRecord(run_id=f"{key}+1T2026", title=key)],
            )
            for key in ("course-v1:MITx+6.431x", "course-v1:MITx+6.86x")
        ],
        "mit_edx",
    )
    source_env(
        MICROMASTERS_CATALOG_API_URL=stand_in.serve_file(
            "/api/v0/catalog/", fixtures_dir / "micromasters" / "catalog.json"
        )
    )
    run = run_source("micromasters")
    assert run.status == "ok", run.message
    assert run.created == 2
    program = LearningResource.objects.get(readable_id="1", resource_type="program")
    assert program.certification_type == "micromasters"
    assert [r.child.readable_id for r in program.children.order_by("position")] == [
        "course-v1:MITx+6.431x",
        "course-v1:MITx+6.86x",
    ]
    assert program.runs.get().prices == ["1500.00"]
