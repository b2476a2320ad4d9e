"""The one query model and result model shared by every search backend."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

RESOURCE_INDEX = "resource"
CONTENT_FILE_INDEX = "content_file"
IndexName = Literal["resource", "content_file"]

SearchMode = Literal["phrase", "best_fields", "most_fields", "hybrid"]
WordMatch = Literal["most", "some"]
SEARCH_MODES: tuple[str, ...] = ("phrase", "best_fields", "most_fields", "hybrid")


@dataclass(frozen=True)
class Tuning:
    """Ranking knobs; the API's defaults (``params.served_tuning``) are these with the
    ``SEARCH_DEFAULT_MODE`` setting's search_mode, served by
    /api/v0/learning_resources_search_admin_params/.

    ``search_mode`` here is the lexical engines' default. "hybrid" is handled above the engines
    (learn.retrieval.hybrid); a backend handed "hybrid" ranks as with "phrase".
    """

    search_mode: str = "phrase"
    slop: int = 6
    yearly_decay_percent: float = 1.0
    min_score: float = 5.0
    max_incompleteness_penalty: float = 90.0
    content_file_score_weight: float = 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "search_mode": self.search_mode,
            "slop": self.slop,
            "yearly_decay_percent": self.yearly_decay_percent,
            "min_score": self.min_score,
            "max_incompleteness_penalty": self.max_incompleteness_penalty,
            "content_file_score_weight": self.content_file_score_weight,
        }


DEFAULT_TUNING = Tuning()

# Facet fields a query may filter and aggregate on; the value is a keyword field of every document.
RESOURCE_FACETS: tuple[str, ...] = (
    "resource_type",
    "certification",
    "certification_type",
    "offered_by",
    "platform",
    "topic",
    "department",
    "level",
    "course_feature",
    "instructor",
    "professional",
    "free",
    "delivery",
    "resource_type_group",
    "resource_category",
    "ocw_topic",
    "id",
)
CONTENT_FILE_FACETS: tuple[str, ...] = (
    "topic",
    "ocw_topic",
    "content_feature_type",
    "platform",
    "offered_by",
    "run_id",
    "resource_id",
    "id",
)
BOOLEAN_FACETS = frozenset({"certification", "professional", "free"})

RESOURCE_SORTS: tuple[str, ...] = (
    "featured",
    "id",
    "-id",
    "readable_id",
    "-readable_id",
    "last_modified",
    "-last_modified",
    "new",
    "start_date",
    "-start_date",
    "mitcoursenumber",
    "-mitcoursenumber",
    "views",
    "-views",
    "upcoming",
)
CONTENT_FILE_SORTS: tuple[str, ...] = ("id", "-id", "resource_readable_id", "-resource_readable_id")


@dataclass(frozen=True)
class SearchQuery:
    """What to find. Filters are OR within a facet and AND across facets.

    ``aggregations`` names facets to count; each count ignores the filter on its own facet
    (disjunctive facets) and honours every other filter.
    """

    index: IndexName = "resource"
    text: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    aggregations: tuple[str, ...] = ()
    sort: str | None = None
    offset: int = 0
    limit: int = 10
    tuning: Tuning = DEFAULT_TUNING
    show_ocw_files: bool = False
    explain: bool = False
    # How many of the query's concepts a document needs: "most" (every one, or all but one from
    # three on) or "some" (half of them: the fallback when "most" finds nothing or too little).
    word_match: WordMatch = "most"
    # Documents in the result set whatever the text (hybrid's dense candidates). Only a sorted
    # request reads them: it orders the relevance-ranked set plus these, so every sort orders
    # the same set the relevance order does.
    also_ids: tuple[str, ...] = ()


@dataclass
class Hit:
    id: str
    score: float
    source: dict[str, Any]
    explanation: dict[str, Any] | None = None


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    aggregations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    suggest: list[str] = field(default_factory=list)
    # dev_mode: how the engine understood and ran the query (engine specific).
    debug: dict[str, Any] | None = None


@dataclass(frozen=True)
class IndexDocument:
    """One document to index: its id, the stored serialized object, and the index it lives in."""

    id: str
    source: dict[str, Any]
    index: IndexName = "resource"
    # Ranking signals that are not part of the serialized object (e.g. featured_rank).
    signals: dict[str, Any] = field(default_factory=dict)


@dataclass
class IndexStatus:
    backend: str
    available: bool
    counts: dict[str, int]
    detail: str = ""
