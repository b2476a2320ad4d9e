"""Open Learning Library: the OLL course catalog, a CSV export (``OLL_DATA_URL``, a URL or a
file path; default: ``data/taxonomy/oll_metadata.csv`` of the shared reference folder).

Each raw item is one CSV row (a dict keyed by the column titles).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from learn.config.env import LearnEnv, get_env
from learn.etl.records import CourseNumberRecord, ImageRecord, ResourceRecord, RunRecord
from learn.etl.sources import _common as c

NAME = "oll"
PLATFORM = "oll"
# Rows already ingested through OCW.
SKIP_READABLE_IDS = frozenset({"OCW+18.031+2019_Spring"})
REQUIRED_COLUMNS = ("OLL Course", "title", "readable_id")


def _default_csv() -> Path | None:
    shared = get_env().shared_path()
    path = shared / "data" / "taxonomy" / "oll_metadata.csv" if shared else None
    return path if path and path.is_file() else None


def configured(env: LearnEnv | None = None) -> bool:
    env = env or get_env()
    return bool(env.oll_data_url or _default_csv())


def read_csv(location: str) -> str:
    """The CSV text at an http(s) URL or a file path."""
    if location.startswith(("http://", "https://")):
        from learn.etl.sources import _fetch

        return _fetch.get_text(location)
    return Path(location).read_text(encoding="utf-8")


def parse_rows(text: str) -> list[dict[str, str]]:
    """Rows of the catalog CSV; a file without the expected columns is refused."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [col for col in REQUIRED_COLUMNS if col not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"OLL catalog CSV lacks the columns {missing}")
    return [dict(row) for row in reader]


def extract(config: Any = None, source: str | None = None) -> list[dict[str, str]]:
    env = config if isinstance(config, LearnEnv) else get_env()
    location = source or env.oll_data_url or (str(_default_csv()) if _default_csv() else None)
    if not location:
        return []
    return parse_rows(read_csv(location))


def item_id(raw: dict[str, Any]) -> str:
    return c.item_id_of(raw, "readable_id", "OLL Course")


def readable_id(row: dict[str, Any], year: int | None, semester: str | None) -> str:
    course = str(row["OLL Course"]).strip()
    if (c.text(row.get("Offered by")) or "").upper() == "OCW":
        return f"{course}+{c.slugify(semester or '')}_{year or ''}"
    return f"MITx+{course}"


def _int(value: Any) -> int | None:
    raw = c.text(value)
    return int(float(raw)) if raw and raw.replace(".", "", 1).isdigit() else None


def transform(row: dict[str, Any]) -> list[ResourceRecord]:
    ident = item_id(row)
    c.require(row, ident, *REQUIRED_COLUMNS)
    run_key = str(row["readable_id"]).strip()
    if run_key in SKIP_READABLE_IDS:
        return []

    def build() -> ResourceRecord:
        year, semester = c.year_and_semester(run_key)
        published = (c.text(row.get("published")) or "").upper() == "YES"
        image_url = c.text(row.get("Course Image URL Flat")) or c.text(row.get("Course Image URL"))
        image = ImageRecord(url=image_url, alt=row["title"]) if image_url else None
        weeks = _int(row.get("Duration"))
        hours = _int(row.get("Student Effort"))
        duration = f"{weeks} weeks" if weeks else ""
        commitment = f"{hours} hours per week" if hours else ""
        language = c.language_code(row.get("Language"))
        number = str(row["OLL Course"]).strip()
        topics = [
            t.replace("Educational Policy", "Education Policy")
            for t in (
                c.text(row.get("MITxO Primary Child")),
                c.text(row.get("MITxO Adopted Secondary Child ")),
            )
            if t
        ]
        run = RunRecord(
            run_id=run_key,
            title=str(row["title"]).strip(),
            description=c.text(row.get("description")),
            url=c.text(row.get("url")),
            published=published,
            image=image,
            level=c.levels([row.get("Level")]),
            year=year,
            semester=semester,
            languages=[language] if language else [],
            instructors=c.instructors(row.get(f"Instructor {i}") for i in range(1, 7)),
            availability="anytime",
            pace=["self_paced"],
            format=["asynchronous"],
            duration=duration,
            min_weeks=weeks,
            max_weeks=weeks,
            time_commitment=commitment,
            min_weekly_hours=hours,
            max_weekly_hours=hours,
        )
        offered_by = "ocw" if (c.text(row.get("Offered by")) or "").upper() == "OCW" else "mitx"
        return ResourceRecord(
            readable_id=readable_id(row, year, semester),
            resource_type="course",
            platform=PLATFORM,
            etl_source=NAME,
            offered_by=offered_by,
            title=run.title,
            description=run.description,
            full_description=run.description,
            url=run.url,
            image=image,
            published=published,
            languages=run.languages,
            topics=topics,
            license_cc=(c.text(row.get("License CC")) or "").upper() == "YES",
            resource_category="Course",
            availability="anytime",
            pace=["self_paced"],
            format=["asynchronous"],
            duration=duration,
            min_weeks=weeks,
            max_weeks=weeks,
            time_commitment=commitment,
            min_weekly_hours=hours,
            max_weekly_hours=hours,
            runs=[run],
            course_numbers=[
                CourseNumberRecord(value=number, department_id=c.course_number_department(number))
            ],
            departments=[d for d in [c.course_number_department(number)] if d],
        )

    return [c.guarded(ident, build)]
