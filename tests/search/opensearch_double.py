"""TEST FIXTURE, not an OpenSearch: a stand-in for ``opensearchpy.OpenSearch`` that lets the
OpenSearch adapter run the shared backend contract offline.

It enforces the documented engine behaviours the adapter relies on, so an adapter that forgets
them fails here as it would against a cluster:

- near-real-time search: writes are invisible to ``search`` and ``count`` until the index is
  refreshed (``indices.refresh``, ``refresh=True`` on ``delete_by_query``), as with
  ``refresh_interval`` on a real cluster where the interval never elapses during a test;
- ``index.max_result_window`` (10,000 unless the index sets it): ``from + size`` above it is a
  400 (``RequestError``), as OpenSearch answers;
- ``_bulk`` answers 200 with ``errors: true`` and per-item errors; failures can be injected (429
  ``es_rejected_execution_exception`` or any status);
- aliases: atomic ``update_aliases`` (``add``, ``remove``, ``remove_index``), a write through an
  alias needs exactly one index behind it, unknown names are 404 (``NotFoundError``), an index
  name is unique (400 ``resource_already_exists_exception``); ``index=""`` searches every index
  of the cluster, as ``/_search`` does;
- an index action on a missing index creates it (``action.auto_create_index``'s default).

Queries are answered by evaluating the subset of the query DSL the adapter emits (bool, term,
terms, match_all, multi_match best_fields/most_fields/phrase/phrase_prefix with fuzziness and
operators, prefix, dis_max, constant_score, function_score with min_score and script_score,
post_filter, filtered terms aggregations, sorts, paging, ``_source`` filtering). Text is analyzed
with the analyzers the index settings define (standard-like tokenizer, lowercase, synonym_graph,
English possessive/stop/stemmer; the stemmer is Tantivy's English stemmer, Porter2, where
OpenSearch's ``english`` is Porter) and scored with BM25 (k1=1.2, b=0.75) over every searched
document: ``dfs_query_then_fetch`` statistics, with one shard. Painless scripts run through
Python equivalents registered by their exact source (``SCRIPTS``); any other script is an error.
What only a real cluster verifies is listed in docs/engines.md.
"""

from __future__ import annotations

import copy
import fnmatch
import itertools
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import tantivy
from opensearchpy.exceptions import NotFoundError, RequestError, TransportError

K1 = 1.2
B = 0.75
DEFAULT_MAX_RESULT_WINDOW = 10_000
ENGLISH_STOP = frozenset(  # Lucene's English stop words (OpenSearch's _english_)
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "if",
        "in",
        "into",
        "is",
        "it",
        "no",
        "not",
        "of",
        "on",
        "or",
        "such",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "will",
        "with",
    }
)
_TOKEN = re.compile(r"[^\W_]+(?:[.'’][^\W_]+)*")
_STEMMER = (
    tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.raw())
    .filter(tantivy.Filter.stemmer("english"))
    .build()
)

DocValues = dict[str, Any]
ScriptFn = Callable[[Callable[[str], list[float]], dict[str, Any], float], float]
SCRIPTS: dict[str, ScriptFn] = {}


def register_script(source: str, fn: ScriptFn) -> None:
    """The Python equivalent of one Painless script (``fn(doc_values, params, _score)``)."""
    SCRIPTS[source] = fn


# ------------------------------------------------------------------ analysis


@dataclass
class Token:
    term: str
    position: int


def _stem(term: str) -> str:
    out = _STEMMER.analyze(term)
    return out[0] if out else term


def _synonym_rules(rules: list[str]) -> dict[tuple[str, ...], list[tuple[str, ...]]]:
    table: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for rule in rules:
        if "=>" in rule:
            left, right = rule.split("=>", 1)
            targets = [tuple(t.strip().lower().split()) for t in right.split(",") if t.strip()]
            for src in left.split(","):
                table[tuple(src.strip().lower().split())] = targets
            continue
        group = [tuple(t.strip().lower().split()) for t in rule.split(",") if t.strip()]
        for member in group:
            table[member] = group
    return table


