"""Queries whose OpenSearch request bodies are kept as golden files."""

from __future__ import annotations

from learn.search.query import SearchQuery, Tuning

NOW = 1_767_225_600.0  # 2026-01-01T00:00:00Z

CASES: dict[str, SearchQuery] = {
    "browse_default": SearchQuery(),
    "text_with_facets": SearchQuery(
        text="18.06 linear algebra",
        filters={"resource_type": ("course",), "free": ("true",), "topic": ("Mathematics",)},
        aggregations=("resource_type", "topic", "free"),
        offset=10,
        limit=5,
    ),
    "quoted_phrase_best_fields": SearchQuery(
        text='"machine learning" python', tuning=Tuning(search_mode="best_fields")
    ),
    "sorted_with_ids": SearchQuery(filters={"id": ("3", "7")}, sort="-start_date"),
    "content_files": SearchQuery(
        index="content_file",
        text="eigenvalues",
        filters={"resource_id": ("5",)},
        aggregations=("content_feature_type",),
    ),
}
