"""Turn search pages into contract JSON: resources from the catalog, content files from payloads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from learn.catalog.models import LearningResource
from learn.catalog.queries import published_resources
from learn.catalog.serializers import serialize_resources
from learn.vectors.store import Hit


def resources_json(ids: Sequence[int]) -> list[dict[str, Any]]:
    """Serialized resources in the order of ``ids`` (ids no longer published are dropped).

    The lexical index stores every published resource's JSON: one query there is much cheaper than
    serializing from the database, which remains the fallback for anything it lacks.
    """
    if not ids:
        return []
    by_id = _from_search_index(ids)
    missing = [i for i in ids if i not in by_id]
    if missing:
        for item in serialize_resources(published_resources().filter(pk__in=missing)):
            by_id[item["id"]] = item
    return [by_id[i] for i in ids if i in by_id]


def _from_search_index(ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    from learn.search.backends import SearchUnavailable, get_backend
    from learn.search.query import SearchQuery

    out: dict[int, dict[str, Any]] = {}
    try:
        backend = get_backend()
        for start in range(0, len(ids), 100):
            part = tuple(str(i) for i in ids[start : start + 100])
            query = SearchQuery(filters={"id": part}, limit=len(part), show_ocw_files=True)
            for hit in backend.search(query).hits:
                if hit.source.get("id") is not None:
                    out[int(hit.source["id"])] = hit.source
    except SearchUnavailable:
        return {}
    return out


_OWNER_KEYS = ("offered_by", "platform", "departments", "topics")


def content_files_json(hits: Sequence[Hit]) -> list[dict[str, Any]]:
    """Content-file JSON from chunk payloads; owner fields come from the owning resources."""
    owner_ids = sorted({int(h.payload["resource_id"]) for h in hits})
    owners = {
        item["id"]: item
        for item in serialize_resources(LearningResource.objects.filter(pk__in=owner_ids))
    }
    out = []
    for hit in hits:
        result = dict(hit.payload.get("result") or {})
        owner = owners.get(int(hit.payload["resource_id"]), {})
        for key in _OWNER_KEYS:
            result[key] = owner.get(key, [] if key in ("departments", "topics") else None)
        result["require_summaries"] = bool(owner.get("require_summaries", False))
        result["content"] = hit.payload.get("chunk_content", "")
        result["chunk_number"] = hit.payload.get("chunk_number", 0)
        result["score"] = hit.score
        if result.get("run_id") is None:
            result.pop("run_id", None)
        if result.get("year") is None:
            result.pop("year", None)
        out.append(result)
    return out
