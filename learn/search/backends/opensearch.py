"""OpenSearch adapter: one index per document type behind aliases, zero-downtime reindex.

Request bodies are built by pure functions (``index_settings``, ``search_body``, ``bulk_chunks``)
and responses parsed by ``parse_search_response``, so they are tested without a server.
Content files live in their own ``content_file`` index (MIT Learn nests them as child documents).
Relevance ranking follows the policy both engines share (``learn.search.ranking``): the engine
applies its multipliers in ``RANK_SCRIPT``; course grouping, the order and the min_score floor
are applied above the engine to the best RERANK_WINDOW hits (``OpenSearchBackend._window``).

Engine behaviours this adapter relies on (OpenSearch documentation; the offline tests enforce them
through ``tests/search/opensearch_double.py``):

- a write is visible to searches only after a refresh: ``rebuild`` refreshes the new indexes
  before it swaps the aliases (as MIT Learn does), ``refresh()`` makes every write visible now;
- ``_bulk`` answers 200 even when items fail: every item is checked, a 429/503 item is
  ``SearchUnavailable`` (callers answer 503 and keep queued updates), any other failure
  ``SearchWriteError``; a failed rebuild never swaps;
- ``from + size`` above ``index.max_result_window`` is a 400: requests are capped to the window;
- ``_search`` with no index searches every index of the cluster: a query that leaves no index is
  answered empty without a request;
- keyword searches use ``dfs_query_then_fetch`` (MIT Learn's choice): term statistics across all
  shards of all searched indexes, not per shard;
- synonyms (``synonym_graph``) apply at search time only (``search_analyzer``), as documented.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from learn.search.backends.base import (
    ProgressCallback,
    SearchBackend,
    SearchUnavailable,
    SearchWriteError,
)
from learn.search.documents import (
    FACET_FIELDS,
    NUMBER_FIELDS,
    course_number_forms,
    index_fields,
)
from learn.search.query import (
    BOOLEAN_FACETS,
    Hit,
    IndexDocument,
    IndexName,
    IndexStatus,
    SearchQuery,
    SearchResult,
)
from learn.search.ranking import (
    CHILD_WINDOW,
    GROUP_FIELDS,
    RERANK_WINDOW,
    Multipliers,
    Ranked,
    content_file_scores,
    floor_of,
    order,
    ranked,
)
from learn.search.text import SYNONYM_GROUPS, parse

logger = logging.getLogger(__name__)

RESOURCE_TYPES = (
    "course",
    "program",
    "podcast",
    "podcast_episode",
    "video",
    "video_playlist",
    "document",
)
INDEX_TYPES = (*RESOURCE_TYPES, "content_file")
MAX_REQUEST_BYTES = 10 * 1024 * 1024
# OpenSearch's default index.max_result_window, set explicitly on every index: from + size beyond
# it is a 400 from the engine, so requests are capped to it.
MAX_RESULT_WINDOW = 10_000
# Item or response statuses that mean "try again later", not "this request is wrong".
UNAVAILABLE_STATUSES = frozenset({429, 502, 503, 504})
# The fields of the re-ranked window: what course grouping reads (``learn.search.ranking``).
WINDOW_SOURCE = ["search.id", *(f"search.n.{name}" for name in GROUP_FIELDS)]
AGG_SIZE = 10000
TEXT_FIELDS = {
    "title": 5,
    "instructors": 3,
    "topics": 1.5,
    "misc": 0.6,
    "description": 1,
    "full_description": 0.4,
}
INTRO_SUBJECT_SCORE = 20.0
EXACT_FACETS = frozenset({"id", "run_id", "resource_id"})
SORTS: dict[str, list[dict[str, Any]]] = {
    "id": [{"search.id": "asc"}],
    "-id": [{"search.id": "desc"}],
    "readable_id": [{"search.readable_id": "asc"}],
    "-readable_id": [{"search.readable_id": "desc"}],
    "resource_readable_id": [{"search.readable_id": "asc"}],
    "-resource_readable_id": [{"search.readable_id": "desc"}],
    "last_modified": [{"search.n.last_modified_ts": "asc"}],
    "-last_modified": [{"search.n.last_modified_ts": "desc"}],
    "new": [{"search.n.created_ts": "desc"}],
    "start_date": [{"search.n.start_ts_asc": "asc"}],
    "-start_date": [{"search.n.start_ts": "desc"}],
    "upcoming": [{"search.n.next_start_ts": "asc"}],
    "mitcoursenumber": [{"search.sort_coursenum": "asc"}],
    "-mitcoursenumber": [{"search.sort_coursenum": "desc"}],
    "views": [{"search.n.views": "asc"}],
    "-views": [{"search.n.views": "desc"}],
    "featured": [{"search.n.browse_key": "asc"}],
}
RANK_SCRIPT = (
    "double c = doc['search.n.completeness'].value * params.p + (1 - params.p);"
    "double age = doc['search.n.age_ts'].value;"
    "double d = 1.0;"
    "if (age >= 0 && params.scale > 0) {"
    "  double days = Math.abs(params.now - age) / 86400.0;"
    "  d = Math.max(0.0, (params.scale - days) / params.scale);"
    "}"
    "double prog = doc['search.n.is_program'].value > 0 ? params.program_boost : 1.0;"
    "double intro = doc['search.n.is_intro'].value > 0 ? params.intro_boost : 1.0;"
    "double found = doc['search.n.is_foundation'].size() > 0"
    " && doc['search.n.is_foundation'].value > 0 ? params.foundation_boost : 1.0;"
    "double seq = doc['search.n.is_sequel'].size() > 0"
    " && doc['search.n.is_sequel'].value > 0 ? params.sequel_factor : 1.0;"
    "return _score * c * d * prog * intro * found * seq;"
)


# ------------------------------------------------------------------ index definition


def synonym_rules() -> list[str]:
    return [", ".join(group) for group in SYNONYM_GROUPS]


def index_settings(replicas: int = 2, refresh_interval: str = "1s") -> dict[str, Any]:
    """Settings and mappings of every backing index (same for all types). Synonyms are applied at
    search time only (``search_analyzer``): OpenSearch documents ``synonym_graph`` for search
    analyzers, at index time multi-word synonyms shift positions and phrases stop matching."""
    text = {
        "type": "text",
        "analyzer": "custom_english",
        "search_analyzer": "custom_english_search",
    }
    facets = FACET_FIELDS
    return {
        "settings": {
            "number_of_shards": 2,
            "number_of_replicas": replicas,
            "refresh_interval": refresh_interval,
            "max_result_window": MAX_RESULT_WINDOW,
            "analysis": {
                "filter": {
                    "synonym_filter": {
                        "type": "synonym_graph",
                        "synonyms": synonym_rules(),
                        "lenient": True,
                    },
                    "english_stop": {"type": "stop", "stopwords": "_english_"},
                    "english_stemmer": {"type": "stemmer", "language": "english"},
                    "english_possessive_stemmer": {
                        "type": "stemmer",
                        "language": "possessive_english",
                    },
                    "shingle_2_3": {
                        "type": "shingle",
                        "min_shingle_size": 2,
                        "max_shingle_size": 3,
                    },
                },
                "analyzer": {
                    "custom_english": {
                        "type": "custom",
                        "tokenizer": "standard",
                        "filter": [
                            "lowercase",
                            "english_possessive_stemmer",
                            "english_stop",
                            "english_stemmer",
                        ],
                    },
                    "custom_english_search": {
                        "type": "custom",
                        "tokenizer": "standard",
                        "filter": [
                            "lowercase",
                            "synonym_filter",
                            "english_possessive_stemmer",
                            "english_stop",
                            "english_stemmer",
                        ],
                    },
                    "trigram": {
                        "type": "custom",
                        "tokenizer": "standard",
                        "filter": ["lowercase", "shingle_2_3"],
                    },
                },
                "normalizer": {"lowercase": {"type": "custom", "filter": ["lowercase"]}},
            },
        },
        "mappings": {
            "dynamic": False,
            "properties": {
                "resource": {"type": "object", "enabled": False},
                "search": {
                    "properties": {
                        "id": {"type": "long"},
                        "kind": {"type": "keyword"},
                        "title": {
                            **text,
                            "fields": {
                                "trigram": {
                                    "type": "text",
                                    "analyzer": "trigram",
                                    "search_analyzer": "trigram",
                                }
                            },
                        },
                        **{name: text for name in TEXT_FIELDS if name != "title"},
                        "course_number": {"type": "keyword", "normalizer": "lowercase"},
                        "subjects": {"type": "keyword", "normalizer": "lowercase"},
                        "readable_id": {"type": "keyword"},
                        "sort_coursenum": {"type": "keyword"},
                        "f": {"properties": {name: {"type": "keyword"} for name in facets}},
                        "n": {"properties": {name: {"type": "double"} for name in NUMBER_FIELDS}},
                    }
                },
            },
        },
    }


def type_of(doc: IndexDocument) -> str:
    if doc.index == "content_file":
        return "content_file"
    return str(doc.source.get("resource_type") or "course")


def document_body(doc: IndexDocument) -> dict[str, Any]:
    fields = index_fields(doc)
    return {
        "resource": doc.source,
        "search": {
            "id": fields.id,
            "kind": doc.index,
            **fields.text,
            "course_number": fields.course_numbers,
            "subjects": fields.subjects,
            "readable_id": fields.keywords.get("readable_id", ""),
            "sort_coursenum": fields.keywords.get("sort_coursenum", "~"),
            "f": fields.facets,
            "n": fields.numbers,
        },
    }


def bulk_chunks(
    actions: Iterable[tuple[dict[str, Any], dict[str, Any] | None]],
    max_bytes: int = MAX_REQUEST_BYTES,
) -> Iterator[str]:
    """NDJSON bulk bodies, each under ``max_bytes`` (one oversized action goes alone)."""
    lines: list[str] = []
    size = 0
    for meta, body in actions:
        chunk = json.dumps(meta) + "\n" + (json.dumps(body, default=str) + "\n" if body else "")
        encoded = len(chunk.encode())
        if lines and size + encoded > max_bytes:
            yield "".join(lines)
            lines, size = [], 0
        lines.append(chunk)
        size += encoded
    if lines:
        yield "".join(lines)


# ------------------------------------------------------------------ query building


def _filter_clause(name: str, values: tuple[str, ...]) -> dict[str, Any]:
    field = f"search.f.{name}"
    if name in EXACT_FACETS:
        return {"terms": {field: list(values)}}
    values_ = [v.lower() for v in values] if name in BOOLEAN_FACETS else list(values)
    return {
        "bool": {
            "should": [{"term": {field: {"value": v, "case_insensitive": True}}} for v in values_],
            "minimum_should_match": 1,
        }
    }


def filter_clauses(query: SearchQuery, skip: str | None = None) -> list[dict[str, Any]]:
    clauses = [
        _filter_clause(name, values)
        for name, values in sorted(query.filters.items())
        if values and name != skip
    ]
    return clauses


def text_query(query: SearchQuery) -> dict[str, Any] | None:
    parsed = parse(query.text)
    if parsed.empty:
        return None
    fields = [f"search.{name}^{boost}" for name, boost in TEXT_FIELDS.items()]
    must: list[dict[str, Any]] = []
    should: list[dict[str, Any]] = []
    for number in parsed.course_numbers:
        forms = course_number_forms(number)
        must.append(
            {
                "dis_max": {
                    "queries": [
                        {"term": {"search.course_number": {"value": forms[0], "boost": 12}}},
                        *(
                            [{"term": {"search.course_number": {"value": forms[1], "boost": 10}}}]
                            if len(forms) > 1
                            else []
                        ),
                        {"multi_match": {"query": number, "type": "phrase", "fields": fields}},
                    ]
                }
            }
        )
    for phrase in parsed.phrases:
        must.append({"multi_match": {"query": phrase, "type": "phrase", "fields": fields}})
    all_words = parsed.words()
    # The last word may be unfinished ("introduction to algo"): it is its own required clause,
    # matched as a whole (typo-tolerant) word or as the prefix of a word, never inside the
    # all-words match where "algo" would have to be a whole word.
    complete = list(all_words)
    if parsed.prefix_word and complete and complete[-1] == parsed.prefix_word:
        complete.pop()
    words = " ".join(all_words)
    complete_words = " ".join(complete)
    # A document needs all but one of the words, either of two ("most"; the unfinished last word
    # counts as one), or half of them ("some": the fallback when "most" finds too little) — as
    # on Tantivy (``needed_concepts``). Course numbers and quoted phrases stay required.
    some = query.word_match == "some"
    if words:
        mode = query.tuning.search_mode  # "hybrid" is fused above the engine: ranked as phrase
        kind = mode if mode in ("best_fields", "most_fields") else "best_fields"

        def words_clause(match: dict[str, Any]) -> dict[str, Any]:
            return {
                "multi_match": {
                    "query": complete_words,
                    "type": kind,
                    "fields": fields,
                    **match,
                    "fuzziness": "AUTO:4,8",
                    "prefix_length": 0,
                }
            }

        last: dict[str, Any] | None = None
        if parsed.prefix_word:
            last = {
                "bool": {
                    "should": [
                        {
                            "multi_match": {
                                "query": parsed.prefix_word,
                                "type": kind,
                                "fields": fields,
                                "fuzziness": "AUTO:4,8",
                                "prefix_length": 0,
                            }
                        },
                        {
                            "multi_match": {
                                "query": parsed.prefix_word,
                                "type": "phrase_prefix",
                                "fields": fields,
                            }
                        },
                    ],
                    "minimum_should_match": 1,
                }
            }
        if not complete_words:
            if last is not None:
                must.append(last)
        elif some:
            must.append(words_clause({"operator": "or", "minimum_should_match": "50%"}))
            if last is not None:  # the unfinished word is one of the words half of which match
                should.append(last)
        elif last is None:
            must.append(words_clause({"operator": "or", "minimum_should_match": "-1"}))
        elif len(complete) == 1:  # two words, the last unfinished: either one
            either = [words_clause({"operator": "and"}), last]
            must.append({"bool": {"should": either, "minimum_should_match": 1}})
        else:  # all the finished words, or all but one of them and the unfinished one
            but_one = {"bool": {"must": [words_clause({"minimum_should_match": "-1"}), last]}}
            all_done = words_clause({"operator": "and"})
            must.append({"bool": {"should": [all_done, but_one], "minimum_should_match": 1}})
        if mode not in ("best_fields", "most_fields"):
            should.append(
                {
                    "multi_match": {
                        "query": words,
                        "type": "phrase",
                        "slop": query.tuning.slop,
                        "fields": fields,
                        "boost": 0.5,
                    }
                }
            )
        if parsed.prefix_word:
            # A title starting with the unfinished word ranks first (search-as-you-type).
            should.append(
                {"prefix": {"search.title": {"value": parsed.prefix_word.lower(), "boost": 2}}}
            )
        if query.index == "resource" and not parsed.course_numbers:
            # The query is the subject a first course introduces ("Introduction to <query>").
            should.append(
                {
                    "constant_score": {
                        "filter": {"term": {"search.subjects": words}},
                        "boost": INTRO_SUBJECT_SCORE,
                    }
                }
            )
    return {"bool": {"must": must, "should": should}}


def child_body(query: SearchQuery) -> dict[str, Any] | None:
    """The content files matching a resource query's text (their resources gain the files'
    average score times ``content_file_score_weight``: MIT Learn's ``has_child`` clause, here
    across two indexes); None when the weight or the text leaves nothing to ask."""
    if query.index != "resource" or query.tuning.content_file_score_weight <= 0:
        return None
    text = text_query(replace(query, index="content_file"))
    if text is None:
        return None
    return {
        "query": {"bool": {"filter": [{"term": {"search.kind": "content_file"}}], "must": [text]}},
        "size": CHILD_WINDOW,
        "_source": ["search.n.parent_id"],
        "track_total_hits": False,
    }


def child_scores(query: SearchQuery, response: dict[str, Any]) -> dict[int, float]:
    found = [
        (_numbers(hit).get("parent_id"), float(hit.get("_score") or 0.0))
        for hit in response.get("hits", {}).get("hits", [])
    ]
    return content_file_scores(found, query.tuning.content_file_score_weight)


def _numbers(hit: dict[str, Any]) -> dict[str, Any]:
    """The ``search.n`` values in a hit's ``_source``."""
    return dict(((hit.get("_source") or {}).get("search") or {}).get("n") or {})