@dataclass
class Analyzer:
    """One custom analyzer of the index settings: a list of token graphs. Each unit is a list of
    alternative token sequences (more than one only where a synonym rule applied)."""

    filters: list[dict[str, Any]]

    def units(self, text: str) -> list[list[list[Token]]]:
        raw = [m.group(0) for m in _TOKEN.finditer(text)]
        units: list[list[list[str]]] = [[[w]] for w in raw]
        positions = list(range(len(raw)))
        for flt in self.filters:
            kind = flt["type"]
            if kind == "lowercase":
                units = [[[w.lower() for w in alt] for alt in u] for u in units]
            elif kind in ("synonym_graph", "synonym"):
                table = _synonym_rules(flt.get("synonyms", []))
                longest = max((len(k) for k in table), default=1)
                flat = [u[0][0] for u in units]
                merged: list[list[list[str]]] = []
                new_positions: list[int] = []
                i = 0
                while i < len(flat):
                    for size in range(min(longest, len(flat) - i), 0, -1):
                        key = tuple(flat[i : i + size])
                        if key in table:
                            merged.append([list(alt) for alt in table[key]])
                            new_positions.append(positions[i])
                            i += size
                            break
                    else:
                        merged.append(units[i])
                        new_positions.append(positions[i])
                        i += 1
                units, positions = merged, new_positions
            elif kind == "stemmer" and flt.get("language") == "possessive_english":
                units = [[[re.sub(r"['’]s$", "", w) for w in alt] for alt in u] for u in units]
            elif kind == "stop":
                keep = [
                    (u, p)
                    for u, p in zip(units, positions, strict=True)
                    if not (len(u) == 1 and len(u[0]) == 1 and u[0][0] in ENGLISH_STOP)
                ]
                units = [
                    [[w for w in alt if w not in ENGLISH_STOP] or alt for alt in u] for u, _ in keep
                ]
                positions = [p for _, p in keep]
            elif kind == "stemmer":
                units = [[[_stem(w) for w in alt] for alt in u] for u in units]
            # shingles only feed the trigram subfield, which the adapter never queries
        return [
            [[Token(w, pos + k) for k, w in enumerate(alt)] for alt in u]
            for u, pos in zip(units, positions, strict=True)
        ]

    def tokens(self, text: str) -> list[Token]:
        """Index-time analysis: a flat token stream (every alternative at its position)."""
        return [t for unit in self.units(text) for alt in unit for t in alt]


# ------------------------------------------------------------------ indexes


@dataclass
class Index:
    name: str
    settings: dict[str, Any]
    mappings: dict[str, Any]
    live: dict[str, dict[str, Any]] = field(default_factory=dict)
    visible: dict[str, dict[str, Any]] = field(default_factory=dict)
    seq: dict[str, int] = field(default_factory=dict)

    @property
    def max_result_window(self) -> int:
        return int(self.settings.get("max_result_window", DEFAULT_MAX_RESULT_WINDOW))

    def refresh(self) -> None:
        self.visible = copy.deepcopy(self.live)

    def analyzer(self, name: str) -> Analyzer:
        analysis = self.settings.get("analysis", {})
        spec = analysis.get("analyzer", {}).get(name)
        if spec is None:
            return Analyzer([{"type": "lowercase"}]) if name == "standard" else _unknown(name)
        filters = []
        for fname in spec.get("filter", []):
            if fname == "lowercase":
                filters.append({"type": "lowercase"})
            else:
                filters.append(analysis.get("filter", {})[fname])
        return Analyzer(filters)

    def field_mapping(self, path: str) -> dict[str, Any]:
        node: dict[str, Any] = {"properties": self.mappings.get("properties", {})}
        parts = path.split(".")
        for i, part in enumerate(parts):
            props = node.get("properties")
            if props is not None and part in props:
                node = props[part]
                continue
            fields = node.get("fields")
            if fields is not None and part in fields and i == len(parts) - 1:
                return {**fields[part], "_source_path": ".".join(parts[:-1])}
            return {}
        return node

    def source_path(self, path: str) -> str:
        """Where a field's values are in the document: a multi-field reads its parent's."""
        return str(self.field_mapping(path).get("_source_path", path))


def _unknown(name: str) -> Analyzer:
    raise RequestError(400, "illegal_argument_exception", f"analyzer [{name}] not found")


def _values(source: dict[str, Any], path: str) -> list[Any]:
    node: Any = source
    for part in path.split("."):
        if isinstance(node, dict):
            node = node.get(part)
        else:
            return []
    if node is None:
        return []
    return list(node) if isinstance(node, list) else [node]


# ------------------------------------------------------------------ the client


