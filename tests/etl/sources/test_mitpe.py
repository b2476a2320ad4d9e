"""MIT Professional Education: the paged course feed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from learn.etl.records import TransformError
from learn.etl.replay import recipes
from learn.etl.sources import _fetch, mitpe

BASE = "https://professional.mit.edu/"
NOW = datetime(2026, 11, 27, tzinfo=UTC)


@pytest.fixture
def pages(fixtures_dir: Path) -> list[list[dict[str, Any]]]:
    return [
        json.loads((fixtures_dir / "mitpe" / f"professional_ed_resources_{i}.json").read_text())
        for i in range(3)
    ]


@pytest.fixture
def records(pages: list[list[dict[str, Any]]]) -> dict[str, Any]:
    items = mitpe.link_program_courses([i for page in pages for i in page], BASE)
    return {r.readable_id: r for item in items for r in mitpe.transform(item, now=NOW)}


def test_program_and_its_courses(records: dict[str, Any]) -> None:
    program = records["790a82a4-8967-4b77-9342-4f6be5809abd"]
    assert program.resource_type == "program"
    assert program.title == "Manufatura Inteligente: Produção na Indústria 4.0 (Portuguese)"
    assert program.url == (
        "https://professional.mit.edu/course-catalog/manufatura-inteligente-producao-na-industria-40-portuguese"
    )
    assert program.topics == ["Business Analytics", "Machine Learning"]
    assert program.professional is True and program.platform == "mitpe"
    assert program.continuing_ed_credits == Decimal("8.00")
    assert [(ch.readable_id, ch.position) for ch in program.children] == [
        ("a44c8b47-552c-45f9-b91b-854172201889", 0),
        ("e3be75f6-f7c9-432b-9c24-70c7132e1583", 1),
    ]
    (run,) = program.runs
    assert run.run_id == "7192023070620230914"
    assert [p.amount for p in run.prices] == [Decimal("1870.00")]
    assert [i.full_name for i in run.instructors] == ["Brian Anthony"]
    # feed dates are US/Eastern
    assert run.start_date == datetime(2123, 7, 6, 4, tzinfo=UTC)


def test_course_entities_lead_instructors_and_location(records: dict[str, Any]) -> None:
    course = records["a44c8b47-552c-45f9-b91b-854172201889"]
    assert course.resource_type == "course"
    assert course.topics == ["Organizations & Leadership", "Product Innovation"]
    assert course.runs[0].instructors[0].full_name == "Edward Schiappa"
    assert course.location == ""  # online courses keep no location
    campus = records["e3be75f6-f7c9-432b-9c24-70c7132e1583"]
    assert campus.delivery == ["in_person"] and campus.location == "On Campus"
    assert [i.full_name for i in campus.runs[0].instructors] == ["Blade Kotelly", "Reza Rahaman"]


def test_ended_runs_are_dropped(records: dict[str, Any]) -> None:
    campus = records["e3be75f6-f7c9-432b-9c24-70c7132e1583"]
    # the second run (2025-09-01 .. 2025-12-01) has ended
    assert [r.start_date for r in campus.runs] == [datetime(2123, 7, 17, 4, tzinfo=UTC)]
    assert campus.runs[0].enrollment_end == datetime(2123, 6, 17, 4, tzinfo=UTC)


def test_all_runs_ended_means_unpublished(pages: list[list[dict[str, Any]]]) -> None:
    (record,) = mitpe.transform(
        dict(pages[1][0], _base_url=BASE), now=datetime(2200, 1, 1, tzinfo=UTC)
    )
    assert record.runs == [] and record.published is False


def test_missing_url_is_a_transform_error(pages: list[list[dict[str, Any]]]) -> None:
    broken = {k: v for k, v in pages[0][1].items() if k != "url"}
    with pytest.raises(TransformError, match="'url'") as err:
        mitpe.transform(broken, now=NOW)
    assert err.value.item_id == "a44c8b47-552c-45f9-b91b-854172201889"


def test_extract_walks_pages_until_empty(
    stand_in: Any, fixtures_dir: Path, source_env: Any
) -> None:
    recipes.serve_mitpe_pages(stand_in, fixtures_dir)
    source_env(MITPE_BASE_API_URL=stand_in.url("/"))
    assert mitpe.configured()
    raw = mitpe.extract()
    assert [r.query["page"] for r in stand_in.hits("/feeds/courses/")] == ["0", "1", "2"]
    assert len(raw) == 3
    assert raw[0]["_course_ids"] == [
        "a44c8b47-552c-45f9-b91b-854172201889",
        "e3be75f6-f7c9-432b-9c24-70c7132e1583",
    ]
    assert raw[0]["_base_url"] == stand_in.url("/")


def test_extract_server_error_fails(stand_in: Any, source_env: Any) -> None:
    stand_in.serve("/feeds/courses/", "boom", status=500, ctype="text/plain")
    source_env(MITPE_BASE_API_URL=stand_in.url("/"))
    with pytest.raises(_fetch.FetchError, match="HTTP 500"):
        mitpe.extract()


@pytest.mark.django_db
def test_end_to_end_load(stand_in: Any, fixtures_dir: Path, source_env: Any) -> None:
    from learn.catalog.models import LearningResource
    from learn.etl.pipeline import run_source

    recipes.serve_mitpe_pages(stand_in, fixtures_dir)
    source_env(MITPE_BASE_API_URL=stand_in.url("/"))
    run = run_source("mitpe")
    assert run.status == "ok", run.message
    assert run.created == 3
    program = LearningResource.objects.get(readable_id="790a82a4-8967-4b77-9342-4f6be5809abd")
    assert program.resource_type == "program" and program.published is True
    assert program.professional is True
    assert [rel.child.title for rel in program.children.order_by("position")] == [
        "Comunicação Persuasiva: Pensamento Crítico para Aprimorar a Mensagem (Portuguese)",
        "Design-Thinking and Innovation for Technical Leaders",
    ]
    campus = LearningResource.objects.get(readable_id="e3be75f6-f7c9-432b-9c24-70c7132e1583")
    assert campus.location == "On Campus"
    assert [r.run_id for r in campus.runs.all()] == ["4172023071720230719"]
    assert campus.runs.get().prices == ["3600.00"]