def suggest_body(query: SearchQuery) -> dict[str, Any] | None:
    """Did-you-mean from the titles' words (MIT Learn's phrase suggester on the trigram field)."""
    parsed = parse(query.text)
    if parsed.empty or query.index != "resource":
        return None
    return {
        "text": parsed.raw,
        "title": {
            "phrase": {
                "field": "search.title.trigram",
                "size": 1,
                "gram_size": 3,
                "max_errors": 3,
                "direct_generator": [{"field": "search.title.trigram", "suggest_mode": "missing"}],
            }
        },
    }


def search_body(
    query: SearchQuery, now: float, children: dict[int, float] | None = None
) -> dict[str, Any]:
    """The complete request body for one query (post_filter + per-facet filtered aggregations);
    ``children``: resource ids with the score their matching content files give them."""
    base_filter: list[dict[str, Any]] = [{"term": {"search.kind": query.index}}]
    if query.index == "resource" and not query.show_ocw_files:
        base_filter.append({"bool": {"must_not": [{"term": {"search.f.hidden_ocw_file": "true"}}]}})
    text = text_query(query)
    if text is not None and children:
        by_files = [
            {"constant_score": {"filter": {"term": {"search.id": rid}}, "boost": score}}
            for rid, score in sorted(children.items())
        ]
        text = {
            "bool": {"should": [text, {"bool": {"should": by_files}}], "minimum_should_match": 1}
        }
    main: dict[str, Any] = {"bool": {"filter": base_filter}}
    if text is not None and query.sort and query.also_ids:
        # Sorted hybrid: the text's matches plus the dense candidates, in the field's order.
        ids = _filter_clause("id", tuple(query.also_ids))
        main["bool"]["must"] = [{"bool": {"should": [text, ids], "minimum_should_match": 1}}]
    elif text is not None:
        main["bool"]["must"] = [text]
        # The shared policy's multipliers (learn.search.ranking), applied by the engine.
        multipliers = Multipliers.of(query.tuning, query.index, now)
        main = {
            "function_score": {
                "query": main,
                "script_score": {
                    "script": {
                        "source": RANK_SCRIPT,
                        "params": multipliers.script_params(query.tuning),
                    }
                },
                "boost_mode": "replace",
            }
        }
    offset = min(query.offset, MAX_RESULT_WINDOW)
    body: dict[str, Any] = {
        "query": main,
        "from": offset,
        "size": max(0, min(query.limit, MAX_RESULT_WINDOW - offset)),
        "track_total_hits": True,
        "_source": ["resource"],
    }
    post = filter_clauses(query)
    if post:
        body["post_filter"] = {"bool": {"must": post}}
    if query.sort or text is None:
        body["sort"] = SORTS.get(query.sort or "featured", SORTS["featured"]) + [
            {"search.id": "asc"}
        ]
    if query.explain:
        body["explain"] = True
    suggest = suggest_body(query)
    if suggest:
        body["suggest"] = suggest
    if query.aggregations:
        aggs: dict[str, Any] = {}
        for name in query.aggregations:
            others = filter_clauses(query, skip=name)
            aggs[name] = {
                "filter": {"bool": {"must": others}} if others else {"match_all": {}},
                "aggs": {name: {"terms": {"field": f"search.f.{name}", "size": AGG_SIZE}}},
            }
        body["aggs"] = aggs
    return body