class _Indices:
    def __init__(self, cluster: FakeOpenSearch) -> None:
        self.c = cluster

    def create(self, index: str, body: dict[str, Any] | None = None, **_: Any) -> dict[str, Any]:
        self.c.calls.append(("indices.create", {"index": index}))
        if index in self.c.indexes or index in self.c.aliases:
            raise RequestError(400, "resource_already_exists_exception", index)
        body = body or {}
        self.c.indexes[index] = Index(
            index, copy.deepcopy(body.get("settings", {})), copy.deepcopy(body.get("mappings", {}))
        )
        return {"acknowledged": True, "index": index}

    def exists(self, index: str, **_: Any) -> bool:
        self.c.calls.append(("indices.exists", {"index": index}))
        try:
            return bool(self.c.resolve(index))
        except NotFoundError:
            return False

    def delete(self, index: str, ignore_unavailable: bool = False, **_: Any) -> dict[str, Any]:
        self.c.calls.append(("indices.delete", {"index": index}))
        try:
            names = self.c.resolve(index, aliases=False)
        except NotFoundError:
            if ignore_unavailable:
                return {"acknowledged": True}
            raise
        for name in names:
            self.c.drop(name)
        return {"acknowledged": True}

    def refresh(self, index: str | None = None, **_: Any) -> dict[str, Any]:
        self.c.calls.append(("indices.refresh", {"index": index}))
        for name in self.c.resolve(index or "_all"):
            self.c.indexes[name].refresh()
        return {"_shards": {"failed": 0}}

    def exists_alias(self, name: str, index: str | None = None, **_: Any) -> bool:
        self.c.calls.append(("indices.exists_alias", {"name": name}))
        return any(fnmatch.fnmatchcase(a, name) for a in self.c.aliases)

    def get_alias(self, name: str | None = None, index: str | None = None, **_: Any) -> Any:
        self.c.calls.append(("indices.get_alias", {"name": name}))
        found: dict[str, Any] = {}
        for alias, targets in self.c.aliases.items():
            if name is None or fnmatch.fnmatchcase(alias, name):
                for target in targets:
                    found.setdefault(target, {"aliases": {}})["aliases"][alias] = {}
        if not found and name is not None:
            raise NotFoundError(404, "aliases_not_found_exception", f"alias [{name}] missing")
        return found

    def update_aliases(self, body: dict[str, Any], **_: Any) -> dict[str, Any]:
        """Atomic: every action is checked before any applies."""
        self.c.calls.append(("indices.update_aliases", {"body": copy.deepcopy(body)}))
        actions = body.get("actions", [])
        for action in actions:
            ((kind, spec),) = action.items()
            if spec.get("index") not in self.c.indexes:
                raise NotFoundError(404, "index_not_found_exception", spec.get("index"))
            if kind == "remove" and spec["index"] not in self.c.aliases.get(spec["alias"], set()):
                raise NotFoundError(404, "aliases_not_found_exception", spec["alias"])
            if kind not in ("add", "remove", "remove_index"):
                raise RequestError(400, "illegal_argument_exception", kind)
        for action in actions:
            ((kind, spec),) = action.items()
            if kind == "add":
                self.c.aliases.setdefault(spec["alias"], set()).add(spec["index"])
            elif kind == "remove":
                self.c.aliases[spec["alias"]].discard(spec["index"])
                if not self.c.aliases[spec["alias"]]:
                    del self.c.aliases[spec["alias"]]
            else:
                self.c.drop(spec["index"])
        return {"acknowledged": True}

    def get_settings(self, index: str, **_: Any) -> dict[str, Any]:
        return {
            n: {"settings": {"index": self.c.indexes[n].settings}} for n in self.c.resolve(index)
        }


class FakeOpenSearch:
    """TEST FIXTURE: an in-memory stand-in for ``opensearchpy.OpenSearch`` (see the module
    docstring for what it enforces and how it answers queries)."""

    def __init__(self) -> None:
        self.indexes: dict[str, Index] = {}
        self.aliases: dict[str, set[str]] = {}
        self.indices = _Indices(self)
        self.calls: list[tuple[str, dict[str, Any]]] = []
        # Failure injection: every bulk item answers this (status, error type) while set.
        self.bulk_item_failure: tuple[int, str] | None = None
        # Every request answers this HTTP status (a TransportError) while set.
        self.unavailable_status: int | None = None
        self._order = itertools.count()

    # -------------------------------------------------------------- names
    def drop(self, name: str) -> None:
        self.indexes.pop(name, None)
        for alias in list(self.aliases):
            self.aliases[alias].discard(name)
            if not self.aliases[alias]:
                del self.aliases[alias]

    def resolve(self, expression: str, aliases: bool = True) -> list[str]:
        """Index names behind a comma-separated expression of names, aliases and wildcards;
        "" and "_all" are every index (as ``/_search`` is)."""
        if expression in ("", "_all", "*"):
            return list(self.indexes)
        names: list[str] = []
        for part in expression.split(","):
            if "*" in part:
                names += [n for n in self.indexes if fnmatch.fnmatchcase(n, part)]
                if aliases:
                    for alias, targets in self.aliases.items():
                        if fnmatch.fnmatchcase(alias, part):
                            names += sorted(targets)
            elif part in self.indexes:
                names.append(part)
            elif aliases and part in self.aliases:
                names += sorted(self.aliases[part])
            else:
                raise NotFoundError(404, "index_not_found_exception", f"no such index [{part}]")
        return list(dict.fromkeys(names))

    def _write_index(self, name: str) -> Index | None:
        if name in self.indexes:
            return self.indexes[name]
        if name in self.aliases:
            targets = self.aliases[name]
            if len(targets) != 1:
                raise RequestError(
                    400,
                    "illegal_argument_exception",
                    f"alias [{name}] has more than one index and no write index",
                )
            return self.indexes[next(iter(targets))]
        return None

    def _check_available(self) -> None:
        if self.unavailable_status is not None:
            raise TransportError(self.unavailable_status, "unavailable", {})

    # -------------------------------------------------------------- writes
    def bulk(self, body: str, refresh: Any = None, **_: Any) -> dict[str, Any]:
        self.calls.append(("bulk", {"body": body}))
        self._check_available()
        lines = [json.loads(line) for line in body.splitlines() if line.strip()]
        items: list[dict[str, Any]] = []
        errors = False
        i = 0
        while i < len(lines):
            ((kind, meta),) = lines[i].items()
            doc = lines[i + 1] if kind in ("index", "create") else None
            i += 2 if doc is not None else 1
            result: dict[str, Any] = {"_index": meta["_index"], "_id": meta.get("_id")}
            if self.bulk_item_failure is not None:
                status, kind_of_error = self.bulk_item_failure
                result.update(status=status, error={"type": kind_of_error, "reason": "injected"})
                errors = True
                items.append({kind: result})
                continue
            try:
                target = self._write_index(meta["_index"])
            except RequestError as exc:
                result.update(status=400, error={"type": exc.error, "reason": str(exc.info)})
                errors = True
                items.append({kind: result})
                continue
            if kind == "delete":
                if target is None:
                    result.update(status=404, error={"type": "index_not_found_exception"})
                    errors = True
                elif target.live.pop(meta["_id"], None) is None:
                    result.update(status=404, result="not_found")
                else:
                    result.update(status=200, result="deleted")
            else:
                if target is None:
                    self.indices.create(meta["_index"])
                    target = self.indexes[meta["_index"]]
                created = meta["_id"] not in target.live
                target.live[meta["_id"]] = doc or {}
                target.seq[meta["_id"]] = next(self._order)
                result.update(
                    status=201 if created else 200, result="created" if created else "updated"
                )
            items.append({kind: result})
        if refresh:
            for name in {next(iter(it.values()))["_index"] for it in items}:
                for concrete in self.resolve(name):
                    self.indexes[concrete].refresh()
        return {"took": 1, "errors": errors, "items": items}

    def delete_by_query(
        self, index: str, body: dict[str, Any], refresh: bool = False, **_: Any
    ) -> dict[str, Any]:
        """Deletes what a search finds: refreshed documents only, as on a cluster."""
        self.calls.append(("delete_by_query", {"index": index, "body": body}))
        self._check_available()
        deleted = 0
        for name in self.resolve(index):
            idx = self.indexes[name]
            ev = _Evaluator([idx])
            for doc_id in [
                d
                for d, src in idx.visible.items()
                if ev.score(body["query"], idx, d, src) is not None
            ]:
                if idx.live.pop(doc_id, None) is not None:
                    deleted += 1
            if refresh:
                idx.refresh()
        return {"deleted": deleted, "failures": []}

    # -------------------------------------------------------------- reads
    def count(self, index: str, body: dict[str, Any] | None = None, **_: Any) -> dict[str, Any]:
        self.calls.append(("count", {"index": index}))
        self._check_available()
        return {"count": sum(len(self.indexes[n].visible) for n in self.resolve(index))}

    def search(
        self, index: str = "", body: dict[str, Any] | None = None, **params: Any
    ) -> dict[str, Any]:
        self.calls.append(("search", {"index": index, "body": copy.deepcopy(body), **params}))
        self._check_available()
        body = body or {}
        names = self.resolve(index)
        indexes = [self.indexes[n] for n in names]
        start, size = int(body.get("from", 0)), int(body.get("size", 10))
        window = min((i.max_result_window for i in indexes), default=DEFAULT_MAX_RESULT_WINDOW)
        if start + size > window:
            raise RequestError(
                400,
                "search_phase_execution_exception",
                f"Result window is too large, from + size must be less than or equal to: "
                f"[{window}] but was [{start + size}]",
            )
        return _Evaluator(indexes).run(body)


