"""Parsing helpers shared by the source transforms (pure functions, no I/O except the cached
read of the bundled department table)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import urljoin

from dateutil import parser as date_parser
from pydantic import ValidationError

from learn.config.env import get_env
from learn.etl.records import InstructorRecord, PriceRecord, TransformError
from learn.etl.sanitize import plain_text

T = TypeVar("T")

_SPACES = re.compile(r"[ \t\r\f\v]+")
_PRICE = re.compile(r"\d[\d,]*(?:\.\d+)?")
_NAME_PARTICLES = {
    "van",
    "von",
    "de",
    "da",
    "del",
    "della",
    "der",
    "den",
    "di",
    "du",
    "la",
    "le",
    "st",
}


def text(value: Any) -> str | None:
    """A stripped string, or None for empty/missing values."""
    if value is None:
        return None
    out = str(value).strip()
    return out or None


def strip_html(value: Any) -> str | None:
    """Plain text of an HTML fragment: entities unescaped, then every tag removed (nh3), blank
    lines collapsed (:func:`learn.etl.sanitize.plain_text`)."""
    return plain_text(text(value))


def parse_datetime(value: Any, *, tz: Any = UTC) -> datetime | None:
    """An aware datetime from ISO text, a date or a datetime; naive values are taken in ``tz``."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    else:
        try:
            parsed = date_parser.parse(str(value))
        except (ValueError, OverflowError) as exc:
            raise ValueError(f"unparseable date {value!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def parse_price(value: Any) -> Decimal | None:
    """A Decimal from 999.0, "100.00" or "$1,870"; None when there is no number."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    match = _PRICE.search(str(value))
    if not match:
        return None
    try:
        return Decimal(match.group(0).replace(",", "")).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def prices(amounts: Iterable[Decimal | None], currency: str = "USD") -> list[PriceRecord]:
    """Unique sorted price records."""
    unique = sorted({amount for amount in amounts if amount is not None})
    return [PriceRecord(amount=amount, currency=currency) for amount in unique]


def instructor(name: Any) -> InstructorRecord | None:
    """An instructor record from a display name ("Jane Q. Doe" → first "Jane", last "Doe")."""
    full = text(name)
    if full is None:
        return None
    full = _SPACES.sub(" ", html.unescape(full))
    parts = full.split(" ")
    if len(parts) == 1:
        return InstructorRecord(full_name=full, first_name=None, last_name=full)
    start = len(parts) - 1
    while start > 1 and parts[start - 1].lower().rstrip(".") in _NAME_PARTICLES:
        start -= 1
    return InstructorRecord(full_name=full, first_name=parts[0], last_name=" ".join(parts[start:]))


def instructors(names: Iterable[Any]) -> list[InstructorRecord]:
    """Instructor records in upstream order, duplicates dropped."""
    seen: set[str] = set()
    out: list[InstructorRecord] = []
    for name in names:
        record = instructor(name)
        if record and record.full_name.lower() not in seen:
            seen.add(record.full_name.lower())
            out.append(record)
    return out


def split_pipes(value: Any) -> list[str]:
    """Items of a pipe-separated string, entities unescaped, blanks dropped."""
    raw = text(value)
    if raw is None:
        return []
    return [html.unescape(part).strip() for part in raw.split("|") if part.strip()]


def unique(values: Iterable[T]) -> list[T]:
    seen: set[T] = set()
    out: list[T] = []
    for value in values:
        if value not in seen:
            seen.add(value)
            out.append(value)
    return out


def join_url(base: str | None, path: Any) -> str | None:
    """``path`` made absolute against ``base`` (absolute paths pass through)."""
    raw = text(path)
    if raw is None:
        return None
    if not base:
        return raw
    return urljoin(base if base.endswith("/") else base + "/", raw)


def names(items: Any, key: str = "name") -> list[str]:
    """The ``key`` of each dict (or each string) in a list, blanks dropped."""
    out: list[str] = []
    for item in items or []:
        value = item.get(key) if isinstance(item, dict) else item
        clean = text(value)
        if clean:
            out.append(clean)
    return out


def require(item: dict[str, Any], item_id: str, *keys: str) -> None:
    """Raise TransformError naming the first missing required key."""
    if not isinstance(item, dict):
        raise TransformError(item_id, f"expected an object, got {type(item).__name__}")
    for key in keys:
        if item.get(key) in (None, "", []):
            raise TransformError(item_id, f"missing required field {key!r}")


def item_id_of(item: Any, *keys: str) -> str:
    """The first present identifying value of a raw item, for error reports."""
    if isinstance(item, dict):
        for key in keys:
            value = item.get(key)
            if value not in (None, ""):
                return str(value)
    return "<unknown>"


def guarded(item_id: str, build: Callable[[], T]) -> T:
    """Run a record builder; any validation or parsing failure becomes a TransformError."""
    try:
        return build()
    except TransformError:
        raise
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise TransformError(item_id, f"invalid record: {problems}") from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise TransformError(item_id, f"{type(exc).__name__}: {exc}") from exc


@lru_cache(maxsize=1)
def _department_table() -> dict[str, str]:
    """Department name (lower case) → department id, from the bundled taxonomy."""
    shared = get_env().shared_path()
    table: dict[str, str] = {}
    if shared is None:
        return table
    path = shared / "data" / "taxonomy" / "departments.json"
    if not path.is_file():
        return table
    for row in json.loads(path.read_text(encoding="utf-8")):
        fields = row.get("fields", row)
        table[str(fields["name"]).lower()] = str(fields["department_id"])
        table[str(fields["department_id"]).lower()] = str(fields["department_id"])
    return table


def department_ids(values: Iterable[Any]) -> list[str]:
    """Department ids for department names or ids; unknown names are dropped."""
    table = _department_table()
    out: list[str] = []
    for value in values:
        name = value.get("name") if isinstance(value, dict) else value
        key = (text(name) or "").lower()
        if key in table:
            out.append(table[key])
    return unique(out)


def course_number_department(number: str) -> str | None:
    """The department id implied by a course number ("18.03x" → "18", "CMS.611" → "CMS")."""
    prefix = number.split(".", 1)[0].strip()
    table = _department_table()
    return table.get(prefix.lower()) if prefix else None


_TERM_CODE = re.compile(r"([123])T(\d{4})")
_TERM_NAME = re.compile(r"(\d{4})_(Spring|Summer|Fall|Winter|IAP|January)", re.IGNORECASE)
_TERM_NAMES = {"1": "Spring", "2": "Summer", "3": "Fall"}


def year_and_semester(run_key: str) -> tuple[int | None, str | None]:
    """Year and semester named in an edX-style run key ("+2T2019" → 2019 Summer)."""
    coded = _TERM_CODE.search(run_key)
    if coded:
        return int(coded.group(2)), _TERM_NAMES[coded.group(1)]
    named = _TERM_NAME.search(run_key)
    if named:
        return int(named.group(1)), named.group(2).capitalize()
    return None, None


LEVELS = {
    "undergraduate": "undergraduate",
    "graduate": "graduate",
    "high school": "high_school",
    "high_school": "high_school",
    "non-credit": "noncredit",
    "noncredit": "noncredit",
    "advanced": "advanced",
    "intermediate": "intermediate",
    "introductory": "introductory",
}


def levels(values: Iterable[Any]) -> list[str]:
    """Catalog level codes for level labels; unknown labels are dropped."""
    return unique(LEVELS[key] for v in values if (key := (text(v) or "").lower()) in LEVELS)


def slugify(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


LANGUAGES = {
    "english": "en",
    "spanish": "es",
    "french": "fr",
    "portuguese": "pt",
    "chinese": "zh",
    "german": "de",
    "arabic": "ar",
    "japanese": "ja",
}


def language_code(value: Any) -> str | None:
    """An ISO 639-1 code for a language name or code ("English" → "en", "en-us" → "en")."""
    raw = (text(value) or "").lower()
    if not raw:
        return None
    if raw in LANGUAGES:
        return LANGUAGES[raw]
    return raw.split("-", 1)[0].split("_", 1)[0] if len(raw.split("-", 1)[0]) == 2 else None


def iso_duration(value: Any) -> str | None:
    """ISO-8601 duration from "HH:MM:SS", "MM:SS", seconds, or an ISO string passed through."""
    raw = text(value)
    if raw is None:
        return None
    if raw.upper().startswith("P"):
        return raw.upper()
    try:
        parts = [float(p) for p in raw.split(":")]
    except ValueError:
        return None
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    out = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    return out + (f"{secs}S" if secs or out == "PT" else "")