# ------------------------------------------------------------------ percolation

PERCOLATE_CHUNK = 1000


def percolator_index_settings() -> dict[str, Any]:
    """The saved-query index: the resource mappings (a stored query is parsed against them)
    plus the ``query`` percolator field."""
    body = index_settings()
    body["mappings"]["properties"]["query"] = {"type": "percolator"}
    return body


def percolator_query(query: SearchQuery) -> dict[str, Any]:
    """The stored form of a saved query: the filters and text clauses of ``search_body``'s
    query, unscored (no function_score, no min_score: a percolator matches or not)."""
    filters: list[dict[str, Any]] = [{"term": {"search.kind": "resource"}}]
    if not query.show_ocw_files:
        filters.append({"bool": {"must_not": [{"term": {"search.f.hidden_ocw_file": "true"}}]}})
    filters.extend(filter_clauses(query))
    body: dict[str, Any] = {"bool": {"filter": filters}}
    text = text_query(query)
    if text is not None:
        body["bool"]["must"] = [text]
    return body


def percolate_body(keys: Sequence[str], documents: Sequence[IndexDocument]) -> dict[str, Any]:
    """One percolate request: which of the saved queries ``keys`` match which ``documents``
    (each hit's ``fields._percolator_document_slot`` lists the matching documents' positions)."""
    return {
        "query": {
            "bool": {
                "filter": [{"ids": {"values": list(keys)}}],
                "must": [
                    {
                        "percolate": {
                            "field": "query",
                            "documents": [document_body(d) for d in documents],
                        }
                    }
                ],
            }
        },
        "size": len(keys),
        "_source": False,
    }


