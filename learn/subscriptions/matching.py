"""New resources against saved queries, through the search port's ``match_queries``."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from learn.catalog.constants import ResourceType
from learn.catalog.models import LearningResource
from learn.search.backends import get_backend
from learn.search.indexing import resource_documents
from learn.search.query import SearchQuery
from learn.subscriptions.models import PercolateQuery
from learn.subscriptions.queries import QueryNoLongerValid, to_search_query

logger = logging.getLogger(__name__)


@dataclass
class Matches:
    by_query: dict[int, list[int]] = field(default_factory=dict)  # query id -> resource ids
    invalid: dict[int, str] = field(default_factory=dict)  # query id -> why it was skipped


def new_resource_ids(since: datetime, until: datetime | None = None) -> list[int]:
    """Published, searchable resources created after ``since`` (MIT Learn's digest window)."""
    found = LearningResource.objects.filter(published=True, created_on__gt=since).exclude(
        resource_type=ResourceType.learning_path
    )
    if until is not None:
        found = found.filter(created_on__lte=until)
    return list(found.order_by("id").values_list("id", flat=True))


def parse_saved(saved: Iterable[PercolateQuery]) -> tuple[dict[str, SearchQuery], dict[int, str]]:
    """Engine queries by key (the query id); a stored query today's parameters refuse is
    reported in the log and returned apart, never raised."""
    parsed: dict[str, SearchQuery] = {}
    invalid: dict[int, str] = {}
    for query in saved:
        try:
            parsed[str(query.pk)] = to_search_query(query.query)
        except QueryNoLongerValid as exc:
            invalid[query.pk] = str(exc)
            logger.warning("saved query %s no longer parses, skipped: %s", query.pk, exc)
    return parsed, invalid


def match(saved: Iterable[PercolateQuery], resource_ids: Sequence[int]) -> Matches:
    parsed, invalid = parse_saved(saved)
    outcome = Matches(invalid=invalid)
    if not parsed or not resource_ids:
        return outcome
    documents = list(resource_documents(list(resource_ids)))
    found = get_backend().match_queries(parsed, documents)
    outcome.by_query = {int(key): [int(i) for i in ids] for key, ids in found.items() if ids}
    return outcome