# ------------------------------------------------------------------ query evaluation

# Parameters each query accepts (of those documented; the double evaluates the ones it names).
QUERY_PARAMETERS: dict[str, set[str]] = {
    "bool": {"must", "should", "filter", "must_not", "minimum_should_match", "boost"},
    "multi_match": {
        "query",
        "fields",
        "type",
        "operator",
        "minimum_should_match",
        "fuzziness",
        "prefix_length",
        "slop",
        "boost",
        "tie_breaker",
    },
    "dis_max": {"queries", "tie_breaker", "boost"},
    "constant_score": {"filter", "boost"},
    "function_score": {"query", "script_score", "boost_mode", "min_score", "boost"},
    "match_all": {"boost"},
}
TOP_LEVEL = {
    "query",
    "from",
    "size",
    "track_total_hits",
    "track_scores",
    "_source",
    "post_filter",
    "sort",
    "min_score",
    "explain",
    "aggs",
    "suggest",
}


def _fuzzy_edits(term: str, fuzziness: Any) -> int:
    if fuzziness in (None, 0, "0"):
        return 0
    if isinstance(fuzziness, str) and fuzziness.upper().startswith("AUTO"):
        low, high = 3, 6
        if ":" in fuzziness:
            low, high = (int(x) for x in fuzziness.split(":", 1)[1].split(","))
        n = len(term)
        return 0 if n < low else 1 if n < high else 2
    return int(fuzziness)


def _distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (optimal string alignment), capped at ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _msm(spec: Any, n: int, default: int) -> int:
    if spec is None:
        return default
    if isinstance(spec, int):
        return spec if spec >= 0 else max(0, n + spec)
    text = str(spec).strip()
    if text.endswith("%"):
        pct = int(text[:-1])
        k = int(n * abs(pct) / 100)
        return k if pct >= 0 else n - k
    value = int(text)  # a negative number: that many clauses may be missing
    return value if value >= 0 else max(0, n + value)