def parse_percolate_response(
    response: dict[str, Any], documents: Sequence[IndexDocument]
) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for hit in response.get("hits", {}).get("hits", []):
        slots = hit.get("fields", {}).get("_percolator_document_slot", [])
        found[str(hit["_id"])] = [documents[int(slot)].id for slot in sorted(slots)]
    return found


def parse_search_response(query: SearchQuery, response: dict[str, Any]) -> SearchResult:
    hits_block = response.get("hits", {})
    total_raw = hits_block.get("total", 0)
    total = int(total_raw.get("value", 0) if isinstance(total_raw, dict) else total_raw)
    hits = [
        Hit(
            id=str(h.get("_id")),
            score=float(h.get("_score") or 0.0),
            source=(h.get("_source") or {}).get("resource", {}),
            explanation=h.get("_explanation"),
        )
        for h in hits_block.get("hits", [])
    ]
    aggregations: dict[str, list[dict[str, Any]]] = {}
    raw_aggs = response.get("aggregations", {})
    for name in query.aggregations:
        block = raw_aggs.get(name, {})
        buckets = block.get(name, block).get("buckets", [])
        aggregations[name] = [
            {
                "key": b.get("key_as_string", str(b["key"]).lower())
                if name in BOOLEAN_FACETS
                else str(b["key"]),
                "doc_count": int(b["doc_count"]),
            }
            for b in buckets
        ]
    suggest: list[str] = []
    raw = parse(query.text).raw.lower()
    for entry in (response.get("suggest") or {}).get("title", []):
        for option in entry.get("options", []):
            text = str(option.get("text", ""))
            if text and text.lower() != raw and text not in suggest:
                suggest.append(text)
    return SearchResult(total=total, hits=hits, aggregations=aggregations, suggest=suggest[:1])


