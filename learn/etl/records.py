"""Typed records: what every source's pure ``transform`` returns and the loader consumes.

A record describes one resource as its source sees it. Codes are the catalog's (see
``learn.catalog.constants``). Validation happens here, so a record that lacks a required field
fails at construction and the pipeline can skip and report it while the rest loads.

Upstream text is sanitized here, once for every source (:mod:`learn.etl.sanitize`): titles and
descriptions become plain text (unescaped, then every tag removed) and URLs must be absolute
http(s) (a ``javascript:`` or other URL is dropped, and so is an image with one).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from learn.etl.sanitize import plain_text, safe_url


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


def _plain(value: Any) -> Any:
    return plain_text(value) if isinstance(value, str) else value


def _plain_title(value: Any) -> Any:
    return (plain_text(value) or "") if isinstance(value, str) else value


def _url(value: Any) -> Any:
    return safe_url(value) if isinstance(value, str) else value


def _image(value: Any) -> Any:
    """An image whose URL was not http(s) is dropped (the record keeps the rest)."""
    return None if isinstance(value, ImageRecord) and not value.url else value


class ImageRecord(Record):
    url: str
    description: str | None = None
    alt: str | None = None

    @field_validator("url", mode="before")
    @classmethod
    def _http_url(cls, value: Any) -> Any:
        return (safe_url(value) or "") if isinstance(value, str) else value  # "" is dropped

    _texts = field_validator("description", "alt", mode="before")(_plain)


class PriceRecord(Record):
    amount: Decimal
    currency: str = "USD"


class InstructorRecord(Record):
    full_name: str
    first_name: str | None = None
    last_name: str | None = None


class CourseNumberRecord(Record):
    value: str
    listing_type: str = "primary"  # primary | cross-listed
    department_id: str | None = None


class RunRecord(Record):
    run_id: str = Field(min_length=1)
    title: str
    description: str | None = None
    full_description: str | None = None
    last_modified: datetime | None = None
    published: bool = True
    is_variant: bool = False
    languages: list[str] = []
    url: str | None = None
    image: ImageRecord | None = None
    level: list[str] = []
    slug: str | None = None
    semester: str | None = None
    year: int | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    enrollment_start: datetime | None = None

    _title = field_validator("title", mode="before")(_plain_title)
    _texts = field_validator("description", "full_description", mode="before")(_plain)
    _urls = field_validator("url", mode="before")(_url)
    _images = field_validator("image", mode="after")(_image)
    enrollment_end: datetime | None = None
    instructors: list[InstructorRecord] = []
    prices: list[PriceRecord] = []
    checksum: str | None = None
    delivery: list[str] = ["online"]
    availability: str | None = None
    pace: list[str] = ["self_paced"]
    format: list[str] = ["asynchronous"]
    location: str = ""
    duration: str = ""
    min_weeks: int | None = None
    max_weeks: int | None = None
    time_commitment: str = ""
    min_weekly_hours: int | None = None
    max_weekly_hours: int | None = None


class ChildRef(Record):
    """A child resource referenced by its upsert key; loaded before or with the parent."""

    readable_id: str
    resource_type: str
    platform: str
    position: int = 0
    relation_type: str


class ContentFileRecord(Record):
    key: str
    run_id: str | None = None  # the run of the parent resource that owns the file
    uid: str | None = None
    title: str | None = None
    description: str | None = None
    url: str | None = None
    image_src: str | None = None
    file_type: str | None = None
    content_type: str = "file"
    content: str | None = None
    content_title: str | None = None
    content_author: str | None = None
    content_language: str | None = None
    content_tags: list[str] = []
    source_path: str = ""
    file_extension: str | None = None
    edx_module_id: str | None = None
    checksum: str | None = None
    published: bool = True
    youtube_id: str | None = None
    duration: str | None = None

    _texts = field_validator("title", "description", mode="before")(_plain)
    _urls = field_validator("url", "image_src", mode="before")(_url)


class ResourceRecord(Record):
    readable_id: str = Field(min_length=1)
    resource_type: str
    platform: str
    title: str = Field(min_length=1)
    etl_source: str
    offered_by: str | None = None
    description: str | None = None
    full_description: str | None = None
    url: str | None = None
    image: ImageRecord | None = None
    last_modified: datetime | None = None
    published: bool = True
    test_mode: bool = False
    languages: list[str] = []
    # Raw topic names as the source spells them; mapped through the taxonomy's per-offeror mappings.
    topics: list[str] = []
    ocw_topics: list[str] = []
    departments: list[str] = []
    course_features: list[str] = []
    certification: bool = False
    certification_type: str = "none"
    resource_category: str | None = None
    professional: bool = False
    availability: str | None = None
    completeness: float = 1.0
    license_cc: bool = False
    continuing_ed_credits: Decimal | None = None
    delivery: list[str] = ["online"]
    pace: list[str] = ["self_paced"]
    format: list[str] = ["asynchronous"]
    location: str = ""
    duration: str = ""
    min_weeks: int | None = None
    max_weeks: int | None = None
    time_commitment: str = ""
    min_weekly_hours: int | None = None
    max_weekly_hours: int | None = None
    runs: list[RunRecord] = []
    children: list[ChildRef] = []
    content_files: list[ContentFileRecord] = []
    # Type-specific detail (course_numbers, audio_url, streaming_url, rss_url, ...).
    course_numbers: list[CourseNumberRecord] = []
    detail: dict[str, object] = {}

    _title = field_validator("title", mode="before")(_plain_title)
    _texts = field_validator("description", "full_description", mode="before")(_plain)
    _urls = field_validator("url", mode="before")(_url)
    _images = field_validator("image", mode="after")(_image)

    @field_validator("resource_type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        allowed = {
            "course",
            "program",
            "learning_path",
            "podcast",
            "podcast_episode",
            "video",
            "video_playlist",
            "document",
        }
        if value not in allowed:
            raise ValueError(f"unknown resource_type {value!r}; expected one of {sorted(allowed)}")
        return value

    @property
    def key(self) -> tuple[str, str, str]:
        """The upsert key: (platform, readable_id, resource_type)."""
        return (self.platform, self.readable_id, self.resource_type)


class TransformError(Exception):
    """A raw item could not become a record; the pipeline skips it and reports ``item_id``."""

    def __init__(self, item_id: str, message: str) -> None:
        super().__init__(f"{item_id}: {message}")
        self.item_id = item_id
        self.message = message