class _Evaluator:
    def __init__(self, indexes: list[Index]) -> None:
        self.indexes = indexes
        self.docs = [
            (idx, doc_id, src)
            for idx in indexes
            for doc_id, src in sorted(idx.visible.items(), key=lambda kv: idx.seq.get(kv[0], 0))
        ]
        self._field_stats: dict[str, tuple[int, float, dict[str, int]]] = {}
        self._tokens: dict[tuple[int, str, str], list[Token]] = {}

    # -------------------------------------------------------------- text fields
    def _analyzer(self, idx: Index, path: str, search: bool) -> Analyzer | None:
        mapping = idx.field_mapping(path)
        if mapping.get("type") != "text":
            return None
        name = mapping.get("search_analyzer" if search else "analyzer") or mapping.get(
            "analyzer", "standard"
        )
        return idx.analyzer(name)

    def doc_tokens(self, idx: Index, doc_id: str, src: dict[str, Any], path: str) -> list[Token]:
        key = (id(idx), doc_id, path)
        if key not in self._tokens:
            analyzer = self._analyzer(idx, path, search=False)
            tokens: list[Token] = []
            offset = 0
            for value in _values(src, idx.source_path(path)):
                for t in analyzer.tokens(str(value)) if analyzer else []:
                    tokens.append(Token(t.term, t.position + offset))
                offset = (tokens[-1].position if tokens else offset) + 100  # position_increment_gap
            self._tokens[key] = tokens
        return self._tokens[key]

    def stats(self, path: str) -> tuple[int, float, dict[str, int]]:
        """Documents with the field, their mean length, document frequency per term."""
        if path not in self._field_stats:
            n, total, df = 0, 0, {}
            for idx, doc_id, src in self.docs:
                tokens = self.doc_tokens(idx, doc_id, src, path)
                if not tokens:
                    continue
                n += 1
                total += len(tokens)
                for term in {t.term for t in tokens}:
                    df[term] = df.get(term, 0) + 1
            self._field_stats[path] = (n, total / n if n else 0.0, df)
        return self._field_stats[path]

    def bm25(self, path: str, term: str, tf: float, dl: int) -> float:
        n, avgdl, df = self.stats(path)
        d = df.get(term, 0)
        idf = math.log(1 + (n - d + 0.5) / (d + 0.5))
        norm = tf + K1 * (1 - B + B * dl / avgdl) if avgdl else tf + K1
        return idf * tf * (K1 + 1) / norm

    # -------------------------------------------------------------- queries
    def score(
        self, q: dict[str, Any], idx: Index, doc_id: str, src: dict[str, Any]
    ) -> float | None:
        """The query's score for one document, None when it does not match."""
        ((kind, spec),) = q.items()
        handler = getattr(self, f"_q_{kind}", None)
        if handler is None:
            raise RequestError(400, "parsing_exception", f"unknown query [{kind}]")
        return handler(spec, idx, doc_id, src)

    def validate(self, q: dict[str, Any]) -> None:
        """Parse-time checks, as the engine makes them before it looks at any document."""
        if len(q) != 1:
            raise RequestError(400, "parsing_exception", f"one query per object: {sorted(q)}")
        ((kind, spec),) = q.items()
        if getattr(self, f"_q_{kind}", None) is None:
            raise RequestError(400, "parsing_exception", f"unknown query [{kind}]")
        allowed = QUERY_PARAMETERS.get(kind)
        if allowed is not None and set(spec) - allowed:
            # OpenSearch rejects a parameter a query does not know.
            raise RequestError(
                400, "parsing_exception", f"[{kind}] unknown parameters {set(spec) - allowed}"
            )
        children: list[Any] = []
        if kind == "bool":
            for key in ("must", "should", "filter", "must_not"):
                children += _list(spec.get(key))
        elif kind == "dis_max":
            children = list(spec["queries"])
        elif kind == "constant_score":
            children = [spec["filter"]]
        elif kind == "function_score":
            children = [spec.get("query", {"match_all": {}})]
        for child in children:
            self.validate(child)

    def _q_match_all(self, spec: dict[str, Any], *_: Any) -> float:
        return float(spec.get("boost", 1.0))

    def _q_bool(
        self, spec: dict[str, Any], idx: Index, doc_id: str, src: dict[str, Any]
    ) -> float | None:
        total = 0.0
        for clause in _list(spec.get("must")):
            s = self.score(clause, idx, doc_id, src)
            if s is None:
                return None
            total += s
        for clause in _list(spec.get("filter")):
            if self.score(clause, idx, doc_id, src) is None:
                return None
        for clause in _list(spec.get("must_not")):
            if self.score(clause, idx, doc_id, src) is not None:
                return None
        shoulds = _list(spec.get("should"))
        required = spec.get("must") or spec.get("filter")
        needed = _msm(spec.get("minimum_should_match"), len(shoulds), 0 if required else 1)
        matched = 0
        for clause in shoulds:
            s = self.score(clause, idx, doc_id, src)
            if s is not None:
                matched += 1
                total += s
        if shoulds and matched < needed:
            return None
        return total * float(spec.get("boost", 1.0))

    def _term_spec(self, spec: dict[str, Any]) -> tuple[str, Any, float, bool]:
        ((path, value),) = ((k, v) for k, v in spec.items() if k != "boost")
        if isinstance(value, dict):
            return (
                path,
                value["value"],
                float(value.get("boost", 1.0)),
                bool(value.get("case_insensitive", False)),
            )
        return path, value, float(spec.get("boost", 1.0)), False

    def _keyword_values(self, idx: Index, path: str, src: dict[str, Any]) -> list[str]:
        mapping = idx.field_mapping(path)
        values = _values(src, path)
        if mapping.get("type") == "keyword" and mapping.get("normalizer"):
            return [str(v).lower() for v in values]
        if mapping.get("type") in ("long", "double", "integer", "float"):
            return [str(float(v)) for v in values]
        if isinstance(values[:1] and values[0], bool):
            return [str(v).lower() for v in values]
        return [str(v) for v in values]

    def _norm_query_value(self, idx: Index, path: str, value: Any) -> str:
        mapping = idx.field_mapping(path)
        if mapping.get("type") == "keyword" and mapping.get("normalizer"):
            return str(value).lower()
        if mapping.get("type") in ("long", "double", "integer", "float"):
            return str(float(value))
        return str(value).lower() if isinstance(value, bool) else str(value)

    def _q_term(
        self, spec: dict[str, Any], idx: Index, doc_id: str, src: dict[str, Any]
    ) -> float | None:
        path, value, boost, insensitive = self._term_spec(spec)
        wanted = self._norm_query_value(idx, path, value)
        if idx.field_mapping(path).get("type") == "text":
            terms = [t.term for t in self.doc_tokens(idx, doc_id, src, path)]
            return (
                self.bm25(path, wanted, terms.count(wanted), len(terms)) * boost
                if wanted in terms
                else None
            )
        values = self._keyword_values(idx, path, src)
        hit = any((v.lower() == wanted.lower()) if insensitive else v == wanted for v in values)
        return boost if hit else None

    def _q_terms(
        self, spec: dict[str, Any], idx: Index, doc_id: str, src: dict[str, Any]
    ) -> float | None:
        ((path, values),) = ((k, v) for k, v in spec.items() if k != "boost")
        wanted = {self._norm_query_value(idx, path, v) for v in values}
        have = set(self._keyword_values(idx, path, src))
        return float(spec.get("boost", 1.0)) if wanted & have else None

    def _q_prefix(
        self, spec: dict[str, Any], idx: Index, doc_id: str, src: dict[str, Any]
    ) -> float | None:
        path, value, boost, insensitive = self._term_spec(spec)
        if idx.field_mapping(path).get("type") == "text":
            terms = [t.term for t in self.doc_tokens(idx, doc_id, src, path)]
        else:
            terms = self._keyword_values(idx, path, src)
        value = str(value)
        ok = any(
            t.startswith(value) or (insensitive and t.lower().startswith(value.lower()))
            for t in terms
        )
        return boost if ok else None  # constant_score rewrite

    def _q_dis_max(
        self, spec: dict[str, Any], idx: Index, doc_id: str, src: dict[str, Any]
    ) -> float | None:
        scores = [s for q in spec["queries"] if (s := self.score(q, idx, doc_id, src)) is not None]
        if not scores:
            return None
        best = max(scores)
        tie = float(spec.get("tie_breaker", 0.0))
        return (best + tie * (sum(scores) - best)) * float(spec.get("boost", 1.0))

    def _q_constant_score(
        self, spec: dict[str, Any], idx: Index, doc_id: str, src: dict[str, Any]
    ) -> float | None:
        if self.score(spec["filter"], idx, doc_id, src) is None:
            return None
        return float(spec.get("boost", 1.0))

    def _q_function_score(
        self, spec: dict[str, Any], idx: Index, doc_id: str, src: dict[str, Any]
    ) -> float | None:
        inner = self.score(spec.get("query", {"match_all": {}}), idx, doc_id, src)
        if inner is None:
            return None
        score = inner
        if "script_score" in spec:
            script = spec["script_score"]["script"]
            fn = SCRIPTS.get(script["source"])
            if fn is None:
                raise RequestError(400, "script_exception", "no Python equivalent of this script")

            def doc(path: str) -> list[float]:
                return [float(v) for v in _values(src, path)]

            value = fn(doc, script.get("params", {}), inner)
            mode = spec.get("boost_mode", "multiply")
            score = (
                value
                if mode == "replace"
                else inner * value
                if mode == "multiply"
                else inner + value
            )
        if "min_score" in spec and score < float(spec["min_score"]):
            return None
        return score * float(spec.get("boost", 1.0))

    # multi_match --------------------------------------------------------
    def _fields(self, spec: dict[str, Any]) -> list[tuple[str, float]]:
        out = []
        for f in spec["fields"]:
            name, _, boost = f.partition("^")
            out.append((name, float(boost) if boost else 1.0))
        return out

    def _term_match(
        self, path: str, tokens: list[Token], term: str, edits: int
    ) -> tuple[float, list[int]] | None:
        """Best score of ``term`` (or a term within ``edits`` of it) in the field."""
        by_term: dict[str, list[int]] = {}
        for t in tokens:
            by_term.setdefault(t.term, []).append(t.position)
        best: tuple[float, list[int]] | None = None
        for candidate, positions in by_term.items():
            d = 0 if candidate == term else _distance(candidate, term, edits) if edits else 1
            if d > edits:
                continue
            s = self.bm25(path, candidate, len(positions), len(tokens))
            if d:
                s *= max(0.0, 1.0 - d / min(len(candidate), len(term)))
            if best is None or s > best[0]:
                best = (s, positions)
        return best

    def _phrase(
        self, path: str, tokens: list[Token], seq: list[Token], slop: int, prefix_last: bool
    ) -> float | None:
        if not seq:
            return None
        by_term: dict[str, list[int]] = {}
        for t in tokens:
            by_term.setdefault(t.term, []).append(t.position)
        base = seq[0].position
        rel = [t.position - base for t in seq]
        last_terms = (
            [k for k in by_term if k.startswith(seq[-1].term)][:50]
            if prefix_last
            else [seq[-1].term]
        )
        freq = 0
        for start in by_term.get(seq[0].term, []) if len(seq) > 1 else []:
            for last in last_terms:
                ok = True
                drift = 0
                for k, tok in enumerate(seq[1:], 1):
                    term = last if k == len(seq) - 1 else tok.term
                    options = [p - start - rel[k] for p in by_term.get(term, [])]
                    near = [o for o in options if abs(o) <= slop]
                    if not near:
                        ok = False
                        break
                    drift += min(abs(o) for o in near)
                if ok and drift <= slop:
                    freq += 1
        if len(seq) == 1:
            freq = sum(len(by_term.get(t, [])) for t in last_terms)
            terms = last_terms
        else:
            terms = [t.term for t in seq[:-1]] + [last_terms[0] if last_terms else seq[-1].term]
        if not freq:
            return None
        return sum(self.bm25(path, t, freq, len(tokens)) for t in terms)

    def _q_multi_match(
        self, spec: dict[str, Any], idx: Index, doc_id: str, src: dict[str, Any]
    ) -> float | None:
        kind = spec.get("type", "best_fields")
        text = str(spec["query"])
        scores: list[float] = []
        for path, boost in self._fields(spec):
            analyzer = self._analyzer(idx, path, search=True)
            if analyzer is None:
                continue
            units = analyzer.units(text)
            tokens = self.doc_tokens(idx, doc_id, src, path)
            if not units or not tokens:
                continue
            if kind in ("phrase", "phrase_prefix"):
                s = self._phrase_units(
                    path, tokens, units, int(spec.get("slop", 0)), kind == "phrase_prefix"
                )
            else:
                s = self._words(path, tokens, units, spec)
            if s is not None:
                scores.append(s * boost)
        if not scores:
            return None
        combined = (
            sum(scores)
            if kind == "most_fields"
            else max(scores) + float(spec.get("tie_breaker", 0.0)) * (sum(scores) - max(scores))
        )
        return combined * float(spec.get("boost", 1.0))

    def _phrase_units(
        self,
        path: str,
        tokens: list[Token],
        units: list[list[list[Token]]],
        slop: int,
        prefix: bool,
    ) -> float | None:
        # Every combination of alternatives is one phrase; the best one scores.
        best: float | None = None
        for combo in itertools.islice(itertools.product(*units), 64):
            seq = [t for alt in combo for t in alt]
            s = self._phrase(path, tokens, seq, slop, prefix)
            if s is not None and (best is None or s > best):
                best = s
        return best

    def _words(
        self, path: str, tokens: list[Token], units: list[list[list[Token]]], spec: dict[str, Any]
    ) -> float | None:
        matched: list[float] = []
        for unit in units:
            best: float | None = None
            for alt in unit:
                if (
                    len(alt) > 1
                ):  # a multi-word synonym: a phrase (auto_generate_synonyms_phrase_query)
                    s = self._phrase(path, tokens, alt, 0, False)
                else:
                    edits = _fuzzy_edits(alt[0].term, spec.get("fuzziness"))
                    found = self._term_match(path, tokens, alt[0].term, edits)
                    s = found[0] if found else None
                if s is not None and (best is None or s > best):
                    best = s
            if best is not None:
                matched.append(best)
        n = len(units)
        if spec.get("operator", "or").lower() == "and":
            needed = n
        else:
            needed = max(1, _msm(spec.get("minimum_should_match"), n, 1))
        if len(matched) < needed:
            return None
        return sum(matched)

    # -------------------------------------------------------------- the request
    def run(self, body: dict[str, Any]) -> dict[str, Any]:
        if set(body) - TOP_LEVEL:
            raise RequestError(400, "parsing_exception", f"unknown keys {set(body) - TOP_LEVEL}")
        query = body.get("query", {"match_all": {}})
        self.validate(query)
        if body.get("post_filter"):
            self.validate(body["post_filter"])
        for spec in (body.get("aggs") or {}).values():
            if "filter" in spec:
                self.validate(spec["filter"])
        scored: list[tuple[float, int, Index, str, dict[str, Any]]] = []
        for order, (idx, doc_id, src) in enumerate(self.docs):
            s = self.score(query, idx, doc_id, src)
            if s is not None:
                scored.append((s, order, idx, doc_id, src))
        if "min_score" in body:
            scored = [row for row in scored if row[0] >= float(body["min_score"])]
        aggregations = {
            name: self._aggregate(spec, scored) for name, spec in (body.get("aggs") or {}).items()
        }
        post = body.get("post_filter")
        if post:
            scored = [r for r in scored if self.score(post, r[2], r[3], r[4]) is not None]
        if body.get("sort"):
            scored = self._sorted(scored, body["sort"])
        else:
            scored.sort(key=lambda r: (-r[0], r[1]))
        start, size = int(body.get("from", 0)), int(body.get("size", 10))
        hits = []
        for s, _, idx, doc_id, src in scored[start : start + size]:
            hit: dict[str, Any] = {
                "_index": idx.name,
                "_id": doc_id,
                "_score": None if body.get("sort") else s,
                "_source": _source(src, body.get("_source", True)),
            }
            if body.get("explain"):
                hit["_explanation"] = {
                    "value": s,
                    "description": "opensearch_double",
                    "details": [],
                }
            hits.append(hit)
        response: dict[str, Any] = {
            "took": 1,
            "timed_out": False,
            "hits": {
                "total": {"value": len(scored), "relation": "eq"},
                "max_score": max((r[0] for r in scored), default=None),
                "hits": hits,
            },
        }
        if aggregations:
            response["aggregations"] = aggregations
        if body.get("suggest"):
            response["suggest"] = self._suggest(body["suggest"])
        return response

    def _suggest(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Phrase suggesters, simplified: each input word missing from the field's terms is
        replaced by the most frequent term within 2 edits sharing its first letter (a
        direct_generator's defaults: max_edits 2, prefix_length 1, min_word_length 4); the
        real suggester also scores whole phrases with the field's shingles."""
        text = str(spec.get("text", ""))
        out: dict[str, Any] = {}
        for name, suggester in spec.items():
            if name == "text":
                continue
            phrase = suggester.get("phrase")
            if phrase is None:
                raise RequestError(
                    400, "parsing_exception", f"unknown suggester {sorted(suggester)}"
                )
            path = phrase["field"]
            idx = self.indexes[0] if self.indexes else None
            analyzer = self._analyzer(idx, path, search=True) if idx else None
            words = [alt[0].term for u in analyzer.units(text) for alt in u[:1]] if analyzer else []
            _, _, df = self.stats(path)
            corrected, changed = [], False
            for word in words:
                if word in df or len(word) < 4:
                    corrected.append(word)
                    continue
                near = [
                    (-df[t], d, t)
                    for t in df
                    if t[:1] == word[:1] and (d := _distance(t, word, 2)) <= 2
                ]
                if near:
                    corrected.append(min(near)[2])
                    changed = True
                else:
                    corrected.append(word)
            options = [{"text": " ".join(corrected), "score": 1.0}] if changed else []
            out[name] = [{"text": text, "offset": 0, "length": len(text), "options": options}]
        return out

    def _aggregate(self, spec: dict[str, Any], rows: list[Any]) -> dict[str, Any]:
        if "filter" in spec:
            kept = [r for r in rows if self.score(spec["filter"], r[2], r[3], r[4]) is not None]
            out: dict[str, Any] = {"doc_count": len(kept)}
            for name, sub in (spec.get("aggs") or {}).items():
                out[name] = self._aggregate(sub, kept)
            return out
        if "terms" in spec:
            path = spec["terms"]["field"]
            counts: dict[str, int] = {}
            for r in rows:
                for v in set(self._keyword_values(r[2], path, r[4])):
                    counts[v] = counts.get(v, 0) + 1
            ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            size = int(spec["terms"].get("size", 10))
            return {"buckets": [{"key": k, "doc_count": c} for k, c in ordered[:size]]}
        raise RequestError(400, "parsing_exception", f"unknown aggregation {sorted(spec)}")

    def _sorted(self, rows: list[Any], sort: list[dict[str, Any]]) -> list[Any]:
        def keyed(row: Any) -> tuple[Any, ...]:
            key: list[Any] = []
            for clause in sort:
                ((path, order),) = clause.items()
                order = order if isinstance(order, str) else order.get("order", "asc")
                if path == "_score":
                    value: Any = row[0]
                else:
                    values = _values(row[4], path)
                    value = (min if order == "asc" else max)(values) if values else None
                missing = value is None  # missing values sort last in both directions
                if isinstance(value, str):
                    enc = (
                        [-ord(c) for c in value] + [1]
                        if order == "desc"
                        else [ord(c) for c in value]
                    )
                    key.append((missing, enc))
                else:
                    num = 0.0 if value is None else float(value)
                    key.append((missing, -num if order == "desc" else num))
            return (*key, row[1])

        return sorted(rows, key=keyed)


def _source(src: dict[str, Any], spec: Any) -> dict[str, Any]:
    if spec is True or spec is None:
        return copy.deepcopy(src)
    if spec is False:
        return {}
    out: dict[str, Any] = {}
    for path in spec if isinstance(spec, list) else spec.get("includes", []):
        node: Any = src
        parts = path.split(".")
        for part in parts:
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            continue
        target = out
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = copy.deepcopy(node)
    return out


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