# ------------------------------------------------------------------ the adapter


class OpenSearchBackend(SearchBackend):
    name = "opensearch"

    def __init__(
        self,
        client: Any,
        prefix: str = "learn",
        replicas: int = 2,
        refresh_interval: str = "1s",
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.replicas = replicas
        self.refresh_interval = refresh_interval
        # Default aliases known to exist (they only disappear when someone deletes them by hand:
        # a write then fails and the cache is forgotten).
        self._known_aliases: set[str] = set()

    @classmethod
    def from_url(cls, url: str, prefix: str = "learn", replicas: int = 2) -> OpenSearchBackend:
        from opensearchpy import OpenSearch

        return cls(OpenSearch(hosts=[url], timeout=30), prefix=prefix, replicas=replicas)

    def settings(self) -> dict[str, Any]:
        return index_settings(replicas=self.replicas, refresh_interval=self.refresh_interval)

    def alias(self, doc_type: str, role: str = "default") -> str:
        return f"{self.prefix}_{doc_type}_{role}"

    def search_indexes(self, query: SearchQuery) -> str:
        """The aliases a query searches, comma-separated; "" when its filters leave none."""
        if query.index == "content_file":
            return self.alias("content_file")
        types = query.filters.get("resource_type") or RESOURCE_TYPES
        if "resource_type" in query.aggregations:
            types = RESOURCE_TYPES  # its counts need every type
        return ",".join(self.alias(t) for t in types if t in RESOURCE_TYPES)

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        from opensearchpy.exceptions import ConnectionError as OSConnectionError
        from opensearchpy.exceptions import ConnectionTimeout, TransportError

        try:
            return fn(*args, **kwargs)
        except (OSConnectionError, ConnectionTimeout) as exc:
            raise SearchUnavailable(f"OpenSearch unreachable: {exc}") from exc
        except TransportError as exc:
            if isinstance(exc.status_code, int) and exc.status_code in UNAVAILABLE_STATUSES:
                raise SearchUnavailable(f"OpenSearch busy ({exc.status_code}): {exc}") from exc
            raise

    def _ensure_indexes(self) -> None:
        for doc_type in INDEX_TYPES:
            alias = self.alias(doc_type)
            if alias in self._known_aliases:
                continue
            if not self._call(self.client.indices.exists_alias, name=alias):
                name = f"{self.prefix}_{doc_type}_{uuid.uuid4().hex}"
                self._call(self.client.indices.create, index=name, body=self.settings())
                self._call(
                    self.client.indices.update_aliases,
                    body={"actions": [{"add": {"index": name, "alias": alias}}]},
                )
            self._known_aliases.add(alias)

    def _reindexing_aliases(self) -> set[str]:
        """The ``_reindexing`` aliases that exist now (a rebuild may run in another process):
        one request per write, never cached."""
        from opensearchpy.exceptions import NotFoundError

        try:
            found = self._call(self.client.indices.get_alias, name=f"{self.prefix}_*_reindexing")
        except NotFoundError:
            return set()
        return {alias for info in found.values() for alias in info.get("aliases", {})}

    def _targets(self, doc_type: str, reindexing: set[str]) -> list[str]:
        targets = [self.alias(doc_type)]
        if self.alias(doc_type, "reindexing") in reindexing:
            targets.append(self.alias(doc_type, "reindexing"))  # the index being built too
        return targets

    def _bulk(self, actions: list[tuple[dict[str, Any], dict[str, Any] | None]]) -> None:
        """Send ``actions``; any failed item fails the whole call (nothing is swallowed)."""
        for body in bulk_chunks(actions):
            result = self._call(self.client.bulk, body=body)
            if not result.get("errors"):
                continue
            failed = [
                next(iter(item.values()))
                for item in result.get("items", [])
                if "error" in next(iter(item.values()))
            ]
            statuses = {int(f.get("status") or 0) for f in failed}
            first = failed[0]["error"] if failed else result
            message = f"opensearch bulk: {len(failed)} failed items, first: {first}"
            if statuses & UNAVAILABLE_STATUSES:
                raise SearchUnavailable(message)
            self._known_aliases.clear()  # an alias deleted by hand is recreated next time
            raise SearchWriteError(message)

    def index(self, documents: Iterable[IndexDocument]) -> int:
        self._ensure_indexes()
        reindexing = self._reindexing_aliases()
        actions: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
        count = 0
        for doc in documents:
            doc_type = type_of(doc)
            for target in self._targets(doc_type, reindexing):
                actions.append(({"index": {"_index": target, "_id": doc.id}}, document_body(doc)))
            if doc_type != "content_file":
                # A resource whose type changed leaves its old type's index.
                for other in RESOURCE_TYPES:
                    if other != doc_type:
                        for target in self._targets(other, reindexing):
                            actions.append(({"delete": {"_index": target, "_id": doc.id}}, None))
            count += 1
        self._bulk(actions)
        return count

    def delete(self, index: IndexName, ids: Iterable[str]) -> int:
        id_list = list(ids)
        if not id_list:
            return 0
        self._ensure_indexes()
        reindexing = self._reindexing_aliases()
        types = ("content_file",) if index == "content_file" else RESOURCE_TYPES
        actions: list[tuple[dict[str, Any], dict[str, Any] | None]] = [
            ({"delete": {"_index": target, "_id": i}}, None)
            for t in types
            for target in self._targets(t, reindexing)
            for i in id_list
        ]
        self._bulk(actions)
        return len(id_list)

    def delete_content_files_of(self, resource_ids: Iterable[int]) -> int:
        ids = [str(i) for i in resource_ids]
        if ids:
            self._ensure_indexes()
            targets = self._targets("content_file", self._reindexing_aliases())
            self._call(
                self.client.delete_by_query,
                index=",".join(targets),
                body={"query": {"terms": {"search.f.resource_id": ids}}},
                refresh=True,  # delete_by_query's own refresh: the removal is visible now
            )
        return len(ids)

    def refresh(self) -> None:
        """Make every write so far visible to searches now (OpenSearch shows writes only after a
        refresh, every ``refresh_interval``); tests and one-off scripts call it."""
        self._call(self.client.indices.refresh, index=f"{self.prefix}_*")

    def search(self, query: SearchQuery) -> SearchResult:
        import time

        indexes = self.search_indexes(query)
        if not indexes:
            # No index can hold a match; "" would be `/_search`, every index of the cluster.
            return SearchResult(total=0, hits=[], aggregations={a: [] for a in query.aggregations})
        params: dict[str, Any] = {}
        children: dict[int, float] = {}
        if not parse(query.text).empty:
            params["search_type"] = "dfs_query_then_fetch"  # MIT Learn's choice for text
            files = child_body(query)
            if files is not None:
                response = self._call(
                    self.client.search, index=self.alias("content_file"), body=files, **params
                )
                children = child_scores(query, response)
        body = search_body(query, time.time(), children)
        if params and "function_score" in body["query"]:
            if "sort" in body:
                result = self._sorted_search(query, indexes, body, params)
            else:
                result = self._ranked_search(query, indexes, body, params)
        else:
            response = self._call(self.client.search, index=indexes, body=body, **params)
            result = parse_search_response(query, response)
        if result.total == 0 and not result.suggest and "suggest" in body:
            # Nothing matched in the filtered types: suggest from every resource's titles.
            result.suggest = self._suggest_everywhere(query, body["suggest"])
        if query.explain:
            result.debug = {
                **(result.debug or {}),
                "engine": self.name,
                "request": body,
                "params": params,
                "content_file_scores": {str(k): v for k, v in children.items()},
            }
        return result

    def _window(
        self, query: SearchQuery, indexes: str, body: dict[str, Any], params: dict[str, Any]
    ) -> Window:
        """The best RERANK_WINDOW hits of a text request, re-ranked by the shared policy
        (``learn.search.ranking``): the engine applies the multipliers (``RANK_SCRIPT``), the
        hits come with only the fields course grouping reads, and are grouped and ordered as
        the embedded engine orders them; the min_score floor is a share of the best of them."""
        size = min(RERANK_WINDOW, MAX_RESULT_WINDOW)
        window_body = {k: v for k, v in body.items() if k not in ("aggs", "explain", "sort")}
        window_body.update({"from": 0, "size": size, "_source": WINDOW_SOURCE})
        window_body.pop("track_scores", None)
        if query.explain and not query.sort:
            window_body["explain"] = True
        response = self._call(self.client.search, index=indexes, body=window_body, **params)
        parsed = parse_search_response(replace(query, aggregations=()), response)
        found = response.get("hits", {}).get("hits", [])
        hits = [
            ranked(
                float(h.get("_score") or 0.0), _search_id(h), str(h.get("_id")), _numbers(h), None
            )
            for h in found
        ]
        lowest = min((r.text_score for r in hits), default=0.0)
        order(hits)
        best = hits[0].score if hits else 0.0
        cut = 0.0 if query.also_ids else floor_of(query.tuning, best)
        # The window holds every match that can pass the floor when it holds every match, or
        # when its lowest score is below the floor (the matches after it score less and are
        # not grouped): the result set is then its passing hits.
        exact = parsed.total <= len(hits) or lowest < cut
        return Window(
            hits=[r for r in hits if r.score >= cut] if exact else hits,
            matched=parsed.total,
            floor=cut,
            exact=exact,
            suggest=parsed.suggest,
            explanations={str(h.get("_id")): h.get("_explanation") for h in found},
        )

    def _sorted_search(
        self, query: SearchQuery, indexes: str, body: dict[str, Any], params: dict[str, Any]
    ) -> SearchResult:
        """A text request sorted by a field: the set relevance ranks (``_window``), in the
        field's order, with the same facet counts."""
        window = self._window(query, indexes, body, params)
        request = dict(body)
        if window.exact:
            ids = [int(r.addr) for r in window.hits]
            kept = {"terms": {"search.id": ids}}
            post = request.get("post_filter", {"bool": {"must": []}})
            request["post_filter"] = {"bool": {"must": [*post["bool"]["must"], kept]}}
            request.pop("aggs", None)
        elif window.floor:
            request["min_score"] = window.floor
            request["track_scores"] = True
        response = self._call(self.client.search, index=indexes, body=request, **params)
        result = parse_search_response(query, response)
        if window.exact:
            result.aggregations = self._kept_aggregations(
                query, indexes, body, params, window.hits, window.floor
            )
        return result

    def _ranked_search(
        self, query: SearchQuery, indexes: str, body: dict[str, Any], params: dict[str, Any]
    ) -> SearchResult:
        """A relevance-ranked request: the re-ranked window (``_window``). When it holds the
        whole result set, count, pages and facet counts describe its passing hits; otherwise
        its hits come first and the engine's matches after it follow in the engine's order,
        the floor applied by the engine (``min_score``) to them, the count and the facets."""
        window = self._window(query, indexes, body, params)
        hits, cut, explanations = window.hits, window.floor, window.explanations
        start, end = query.offset, query.offset + query.limit
        if window.exact:
            total = len(hits)
            page = hits[start:end]
            tail: list[Hit] = []
            aggregations = self._kept_aggregations(query, indexes, body, params, hits, cut)
        else:
            rest = dict(body, **{"from": min(max(start, len(hits)), MAX_RESULT_WINDOW)})
            rest["size"] = max(0, min(end, MAX_RESULT_WINDOW) - rest["from"])
            rest.pop("suggest", None)
            if cut:
                rest["min_score"] = cut
            response = self._call(self.client.search, index=indexes, body=rest, **params)
            after = parse_search_response(query, response)
            total, tail, aggregations = after.total, after.hits, after.aggregations
            page = hits[start:end]
        sources = self._sources(indexes, [r.addr for r in page], params)
        out = [
            Hit(id=r.addr, score=r.score, source=sources.get(r.addr, {}), explanation=None)
            for r in page
        ]
        if query.explain:
            for hit, r in zip(out, page, strict=True):
                hit.explanation = {
                    "score": r.score,
                    "engine_score": r.text_score,
                    "course_adjustment": r.score / r.text_score if r.text_score else 1.0,
                    "engine": explanations.get(r.addr),
                }
        result = SearchResult(
            total=total,
            hits=out + tail,
            aggregations=aggregations,
            suggest=window.suggest,
        )
        if query.explain:
            result.debug = {"min_score": {"floor": cut, "matched": window.matched, "kept": total}}
        return result

    def _sources(
        self, indexes: str, ids: list[str], params: dict[str, Any]
    ) -> dict[str, dict[str, Any]]:
        """The stored resources of a page of re-ranked hits, by id."""
        if not ids:
            return {}
        body = {
            "query": {"bool": {"filter": [{"terms": {"search.id": [int(i) for i in ids]}}]}},
            "size": len(ids),
            "_source": ["resource"],
            "track_total_hits": False,
        }
        response = self._call(self.client.search, index=indexes, body=body, **params)
        return {
            str(h.get("_id")): (h.get("_source") or {}).get("resource", {})
            for h in response.get("hits", {}).get("hits", [])
        }

    def _kept_aggregations(
        self,
        query: SearchQuery,
        indexes: str,
        body: dict[str, Any],
        params: dict[str, Any],
        kept: list[Ranked],
        cut: float,
    ) -> dict[str, list[dict[str, Any]]]:
        """Facet counts of the documents a re-ranked window kept. A facet with an active
        filter also counts the matches without a selected value that pass the same floor when
        that filter is left out (disjunctive facets), as the engine scores them."""
        names = tuple(dict.fromkeys(query.aggregations))
        if not names:
            return {}
        counts: dict[str, dict[str, int]] = {name: {} for name in names}

        def add(request: dict[str, Any], only: tuple[str, ...]) -> None:
            request["aggs"] = {
                name: {"terms": {"field": f"search.f.{name}", "size": AGG_SIZE}} for name in only
            }
            response = self._call(self.client.search, index=indexes, body=request, **params)
            found = parse_search_response(replace(query, aggregations=only), response)
            for name in only:
                for bucket in found.aggregations[name]:
                    key = bucket["key"]
                    counts[name][key] = counts[name].get(key, 0) + bucket["doc_count"]

        ids = [int(r.addr) for r in kept]
        if ids:
            add(_count_body({"bool": {"filter": [{"terms": {"search.id": ids}}]}}), names)
        for name in names:
            values = query.filters.get(name)
            if not values:
                continue
            without = {
                "bool": {
                    "must": [body["query"]],
                    "filter": filter_clauses(query, skip=name),
                    "must_not": [_filter_clause(name, values)],
                }
            }
            add(_count_body(without, cut), (name,))
        return {
            name: [
                {"key": key, "doc_count": count}
                for key, count in sorted(counts[name].items(), key=lambda kv: (-kv[1], kv[0]))
            ]
            for name in query.aggregations
        }

    def percolator_alias(self) -> str:
        return f"{self.prefix}_percolator"

    def match_queries(
        self, queries: Mapping[str, SearchQuery], documents: Sequence[IndexDocument]
    ) -> dict[str, list[str]]:
        """The saved queries are (re)stored in the percolator index under their keys, then
        the new documents are percolated against them, ``PERCOLATE_CHUNK`` queries a request."""
        found: dict[str, list[str]] = {key: [] for key in queries}
        docs = [d for d in documents if d.index == "resource"]
        if not docs or not queries:
            return found
        index = self.percolator_alias()
        if not self._call(self.client.indices.exists, index=index):
            self._call(self.client.indices.create, index=index, body=percolator_index_settings())
        self._bulk(
            [
                ({"index": {"_index": index, "_id": key}}, {"query": percolator_query(q)})
                for key, q in queries.items()
            ]
        )
        self._call(self.client.indices.refresh, index=index)
        keys = list(queries)
        for start in range(0, len(keys), PERCOLATE_CHUNK):
            chunk = keys[start : start + PERCOLATE_CHUNK]
            response = self._call(self.client.search, index=index, body=percolate_body(chunk, docs))
            found.update(parse_percolate_response(response, docs))
        return found

    def _suggest_everywhere(self, query: SearchQuery, suggest: dict[str, Any]) -> list[str]:
        from opensearchpy.exceptions import NotFoundError

        try:
            response = self._call(
                self.client.search,
                index=f"{self.prefix}_all_default",
                body={"size": 0, "track_total_hits": False, "suggest": suggest},
            )
        except NotFoundError:
            return []
        return parse_search_response(replace(query, aggregations=()), response).suggest

    def rebuild(
        self, documents: Iterable[IndexDocument], progress: ProgressCallback | None = None
    ) -> int:
        """Build new indexes behind ``_reindexing`` aliases, refresh them, then swap every alias
        atomically. Any failure (a failed bulk item included) drops the new indexes, no swap."""
        new: dict[str, str] = {}
        if self._reindexing_aliases():
            raise RuntimeError("a reindex is already running")
        try:
            for doc_type in INDEX_TYPES:
                name = f"{self.prefix}_{doc_type}_{uuid.uuid4().hex}"
                self._call(self.client.indices.create, index=name, body=self.settings())
                new[doc_type] = name
                self._call(
                    self.client.indices.update_aliases,
                    body={
                        "actions": [
                            {"add": {"index": name, "alias": self.alias(doc_type, "reindexing")}}
                        ]
                    },
                )
            count = 0
            batch: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
            for doc in documents:
                batch.append(
                    ({"index": {"_index": new[type_of(doc)], "_id": doc.id}}, document_body(doc))
                )
                count += 1
                if len(batch) >= 100:
                    self._bulk(batch)
                    if progress:
                        progress(len(batch))
                    batch = []
            if batch:
                self._bulk(batch)
                if progress:
                    progress(len(batch))
            # Searches see the new indexes the moment the aliases move: refresh first.
            self._call(self.client.indices.refresh, index=",".join(new.values()))
            self._call(self.client.indices.update_aliases, body=swap_actions(self, new))
        except BaseException:
            for name in new.values():
                self._call(self.client.indices.delete, index=name, ignore_unavailable=True)
            raise
        self._known_aliases = {self.alias(t) for t in INDEX_TYPES}
        return count

    def old_indexes(self, doc_type: str) -> list[str]:
        from opensearchpy.exceptions import NotFoundError

        try:
            found = self._call(self.client.indices.get_alias, name=self.alias(doc_type))
        except NotFoundError:
            return []
        return list(found)

    def status(self) -> IndexStatus:
        counts: dict[str, int] = {"resource": 0, "content_file": 0}
        try:
            for doc_type in INDEX_TYPES:
                alias = self.alias(doc_type)
                if not self._call(self.client.indices.exists_alias, name=alias):
                    continue
                n = int(self._call(self.client.count, index=alias)["count"])
                counts["content_file" if doc_type == "content_file" else "resource"] += n
        except SearchUnavailable as exc:
            return IndexStatus(self.name, False, counts, str(exc))
        return IndexStatus(self.name, True, counts, "")

    def clear(self) -> None:
        self.rebuild([])


@dataclass
class Window:
    """The re-ranked best hits of a text request (``OpenSearchBackend._window``): ``exact``,
    its hits passing the ``floor`` are the whole result set; else its hits all pass it and more
    matches may follow."""

    hits: list[Ranked]
    matched: int
    floor: float
    exact: bool
    suggest: list[str] = field(default_factory=list)
    explanations: dict[str, Any] = field(default_factory=dict)


def _search_id(hit: dict[str, Any]) -> int:
    return int(((hit.get("_source") or {}).get("search") or {}).get("id") or hit.get("_id") or 0)


def _count_body(query: dict[str, Any], min_score: float = 0.0) -> dict[str, Any]:
    body: dict[str, Any] = {"query": query, "size": 0, "track_total_hits": False}
    if min_score:
        body["min_score"] = min_score
    return body


def swap_actions(backend: OpenSearchBackend, new: dict[str, str]) -> dict[str, Any]:
    """One atomic alias update: defaults (and the ``all`` alias) move to the new indexes."""
    actions: list[dict[str, Any]] = []
    all_alias = f"{backend.prefix}_all_default"
    for doc_type, name in new.items():
        default = backend.alias(doc_type)
        for old in backend.old_indexes(doc_type):
            actions.append({"remove_index": {"index": old}})
        actions.append({"remove": {"index": name, "alias": backend.alias(doc_type, "reindexing")}})
        actions.append({"add": {"index": name, "alias": default}})
        if doc_type != "content_file":
            actions.append({"add": {"index": name, "alias": all_alias}})
    return {"actions": actions}
