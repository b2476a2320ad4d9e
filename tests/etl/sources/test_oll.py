"""Open Learning Library: the CSV catalog in the shared taxonomy folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from learn.etl.records import TransformError
from learn.etl.sources import oll


@pytest.fixture
def csv_path(shared_dir: Path) -> Path:
    return shared_dir / "data" / "taxonomy" / "oll_metadata.csv"


@pytest.fixture
def records(csv_path: Path) -> dict[str, Any]:
    rows = oll.parse_rows(csv_path.read_text(encoding="utf-8"))
    return {r.readable_id: r for row in rows for r in oll.transform(row)}


def test_every_row_but_the_ocw_duplicate_becomes_a_course(
    csv_path: Path, records: dict[str, Any]
) -> None:
    rows = oll.parse_rows(csv_path.read_text(encoding="utf-8"))
    assert len(rows) == 64
    assert len(records) == 63
    assert all(r.platform == "oll" and r.etl_source == "oll" for r in records.values())
    assert not any(r.runs[0].run_id == "OCW+18.031+2019_Spring" for r in records.values())


def test_mitx_offered_course(records: dict[str, Any]) -> None:
    course = records["MITx+0.501x"]
    assert course.title == "Envisioning the Graduate of the Future"
    assert course.offered_by == "mitx"
    assert (
        course.url
        == "https://openlearninglibrary.mit.edu/courses/course-v1:MITx+0.501x+2T2019/about"
    )
    assert course.topics == ["Pedagogy and Curriculum", "Digital Learning"]
    assert course.languages == ["en"]
    assert course.published is True
    (run,) = course.runs
    assert run.run_id == "MITx+0.501x+2T2019"
    assert (run.year, run.semester) == (2019, "Summer")
    assert run.availability == "anytime" and run.pace == ["self_paced"]
    assert course.course_numbers[0].value == "0.501x"


def test_ocw_offered_course_readable_id(records: dict[str, Any]) -> None:
    course = records["18.05+summer_2022"]
    assert course.offered_by == "ocw"
    assert course.title == "Introduction to Probability and Statistics"
    assert course.departments == ["18"]
    assert [i.full_name for i in course.runs[0].instructors] == [
        "Jeremy Orloff",
        "Jennifer French Kamrin",
    ]
    assert course.runs[0].level == ["undergraduate"]
    assert course.duration == "14 weeks" and course.min_weeks == 14
    assert course.image is not None and course.image.alt == course.title


def test_row_without_title_is_a_transform_error(csv_path: Path) -> None:
    row = oll.parse_rows(csv_path.read_text(encoding="utf-8"))[3]
    row["title"] = ""
    with pytest.raises(TransformError, match="title"):
        oll.transform(row)


def test_csv_without_catalog_columns_is_refused() -> None:
    with pytest.raises(ValueError, match="lacks the columns"):
        oll.parse_rows("name,value\nfoo,1\n")


def test_extract_from_url_through_stand_in(stand_in: Any, csv_path: Path, source_env: Any) -> None:
    url = stand_in.serve_file("/export.csv", csv_path, ctype="text/csv")
    source_env(OLL_DATA_URL=url)
    assert oll.configured()
    rows = oll.extract()
    assert len(rows) == 64
    assert rows[1]["readable_id"] == "MITx+18.05r_10+2022_Summer"
    assert stand_in.hits("/export.csv")


def test_extract_defaults_to_the_bundled_csv(
    source_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OLL_DATA_URL", raising=False)
    source_env()
    assert oll.configured()
    assert len(oll.extract()) == 64


@pytest.mark.django_db
def test_end_to_end_load(stand_in: Any, csv_path: Path, source_env: Any) -> None:
    from learn.catalog.models import LearningResource
    from learn.etl.pipeline import run_source

    source_env(OLL_DATA_URL=stand_in.serve_file("/export.csv", csv_path, ctype="text/csv"))
    run = run_source("oll")
    assert run.status == "ok", run.message
    assert run.created == 63
    course = LearningResource.objects.get(readable_id="18.05+summer_2022", platform_id="oll")
    assert course.published is True and course.offered_by_id == "ocw"
    assert course.course.course_numbers[0]["value"] == "18.05"
    (only,) = course.runs.all()
    assert only.run_id == "MITx+18.05r_10+2022_Summer"
    assert (only.year, only.semester) == (2022, "Summer")
    assert [i.full_name for i in only.instructors.order_by("runinstructor__position")] == [
        "Jeremy Orloff",
        "Jennifer French Kamrin",
    ]
