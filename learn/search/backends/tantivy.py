"""Embedded search engine: a Tantivy index under ``LEARN_VAR_DIR/search``.

Text scores = BM25 over boosted fields (title, course numbers, instructors, topics above
description), every query word required (with typo corrections and synonyms as alternatives), a
proximity bonus, exact-title / introduced-subject / topic bonuses. The best hits are then
re-ranked by the policy both engines share (``learn.search.ranking``: multipliers, course
grouping, the result set), fed from this index's fast fields.
A rebuild writes a fresh generation directory and switches to it atomically, so searches never stop.
"""

from __future__ import annotations

import fcntl
import logging
import math
import os
import re
import shutil
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
import tantivy
from rapidfuzz import process
from rapidfuzz.distance import OSA

from learn.search.backends.base import ProgressCallback, SearchBackend, SearchUnavailable
from learn.search.documents import (
    FACET_FIELDS,
    NUMBER_FIELDS,
    IndexFields,
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
    MAX_FACTOR,
    MAX_WINDOW,
    RERANK_WINDOW,
    SIGNAL_FIELDS,
    Multipliers,
    Ranked,
    Ranking,
    by_score,
    content_file_scores,
    floor_of,
    order,
    ranked,
)
from learn.search.text import ParsedQuery, Unit, max_typos, needed_concepts, parse

logger = logging.getLogger(__name__)

TEXT_FIELDS = ("title", "description", "full_description", "topics", "instructors", "misc")
# Field boosts: what a learner names first (title, number, teacher, subject) outweighs prose.
FIELD_BOOSTS: dict[str, float] = {
    "title": 5.0,
    "instructors": 3.0,
    "topics": 1.5,
    "misc": 0.6,
    "description": 1.0,
    "full_description": 0.4,
}
# Free-text facets filter case-insensitively through a lowercased twin field (l_*); code facets
# (validated enums, ids, booleans) filter on their own field.
FOLDED_FACETS = frozenset(
    {
        "topic",
        "ocw_topic",
        "course_feature",
        "resource_category",
        "content_feature_type",
        "instructor",
    }
)
# sortby → (fast field, ascending)
SORT_FIELDS: dict[str, tuple[str, bool]] = {
    "id": ("doc_id", True),
    "-id": ("doc_id", False),
    "readable_id": ("readable_id", True),
    "-readable_id": ("readable_id", False),
    "resource_readable_id": ("readable_id", True),
    "-resource_readable_id": ("readable_id", False),
    "last_modified": ("last_modified_ts", True),
    "-last_modified": ("last_modified_ts", False),
    "new": ("created_ts", False),
    "start_date": ("start_ts_asc", True),
    "-start_date": ("start_ts", False),
    "upcoming": ("next_start_ts", True),
    "mitcoursenumber": ("sort_coursenum", True),
    "-mitcoursenumber": ("sort_coursenum", False),
    "views": ("views", True),
    "-views": ("views", False),
    "featured": ("browse_key", True),
}
SYNONYM_WEIGHT = 0.6
CORRECTION_WEIGHT = 0.85
PREFIX_WEIGHT = 2.0
PROXIMITY_WEIGHT = 0.5
TITLE_EXACT_WEIGHT = 3.0
# "Introduction to <query>" counts as much as a title that is exactly the query.
TITLE_INTRO_WEIGHT = TITLE_EXACT_WEIGHT
COMMON_WORD_DF = 3
TOPIC_MATCH_SCORE = 8.0
# A word found in several fields (title and topics and description) counts a little more.
WORD_TIE_BREAKER = 0.1
COURSE_NUMBER_BOOST = 12.0
COURSE_NUMBER_BASE_BOOST = 10.0
AGG_SIZE = 10000
WRITER_HEAP = 128_000_000
RELOAD_INTERVAL = 0.5
GENERATION = re.compile(r"g[0-9]+")  # an index generation's folder name


def _analyzer(stopwords: bool, stem: bool) -> tantivy.TextAnalyzer:
    """Simple tokens, long ones dropped, lowercased and ASCII-folded; then English stop words
    and the English stemmer when asked for."""
    builder = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
    )
    if stopwords:
        builder = builder.filter(tantivy.Filter.stopword("english"))
    if stem:
        builder = builder.filter(tantivy.Filter.stemmer("english"))
    return builder.build()


def _analyzers() -> dict[str, tantivy.TextAnalyzer]:
    return {
        "en_learn": _analyzer(stopwords=True, stem=True),
        "plain_learn": _analyzer(stopwords=False, stem=False),
        # Words as written (no stemming), without stop words: "optimal" is not "optimization".
        "words_learn": _analyzer(stopwords=True, stem=False),
    }


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("uid", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("kind", tokenizer_name="raw", fast=True, index_option="basic")
    sb.add_integer_field("doc_id", stored=True, indexed=True, fast=True)
    sb.add_bytes_field("source", stored=True)
    for name in TEXT_FIELDS:
        sb.add_text_field(name, tokenizer_name="en_learn", index_option="position")
    sb.add_text_field("title_plain", tokenizer_name="plain_learn", index_option="basic")
    sb.add_text_field("title_exact", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("title_intro", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("spell", tokenizer_name="plain_learn", index_option="basic")
    sb.add_text_field("course_number", tokenizer_name="raw", index_option="freq")
    for name in FACET_FIELDS:
        sb.add_text_field(f"f_{name}", tokenizer_name="raw", fast=True, index_option="basic")
        if name in FOLDED_FACETS:
            sb.add_text_field(f"l_{name}", tokenizer_name="raw", index_option="basic")
    for name in NUMBER_FIELDS:
        sb.add_float_field(name, indexed=True, fast=True)
    sb.add_text_field("readable_id", tokenizer_name="raw", fast=True, index_option="basic")
    sb.add_text_field("sort_coursenum", tokenizer_name="raw", fast=True, index_option="basic")
    return sb.build()


_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="search-aggs")


def _count(result: tantivy.SearchResult) -> int:
    return int(getattr(result, "count", 0) or 0)


def _terms(stems: Sequence[str]) -> list[str | tuple[int, str]]:
    return list(stems)


def _exact_titles(stems: list[str]) -> list[str]:
    """The analyzed title, and without a trailing part one ("Organic Chemistry I")."""
    forms = [" ".join(stems)]
    if len(stems) > 1 and stems[-1] == "i":
        forms.append(" ".join(stems[:-1]))
    return forms


def _uid(index: str, doc_id: str) -> str:
    return f"{index}:{doc_id}"


_FACET_COLUMNS = tuple(
    (name, f"f_{name}", f"l_{name}" if name in FOLDED_FACETS else None) for name in FACET_FIELDS
)
_SPELL_SOURCES = ("title", "topics", "instructors", "description")


def document_values(
    doc: IndexDocument, english: tantivy.TextAnalyzer, words: tantivy.TextAnalyzer
) -> dict[str, Any]:
    """The field values of one document, as plain data (the indexer's per-document hot path)."""
    fields: IndexFields = index_fields(doc)
    text = fields.text
    title = text.get("title", "")
    keywords = fields.keywords
    values: dict[str, Any] = {
        "uid": _uid(doc.index, doc.id),
        "kind": doc.index,
        "doc_id": fields.id,
        "source": orjson.dumps(doc.source, default=str),
        "title_plain": title,
        "title_exact": _exact_titles([str(t) for t in english.analyze(title)]),
        "spell": " ".join([text.get(k, "") for k in _SPELL_SOURCES]),
        "readable_id": keywords.get("readable_id", ""),
        "sort_coursenum": keywords.get("sort_coursenum", "~"),
    }
    for name, value in text.items():
        if value:
            values[name] = value
    subjects = [
        form
        for subject in fields.subjects
        for form in _exact_titles([str(t) for t in words.analyze(subject)])
        if form
    ]
    if subjects:
        values["title_intro"] = list(dict.fromkeys(subjects))
    if fields.course_numbers:
        values["course_number"] = fields.course_numbers
    facets = fields.facets
    for name, column, folded in _FACET_COLUMNS:
        facet = facets.get(name)
        if facet:
            values[column] = facet
            if folded:
                values[folded] = [v.lower() for v in facet]
    numbers = fields.numbers
    for name in NUMBER_FIELDS:
        values[name] = float(numbers.get(name, 0.0))
    return values


# Hybrid search reads the stored documents of its whole lexical pool (about 150) on every query,
# and popular documents come back query after query: their JSON is parsed once, keyed by the
# stored bytes themselves (the same bytes always mean the same document, in any index version).
# Callers get a shallow copy; the nested values are shared, read-only, as with the result cache.
SOURCE_CACHE_SIZE = 4096


@lru_cache(maxsize=SOURCE_CACHE_SIZE)
def _parsed_source(raw: bytes) -> dict[str, Any]:
    parsed: dict[str, Any] = orjson.loads(raw)
    return parsed


class TantivyBackend(SearchBackend):
    name = "tantivy"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.schema = _schema()
        self.analyzers = _analyzers()
        self._lock = threading.RLock()
        self._generation = ""
        self._index: tantivy.Index | None = None
        self._last_reload = 0.0
        self._version = ""
        self._vocab_generation: tuple[str, int] | None = None
        self._vocab: dict[str, int] = {}
        self._vocab_words: list[str] = []
        self._corrections: dict[tuple[object, str], list[str]] = {}
        self._agg_cache: dict[tuple[object, ...], dict[str, list[dict[str, Any]]]] = {}

    # ------------------------------------------------------------ index lifecycle

    def _current_file(self) -> Path:
        return self.root / "CURRENT"

    def _read_generation(self) -> str:
        try:
            return self._current_file().read_text().strip()
        except FileNotFoundError:
            return ""

    def _open_generation(self, generation: str, create: bool) -> tantivy.Index:
        path = self.root / generation
        if create:
            path.mkdir(parents=True, exist_ok=True)
        try:
            index = tantivy.Index(self.schema, path=str(path), reuse=True)
        except (ValueError, OSError) as exc:
            raise SearchUnavailable(
                f"search index at {path} cannot be opened ({exc}); run `learn index rebuild`"
            ) from exc
        for name, analyzer in self.analyzers.items():
            index.register_tokenizer(name, analyzer)
        return index

    def is_missing(self) -> bool:
        """No index has been built here (or its folder was deleted)."""
        return not self._read_generation()

    def _ensure_open(self, create: bool = False) -> tantivy.Index:
        """The current index; a missing one is created only by writers (``create``): a reader
        answers :class:`SearchUnavailable` instead of searching a quietly created empty index."""
        with self._lock:
            now = time.monotonic()
            if self._index is not None and now - self._last_reload < RELOAD_INTERVAL:
                return self._index
            generation = self._read_generation()
            if not generation and not create:
                self._index = None
                self._generation = ""
                raise SearchUnavailable(
                    f"no search index at {self.root}: run `learn index rebuild`"
                )
            if not generation:
                generation = "g1"
                self.root.mkdir(parents=True, exist_ok=True)
                self._open_generation(generation, create=True)
                self._write_current(generation)
            # Read before (re)opening: the searcher is then at least as new as the version.
            try:
                stamp = (self.root / generation / "meta.json").stat().st_mtime_ns
            except OSError:
                stamp = -1
            if self._index is None or generation != self._generation:
                self._index = self._open_generation(generation, create=False)
                self._generation = generation
            else:
                try:
                    self._index.reload()
                except (ValueError, OSError) as exc:
                    self._index = None
                    raise SearchUnavailable(
                        f"search index at {self.root / generation} cannot be reloaded ({exc}); "
                        "run `learn index rebuild`"
                    ) from exc
            self._last_reload = now
            self._version = f"{generation}:{stamp}"
            return self._index

    def version(self) -> str | None:
        self._ensure_open()
        return self._version

    def _write_current(self, generation: str) -> None:
        tmp = self.root / "CURRENT.tmp"
        tmp.write_text(generation)
        os.replace(tmp, self._current_file())

    def _writer(self, index: tantivy.Index) -> tantivy.IndexWriter:
        try:
            return index.writer(heap_size=WRITER_HEAP, num_threads=1)
        except ValueError as exc:  # LockBusy: another process is writing
            raise SearchUnavailable(f"search index is locked by another writer: {exc}") from exc

    def _refresh(self) -> None:
        with self._lock:
            self._last_reload = 0.0
        self._ensure_open()

    # ------------------------------------------------------------ writing

    def _document(self, doc: IndexDocument) -> tantivy.Document:
        values = document_values(doc, self.analyzers["en_learn"], self.analyzers["words_learn"])
        return tantivy.Document.from_dict(values, self.schema)

    def index(self, documents: Iterable[IndexDocument]) -> int:
        docs = list(documents)
        if not docs:
            return 0
        with self._lock:
            index = self._ensure_open(create=True)
            writer = self._writer(index)
            try:
                for doc in docs:
                    writer.delete_documents_by_term("uid", _uid(doc.index, doc.id))
                    writer.add_document(self._document(doc))
                writer.commit()
                writer.wait_merging_threads()
            finally:
                del writer
            self._refresh()
        return len(docs)

    def delete(self, index: IndexName, ids: Iterable[str]) -> int:
        id_list = list(ids)
        if not id_list:
            return 0
        with self._lock:
            idx = self._ensure_open(create=True)
            writer = self._writer(idx)
            try:
                for doc_id in id_list:
                    writer.delete_documents_by_term("uid", _uid(index, doc_id))
                writer.commit()
                writer.wait_merging_threads()
            finally:
                del writer
            self._refresh()
        return len(id_list)

    def delete_content_files_of(self, resource_ids: Iterable[int]) -> int:
        ids = [str(i) for i in resource_ids]
        if not ids:
            return 0
        query = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, self._term("kind", "content_file")),
                (
                    tantivy.Occur.Must,
                    tantivy.Query.term_set_query(self.schema, "f_resource_id", ids),
                ),
            ]
        )
        with self._lock:
            idx = self._ensure_open(create=True)
            writer = self._writer(idx)
            try:
                writer.delete_documents_by_query(query)
                writer.commit()
                writer.wait_merging_threads()
            finally:
                del writer
            self._refresh()
        return len(ids)

    def prepare(self, doc: IndexDocument) -> dict[str, Any]:
        """The document's field values (plain data: they pickle), for ``rebuild``."""
        return document_values(doc, self.analyzers["en_learn"], self.analyzers["words_learn"])

    def _rebuild_lock(self) -> int:
        """An exclusive ``flock`` on ``REBUILD.lock``: one rebuild at a time across processes (it
        vanishes with its holder, even after ``kill -9``). Another rebuild running is refused."""
        fd = os.open(self.root / "REBUILD.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise SearchUnavailable(
                f"another `learn index rebuild` is writing {self.root}; wait for it to finish"
            ) from None
        return fd

    def _remove_generations(self, keep: str) -> None:
        """Every generation folder but ``keep``: the one replaced, and any a killed rebuild
        abandoned (half-written, or replaced but not yet removed). Only under the rebuild lock,
        so no other rebuild is writing one; readers still holding a removed one keep its open
        files until they reload."""
        for path in self.root.iterdir():
            if path.is_dir() and GENERATION.fullmatch(path.name) and path.name != keep:
                shutil.rmtree(path, ignore_errors=True)

    def rebuild(
        self,
        documents: Iterable[IndexDocument | dict[str, Any]],
        progress: ProgressCallback | None = None,
    ) -> int:
        with self._lock:
            # The current generation may have an older schema: a rebuild never needs to open it.
            self.root.mkdir(parents=True, exist_ok=True)
            lock = self._rebuild_lock()
            try:
                return self._rebuild(documents, progress)
            finally:
                os.close(lock)

    def _rebuild(
        self,
        documents: Iterable[IndexDocument | dict[str, Any]],
        progress: ProgressCallback | None,
    ) -> int:
        old = self._read_generation()
        number = int(old.lstrip("g") or "1") + 1
        generation = f"g{number}"
        shutil.rmtree(self.root / generation, ignore_errors=True)
        fresh = self._open_generation(generation, create=True)
        english, words = self.analyzers["en_learn"], self.analyzers["words_learn"]
        writer = fresh.writer(heap_size=WRITER_HEAP * 2, num_threads=0)
        count = 0
        try:
            for doc in documents:
                values = doc if isinstance(doc, dict) else document_values(doc, english, words)
                writer.add_document(tantivy.Document.from_dict(values, self.schema))
                count += 1
                if progress and count % 500 == 0:
                    progress(500)
            writer.commit()
            writer.wait_merging_threads()
        finally:
            del writer
        if progress and count % 500:
            progress(count % 500)
        self._write_current(generation)
        self._refresh()
        self._remove_generations(keep=generation)
        return count

    def clear(self) -> None:
        self.rebuild([])

    def status(self) -> IndexStatus:
        try:
            searcher = self._ensure_open().searcher()
        except SearchUnavailable as exc:
            return IndexStatus(self.name, False, {}, str(exc))
        counts: dict[str, int] = {}
        for kind in ("resource", "content_file"):
            counts[kind] = _count(searcher.search(self._term("kind", kind), limit=1, count=True))
        return IndexStatus(self.name, True, counts, f"{self.root / self._generation}")

    # ------------------------------------------------------------ query building

    def _term(self, field: str, value: str) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, field, value)

    def _stems(self, word: str) -> list[str]:
        return [str(t) for t in self.analyzers["en_learn"].analyze(word)]

    def _plain(self, text: str) -> list[str]:
        return [str(t) for t in self.analyzers["plain_learn"].analyze(text)]

    def _filters(self, query: SearchQuery, skip: str | None = None) -> list[tantivy.Query]:
        clauses = [self._term("kind", query.index)]
        for name, values in query.filters.items():
            if name == skip or not values:
                continue
            clauses.append(self._facet_filter(name, values))
        return clauses

    def _facet_filter(self, name: str, values: Sequence[str]) -> tantivy.Query:
        if name in FOLDED_FACETS:
            field, terms = f"l_{name}", [str(v).lower() for v in values]
        elif name in BOOLEAN_FACETS:
            field, terms = f"f_{name}", [str(v).lower() for v in values]
        else:
            field, terms = f"f_{name}", [str(v) for v in values]
        return tantivy.Query.term_set_query(self.schema, field, terms)

    def _word_clause(self, stems: Sequence[str], most_fields: bool) -> tantivy.Query | None:
        if not stems:
            return None
        per_word: list[tantivy.Query] = []
        for stem in stems:
            options = [
                tantivy.Query.boost_query(self._term(field, stem), boost)
                for field, boost in FIELD_BOOSTS.items()
            ]
            if most_fields:
                per_word.append(
                    tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in options])
                )
            else:
                per_word.append(
                    tantivy.Query.disjunction_max_query(options, tie_breaker=WORD_TIE_BREAKER)
                )
        if len(per_word) == 1:
            return per_word[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in per_word])

    def _vocabulary(self, searcher: tantivy.Searcher) -> dict[str, int]:
        key = (self._generation, searcher.num_docs)
        if self._vocab_generation != key:
            terms = searcher.terms_with_prefix("spell", "")
            self._vocab = {str(t): int(c) for t, c in terms}
            self._vocab_words = list(self._vocab)
            self._vocab_generation = key
        return self._vocab

    def corrections(self, searcher: tantivy.Searcher, word: str) -> list[str]:
        """Vocabulary words within the allowed typos of ``word`` that are more common than it."""
        allowed = max_typos(word)
        if not allowed or not word.isalpha():
            return []
        vocab = self._vocabulary(searcher)
        own = vocab.get(word, 0)
        if own >= COMMON_WORD_DF:
            return []  # a common word is not a typo
        key = (self._vocab_generation, word)
        cached = self._corrections.get(key)
        if cached is not None:
            return cached
        picks = self._closest(word, own, allowed)
        if len(self._corrections) > 10_000:
            self._corrections.clear()
        self._corrections[key] = picks
        return picks

    def _closest(self, word: str, own: int, allowed: int) -> list[str]:
        vocab = self._vocab
        found = process.extract(
            word, self._vocab_words, scorer=OSA.distance, score_cutoff=allowed, limit=50
        )
        scored = sorted(
            ((int(dist), -vocab[cand], str(cand)) for cand, dist, _ in found if cand != word),
        )
        if not scored:
            return []
        best_distance = scored[0][0]
        picks = [
            cand
            for dist, neg_df, cand in scored
            if dist == best_distance and -neg_df >= max(1, own * 10)
        ]
        return picks[:3]

    def _unit_clause(
        self,
        unit: Unit,
        parsed: ParsedQuery,
        searcher: tantivy.Searcher,
        most_fields: bool,
        applied: dict[str, str],
    ) -> tantivy.Query | None:
        stems = [s for w in unit.words for s in self._stems(w)]
        options: list[tantivy.Query] = []
        main = self._word_clause(stems, most_fields)
        if main is not None:
            options.append(main)
        for alternative in unit.alternatives:
            alt_stems = [s for w in alternative for s in self._stems(w)]
            clause = self._word_clause(alt_stems, most_fields)
            if clause is not None:
                options.append(tantivy.Query.boost_query(clause, SYNONYM_WEIGHT))
        if len(unit.words) == 1 and not unit.alternatives:
            word = unit.words[0]
            for fixed in self.corrections(searcher, word):
                clause = self._word_clause(self._stems(fixed), most_fields)
                if clause is not None:
                    options.append(tantivy.Query.boost_query(clause, CORRECTION_WEIGHT))
                    applied.setdefault(word, fixed)
            if word == parsed.prefix_word:
                prefix = tantivy.Query.fuzzy_term_query(
                    self.schema, "title_plain", word, distance=0, prefix=True
                )
                options.append(tantivy.Query.boost_query(prefix, PREFIX_WEIGHT))
        if not options:
            return None
        if len(options) == 1:
            return options[0]
        return tantivy.Query.disjunction_max_query(options, tie_breaker=0.0)

    def _course_number_clause(self, number: str) -> tantivy.Query:
        forms = course_number_forms(number)
        options = [
            tantivy.Query.boost_query(self._term("course_number", forms[0]), COURSE_NUMBER_BOOST)
        ]
        if len(forms) > 1:
            options.append(
                tantivy.Query.boost_query(
                    self._term("course_number", forms[1]), COURSE_NUMBER_BASE_BOOST
                )
            )
        # The number may also be written in a title or description ("6.006" in prose).
        parts = self._plain(number)
        if len(parts) > 1:
            for field in ("title", "description"):
                options.append(tantivy.Query.phrase_query(self.schema, field, _terms(parts)))
        return tantivy.Query.disjunction_max_query(options, tie_breaker=0.0)

    def _phrase_clause(self, phrase: str, slop: int = 0) -> tantivy.Query | None:
        stems = [s for w in phrase.split() for s in self._stems(w)]
        if not stems:
            return None
        if len(stems) == 1:
            return self._word_clause(stems, False)
        options = [
            tantivy.Query.boost_query(
                tantivy.Query.phrase_query(self.schema, field, _terms(stems), slop=slop), boost
            )
            for field, boost in FIELD_BOOSTS.items()
        ]
        return tantivy.Query.disjunction_max_query(options, tie_breaker=0.1)

    def _text_clauses(
        self, parsed: ParsedQuery, query: SearchQuery, searcher: tantivy.Searcher
    ) -> tuple[list[tantivy.Query], list[tantivy.Query], dict[str, str]]:
        """Required concept clauses, optional bonus clauses, and the typo corrections used."""
        most_fields = query.tuning.search_mode == "most_fields"
        applied: dict[str, str] = {}
        required: list[tantivy.Query] = []
        for number in parsed.course_numbers:
            required.append(self._course_number_clause(number))
        for phrase in parsed.phrases:
            clause = self._phrase_clause(phrase)
            if clause is not None:
                required.append(clause)
        for unit in parsed.units:
            clause = self._unit_clause(unit, parsed, searcher, most_fields, applied)
            if clause is not None:
                required.append(clause)
        bonus: list[tantivy.Query] = []
        stems = [s for w in parsed.words() for s in self._stems(w)]
        if len(stems) > 1 and query.tuning.search_mode != "most_fields":
            slop = max(0, int(query.tuning.slop))
            for field in ("title", "description"):
                near = tantivy.Query.phrase_query(self.schema, field, _terms(stems), slop=slop)
                bonus.append(tantivy.Query.boost_query(near, PROXIMITY_WEIGHT))
        if stems and not parsed.course_numbers:
            for variant in self._query_variants(parsed, applied):
                bonus.extend(self._title_bonus(variant, searcher))
        words = parsed.words()
        if words and not parsed.course_numbers and not parsed.phrases:
            # The whole query names a subject ("genetics", "leadership"): courses filed under it.
            names = {" ".join(words), " ".join(applied.get(w, w) for w in words)}
            topic = tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Should, self._term(f, name))
                    for f in ("l_topic", "l_ocw_topic")
                    for name in sorted(names)
                ]
            )
            bonus.append(tantivy.Query.const_score_query(topic, TOPIC_MATCH_SCORE))
        if not required and parsed.units:
            # Only stop words ("the who"): match them literally in titles.
            words = [w for w in parsed.words()]
            terms = [self._term("title_plain", w) for w in words]
            required.append(tantivy.Query.boolean_query([(tantivy.Occur.Should, t) for t in terms]))
        return required, bonus, applied

    def _query_variants(self, parsed: ParsedQuery, applied: dict[str, str]) -> list[list[str]]:
        """The query's words as typed, and with its typo corrections applied."""
        words = parsed.words()
        variants = [words]
        fixed = [applied.get(w, w) for w in words]
        if fixed != words:
            variants.append(fixed)
        return variants

    def _title_bonus(self, words: list[str], searcher: tantivy.Searcher) -> list[tantivy.Query]:
        """The whole query is the title: what a learner who types a course name wants first;
        or it is the subject a first course introduces ("Introduction to <query> …")."""
        out: list[tantivy.Query] = []
        stems = [s for w in words for s in self._stems(w)]
        if stems:
            exact = self._term("title_exact", " ".join(stems))
            out.append(tantivy.Query.boost_query(exact, TITLE_EXACT_WEIGHT))
        plain = [str(t) for w in words for t in self.analyzers["words_learn"].analyze(w)]
        if plain:
            # Scored like the exact title (boost × IDF), without BM25's length normalization:
            # a title has one or two subject forms and most documents have none.
            subject = " ".join(plain)
            found = searcher.doc_freq("title_intro", subject)
            if found:
                total = max(1, searcher.num_docs)
                idf = math.log(1.0 + (total - found + 0.5) / (found + 0.5))
                intro = tantivy.Query.const_score_query(
                    self._term("title_intro", subject), TITLE_INTRO_WEIGHT * idf
                )
                out.append(intro)
        return out

    @staticmethod
    def _combine(
        filters: list[tantivy.Query],
        required: list[tantivy.Query],
        bonus: list[tantivy.Query],
        all_required: bool,
        children: tantivy.Query | None = None,
        word_match: str = "most",
    ) -> tantivy.Query:
        """Filters, the text requirement and bonus clauses. ``children`` (resources whose
        content files match, scored by them) is an alternative to the resource's own text.
        Not ``all_required``: a document needs all but one of three or more concepts, any of
        two (``word_match="most"``), or half of them (``"some"``)."""
        filter_query = tantivy.Query.const_score_query(
            tantivy.Query.boolean_query([(tantivy.Occur.Must, f) for f in filters]), 0.0
        )
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = [(tantivy.Occur.Must, filter_query)]
        if required:
            if all_required:
                text = [(tantivy.Occur.Must, q) for q in required]
            else:
                anyof = tantivy.Query.boolean_query(
                    [(tantivy.Occur.Should, q) for q in required],
                    minimum_number_should_match=needed_concepts(len(required), word_match),
                )
                text = [(tantivy.Occur.Must, anyof)]
            if children is None:
                clauses.extend(text)
            else:
                own = tantivy.Query.boolean_query(text)
                either = [(tantivy.Occur.Should, own), (tantivy.Occur.Should, children)]
                clauses.append((tantivy.Occur.Must, tantivy.Query.boolean_query(either)))
        clauses.extend((tantivy.Occur.Should, q) for q in bonus)
        return tantivy.Query.boolean_query(clauses)

    def _children(
        self,
        searcher: tantivy.Searcher,
        query: SearchQuery,
        required: list[tantivy.Query],
    ) -> tuple[tantivy.Query | None, dict[int, float]]:
        """MIT Learn's has_child clause: resources whose content files match the text, each
        scored by the average score of its matching files times content_file_score_weight."""
        weight = query.tuning.content_file_score_weight
        if (
            query.index != "resource"
            or weight <= 0
            or not required
            or not searcher.doc_freq("kind", "content_file")
        ):
            return None, {}
        files = self._combine([self._term("kind", "content_file")], required, [], False)
        result = searcher.search(files, limit=CHILD_WINDOW)
        if not result.hits:
            return None, {}
        addresses = [addr for _, addr in result.hits]
        parents = searcher.fast_field_values("parent_id", addresses)
        found = [(parent, score) for (score, _), parent in zip(result.hits, parents, strict=True)]
        scores = content_file_scores(found, weight)
        if not scores:
            return None, {}
        clause = tantivy.Query.boolean_query(
            [
                (
                    tantivy.Occur.Should,
                    tantivy.Query.const_score_query(self._term_int("doc_id", rid), score),
                )
                for rid, score in scores.items()
            ]
        )
        return clause, scores

    def _term_int(self, field: str, value: int) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, field, value)

    # ------------------------------------------------------------ percolation

    def match_queries(
        self, queries: Mapping[str, SearchQuery], documents: Sequence[IndexDocument]
    ) -> dict[str, list[str]]:
        """The new documents go into a scratch index of their own (a temporary folder), and
        each saved query runs there as the boolean query ``search`` builds (filters, hidden
        OCW files, the text's concepts with ``word_match``), unranked. A query is the
        intersection of its text's matches and its filters' matches, so each distinct text
        and each distinct filter set runs once however many saved queries share it."""
        found: dict[str, list[str]] = {key: [] for key in queries}
        docs = [d for d in documents if d.index == "resource"]
        if not docs or not queries:
            return found
        order = {d.id: n for n, d in enumerate(docs)}
        scratch = TantivyBackend(self.root / "scratch-unused")  # its own caches; never on disk
        searcher = scratch._ram_index(docs).searcher()
        limit = len(docs)
        texts: dict[tuple[str, str, str], set[str]] = {}
        filter_sets: dict[tuple[tuple[str, tuple[str, ...]], ...], set[str]] = {}
        for key, query in queries.items():
            flt = tuple(sorted((k, tuple(v)) for k, v in query.filters.items() if v))
            if flt not in filter_sets:
                only = replace(query, text="", filters=dict(flt))
                filter_sets[flt] = scratch._matching(searcher, only, limit)
            ids = filter_sets[flt]
            if ids and not parse(query.text).empty:
                text_key = (query.text, query.tuning.search_mode, query.word_match)
                if text_key not in texts:
                    texts[text_key] = scratch._matching(searcher, replace(query, filters={}), limit)
                ids = ids & texts[text_key]
            found[key] = sorted(ids, key=order.__getitem__)
        return found

    def _ram_index(self, docs: Sequence[IndexDocument]) -> tantivy.Index:
        """An in-memory index of ``docs`` (the percolation scratch index)."""
        index = tantivy.Index(self.schema)
        for name, analyzer in self.analyzers.items():
            index.register_tokenizer(name, analyzer)
        english, words = self.analyzers["en_learn"], self.analyzers["words_learn"]
        writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
        for doc in docs:
            values = document_values(doc, english, words)
            writer.add_document(tantivy.Document.from_dict(values, self.schema))
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        self._index, self._generation = index, "ram"
        return index

    def _matching(self, searcher: tantivy.Searcher, query: SearchQuery, limit: int) -> set[str]:
        """Ids of every document ``query`` finds (no ranking, no floor)."""
        filters = self._filters(query)
        if query.index == "resource" and not query.show_ocw_files:
            filters.append(
                tantivy.Query.boolean_query(
                    [
                        (tantivy.Occur.Must, tantivy.Query.all_query()),
                        (tantivy.Occur.MustNot, self._term("f_hidden_ocw_file", "true")),
                    ]
                )
            )
        parsed = parse(query.text)
        required: list[tantivy.Query] = []
        if not parsed.empty:
            required, _, _ = self._text_clauses(parsed, query, searcher)
        final = self._combine(filters, required, [], False, None, query.word_match)
        result = searcher.search(final, limit=limit)
        addresses = [addr for _, addr in result.hits]
        if not addresses:
            return set()
        return {str(int(v or 0)) for v in searcher.fast_field_values("doc_id", addresses)}

    # ------------------------------------------------------------ searching

    def search(self, query: SearchQuery) -> SearchResult:
        index = self._ensure_open()
        searcher = index.searcher()
        parsed = parse(query.text)
        if query.index == "resource" and not query.show_ocw_files:
            query_filters = self._filters(query)
            hidden = tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Must, tantivy.Query.all_query()),
                    (tantivy.Occur.MustNot, self._term("f_hidden_ocw_file", "true")),
                ]
            )
            extra = [hidden]
        else:
            query_filters = self._filters(query)
            extra = []
        required: list[tantivy.Query] = []
        bonus: list[tantivy.Query] = []
        applied: dict[str, str] = {}
        if not parsed.empty:
            required, bonus, applied = self._text_clauses(parsed, query, searcher)
        # Ranked by relevance, a document may miss one word (two-word queries: either word) and
        # scores grow with every word it has. Sorted by a field, every word is required unless
        # nothing matches at all.
        children, child_scores = self._children(searcher, query, required)
        all_required = False
        final = self._combine(
            query_filters + extra, required, bonus, False, children, query.word_match
        )

        ranking: Ranking | None = None
        if required and not query.sort:
            ranking, hits, aggregations = self._ranked_search(
                searcher, final, query, required, bonus, extra, children
            )
            total = ranking.count
        elif required:
            # Sorted by a field: the same set relevance ranks (the min_score floor applies), in
            # the field's order, with the same facet counts.
            unsorted = replace(query, sort=None, offset=0, limit=0, explain=False)
            ranking, _, aggregations = self._ranked_search(
                searcher, final, unsorted, required, bonus, extra, children
            )
            if ranking.trimmed:
                kept = self._kept(query, ranking)
            else:
                kept = self._combine(
                    query_filters + extra, required, [], False, children, query.word_match
                )
            hits, total = self._collect(searcher, self._with_ids(kept, query, extra), query)
        elif query.also_ids and query.sort:
            hits, total = self._collect(searcher, self._with_ids(None, query, extra), query)
            aggregations = self._browse_aggregations(searcher, query, extra)
        else:
            hits, total = self._collect(searcher, final, query)
            aggregations = self._browse_aggregations(searcher, query, extra)
        suggest: list[str] = []
        if applied or (total == 0 and parsed.units):
            suggestion = self._suggestion(parsed, applied, searcher)
            if suggestion and suggestion.lower() != parsed.raw.lower():
                suggest.append(suggestion)
        debug: dict[str, Any] | None = None
        if query.explain:
            debug = {
                "engine": self.name,
                "parsed": {
                    "phrases": parsed.phrases,
                    "course_numbers": parsed.course_numbers,
                    "words": parsed.words(),
                    "synonyms": {
                        " ".join(u.words): [" ".join(a) for a in u.alternatives]
                        for u in parsed.units
                        if u.alternatives
                    },
                    "prefix_word": parsed.prefix_word,
                },
                "corrections": applied,
                "all_words_required": all_required,
                "content_file_scores": {str(k): v for k, v in child_scores.items()},
                "min_score": None
                if ranking is None
                else {
                    "floor": ranking.floor,
                    "matched": ranking.matched,
                    "kept": ranking.count,
                    "exact": ranking.exact,
                },
                "tuning": query.tuning.as_dict(),
                "query": repr(final),
            }
        return SearchResult(
            total=total, hits=hits, aggregations=aggregations, suggest=suggest, debug=debug
        )

    def _suggestion(
        self, parsed: ParsedQuery, applied: dict[str, str], searcher: tantivy.Searcher
    ) -> str:
        words: list[str] = []
        for word in parsed.raw.split():
            key = word.lower()
            if key in applied:
                words.append(applied[key])
            elif key.isalpha() and key not in self._vocabulary(searcher):
                fixes = self.corrections(searcher, key)
                words.append(fixes[0] if fixes else word)
            else:
                words.append(word)
        return " ".join(words)

    def _collect(
        self, searcher: tantivy.Searcher, final: tantivy.Query, query: SearchQuery
    ) -> tuple[list[Hit], int]:
        """Hits ordered by a field (``sortby``, or the browse order without text)."""
        field, ascending = SORT_FIELDS.get(query.sort or "featured", ("browse_key", True))
        order = tantivy.Order.Asc if ascending else tantivy.Order.Desc
        result = searcher.search(
            final,
            limit=max(query.limit, 1),
            offset=query.offset,
            order_by_field=field,
            order=order,
        )
        total = _count(result)
        if query.limit == 0:
            return [], total
        return [self._hit(searcher, float(0), addr, query) for _, addr in result.hits], total

    def _ranked_search(
        self,
        searcher: tantivy.Searcher,
        final: tantivy.Query,
        query: SearchQuery,
        required: list[tantivy.Query],
        bonus: list[tantivy.Query],
        extra: list[tantivy.Query],
        children: tantivy.Query | None,
    ) -> tuple[Ranking, list[Hit], dict[str, list[dict[str, Any]]]]:
        """A relevance-ranked request: count, page and facet counts all describe one result set,
        the matches passing the min_score floor, whatever ``limit`` and ``offset`` are.

        A facet with an active filter is counted without it (disjunctive facets): the documents
        it adds are ranked on their own (in parallel with the main ranking) and kept by the same
        floor.
        """
        facet_queries = {
            name: self._combine(
                self._filters(query, skip=name) + extra, required, bonus, False, children
            )
            for name in query.aggregations
            if query.filters.get(name)
        }
        windows = {
            name: _POOL.submit(self._rank_window, searcher, q, query, RERANK_WINDOW)
            for name, q in facet_queries.items()
        }
        ranking = self._ranking(searcher, final, query)
        facet_rankings: dict[str, Ranking] = {}
        for name, future in windows.items():
            head = future.result()
            if ranking.exact:  # else nothing is trimmed anywhere
                floor = ranking.floor if ranking.hits else None
                facet_rankings[name] = self._ranking(
                    searcher, facet_queries[name], query, floor, head
                )
        pending = None
        if query.aggregations:
            pending = _POOL.submit(
                self._ranked_aggregations,
                searcher,
                query,
                required,
                extra,
                children,
                ranking,
                facet_rankings,
            )
        page = ranking.page(query.offset, query.limit) if query.limit else []
        out = [self._hit(searcher, r.score, r.addr, query) for r in page]
        if query.explain:
            for hit, r in zip(out, page, strict=True):
                before = r.text_score * r.factor
                hit.explanation = {
                    "score": r.score,
                    "text_score": r.text_score,
                    "multiplier": r.factor,
                    "course_adjustment": r.score / before if before else 1.0,
                    "text": orjson.loads(final.explain(searcher, r.addr).to_json()),
                }
        aggregations = pending.result() if pending is not None else {}
        return ranking, out, aggregations

    def _ranking(
        self,
        searcher: tantivy.Searcher,
        final: tantivy.Query,
        query: SearchQuery,
        floor: float | None = None,
        head: tuple[list[Ranked], int, float] | None = None,
    ) -> Ranking:
        """The re-scored matches passing the min_score floor (a percentage of the best hit's
        score unless ``floor`` is given), best first.

        The best RERANK_WINDOW engine hits (the head) are re-ranked: multipliers and course
        grouping. A document's engine score does not depend on the filters and its multipliers
        are at most MAX_FACTOR, so when the head's lowest engine score times MAX_FACTOR is below
        the floor no later match can pass and the head's passing hits are the whole result.
        Otherwise the next matches up to MAX_WINDOW (the tail) follow the head, ordered by their
        own multiplied scores (no grouping, so they never climb into the head) and trimmed by
        the same floor. Beyond MAX_WINDOW the set cannot be known: nothing is trimmed, every
        match counts and has a page (the matches past the deep window follow it in engine
        order). No window depends on the page, so all pages come from one ranking.
        """
        hits, matched, lowest = head or self._rank_window(searcher, final, query, RERANK_WINDOW)
        cut = floor if floor is not None else floor_of(query.tuning, hits[0].score if hits else 0.0)
        if matched <= len(hits) or lowest * MAX_FACTOR < cut:
            return Ranking([r for r in hits if r.score >= cut], matched, cut, True)
        seen = {r.doc_id for r in hits}
        deep = searcher.search(final, limit=MAX_WINDOW)

        def tail() -> list[Ranked]:
            rest = [r for r in self._score(searcher, deep.hits, query) if r.doc_id not in seen]
            by_score(rest)
            return rest

        def untrimmed(end: int) -> list[Ranked]:
            # The deep window's tail, then the matches after it in engine order, as far as a
            # page ending at ``end`` reaches: every counted match has a page.
            more = searcher.search(final, limit=end, offset=len(deep.hits))
            return tail() + self._score(searcher, more.hits, query)

        # Engine order is best first: the deep window's last hit has its lowest engine score.
        lowest = min(lowest, float(deep.hits[-1][0])) if deep.hits else lowest
        if matched > len(deep.hits) and lowest * MAX_FACTOR >= cut:
            # More matches than the deep window may pass: untrimmed, the tail scored on demand.
            return Ranking(hits, matched, cut, False, rest=untrimmed)
        rest = tail()
        kept = [r for r in hits if r.score >= cut] + [r for r in rest if r.score >= cut]
        return Ranking(kept, matched, cut, True)

    def _rank_window(
        self, searcher: tantivy.Searcher, final: tantivy.Query, query: SearchQuery, window: int
    ) -> tuple[list[Ranked], int, float]:
        """The best ``window`` engine hits re-scored (multipliers, course grouping), best
        first; the number of matches; the lowest engine score of the window."""
        result = searcher.search(final, limit=window)
        hits = self._score(searcher, result.hits, query)
        lowest = min((r.text_score for r in hits), default=0.0)
        return order(hits), _count(result), lowest

    def _score(
        self, searcher: tantivy.Searcher, found: list[tuple[float, Any]], query: SearchQuery
    ) -> list[Ranked]:
        """Engine hits with their multipliers applied (completeness, age, program, first
        course, later part), in engine order."""
        if not found:
            return []
        addresses = [addr for _, addr in found]
        columns = {name: searcher.fast_field_values(name, addresses) for name in SIGNAL_FIELDS}
        doc_ids = searcher.fast_field_values("doc_id", addresses)
        multipliers = Multipliers.of(query.tuning, query.index, time.time())
        return [
            ranked(score, doc_ids[i], addr, {k: v[i] for k, v in columns.items()}, multipliers)
            for i, (score, addr) in enumerate(found)
        ]

    def _hit(self, searcher: tantivy.Searcher, score: float, addr: Any, query: SearchQuery) -> Hit:
        doc = searcher.doc(addr)
        raw = doc.get_first("source")
        source = dict(_parsed_source(bytes(raw))) if raw is not None else {}
        doc_id = doc.get_first("doc_id")
        return Hit(id=str(doc_id), score=score, source=source)

    def _browse_aggregations(
        self, searcher: tantivy.Searcher, query: SearchQuery, extra: list[tantivy.Query]
    ) -> dict[str, list[dict[str, Any]]]:
        """Facet counts without text depend only on the filters: cache them per index version."""
        if not query.aggregations:
            return {}
        try:
            version = (self.root / self._generation / "meta.json").stat().st_mtime_ns
        except OSError:
            version = -1
        key = (
            self._generation,
            version,
            searcher.num_docs,
            query.index,
            query.show_ocw_files,
            tuple(sorted((k, tuple(sorted(v))) for k, v in query.filters.items())),
            query.aggregations,
        )
        cached = self._agg_cache.get(key)
        if cached is None:
            cached = self._aggregate(searcher, query, [], [], True, extra)
            if len(self._agg_cache) > 512:
                self._agg_cache.clear()
            self._agg_cache[key] = cached
        return {name: list(rows) for name, rows in cached.items()}

    def _aggregate(
        self,
        searcher: tantivy.Searcher,
        query: SearchQuery,
        required: list[tantivy.Query],
        bonus: list[tantivy.Query],
        all_required: bool,
        extra: list[tantivy.Query],
        children: tantivy.Query | None = None,
    ) -> dict[str, list[dict[str, Any]]]:
        if not query.aggregations:
            return {}
        # Facets without an active filter share one request; each filtered facet gets its own
        # request that ignores its own filter (disjunctive facets).
        groups: dict[str | None, list[str]] = {}
        for name in query.aggregations:
            key = name if query.filters.get(name) else None
            groups.setdefault(key, []).append(name)
        out: dict[str, list[dict[str, Any]]] = {}
        for skip, names in groups.items():
            filters = self._filters(query, skip=skip) + extra
            agg_query = self._combine(filters, required, [], all_required, children)
            spec = {name: {"terms": {"field": f"f_{name}", "size": AGG_SIZE}} for name in names}
            result = searcher.aggregate(agg_query, spec)
            for name in names:
                buckets = result.get(name, {}).get("buckets", [])
                pairs = sorted(
                    ((str(b["key"]), int(b["doc_count"])) for b in buckets),
                    key=lambda kv: (-kv[1], kv[0]),
                )
                out[name] = [{"key": key, "doc_count": count} for key, count in pairs]
        return {name: out.get(name, []) for name in query.aggregations}

    def _with_ids(
        self, kept: tantivy.Query | None, query: SearchQuery, extra: list[tantivy.Query]
    ) -> tantivy.Query:
        """``kept`` plus the documents of ``query.also_ids`` that pass the filters."""
        ids = [int(i) for i in query.also_ids if str(i).isdigit()]
        if not ids:
            return kept if kept is not None else tantivy.Query.empty_query()
        named = tantivy.Query.boolean_query(
            [
                *((tantivy.Occur.Must, f) for f in self._filters(query) + extra),
                (tantivy.Occur.Must, tantivy.Query.term_set_query(self.schema, "doc_id", ids)),
            ]
        )
        if kept is None:
            return named
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, kept), (tantivy.Occur.Should, named)]
        )

    def _kept(self, query: SearchQuery, ranking: Ranking) -> tantivy.Query:
        """The documents a trimmed ranking kept."""
        return tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, self._term("kind", query.index)),
                (
                    tantivy.Occur.Must,
                    tantivy.Query.term_set_query(
                        self.schema, "doc_id", [r.doc_id for r in ranking.hits]
                    ),
                ),
            ]
        )

    def _ranked_aggregations(
        self,
        searcher: tantivy.Searcher,
        query: SearchQuery,
        required: list[tantivy.Query],
        extra: list[tantivy.Query],
        children: tantivy.Query | None,
        ranking: Ranking,
        facet_rankings: dict[str, Ranking],
    ) -> dict[str, list[dict[str, Any]]]:
        """Facet counts of a relevance-ranked request, over the documents its ranking kept.

        A facet with an active filter counts the kept documents (which all have one of the
        selected values) plus the documents without a selected value that its own ranking (the
        query without that filter, same floor) kept: the selected values count exactly what
        the request counts.
        """
        if ranking.trimmed:
            kept = self._kept(query, ranking)
        else:
            kept = self._combine(self._filters(query) + extra, required, [], False, children)
        names = tuple(dict.fromkeys(query.aggregations))
        spec = {name: {"terms": {"field": f"f_{name}", "size": AGG_SIZE}} for name in names}
        counts: dict[str, dict[str, int]] = {name: {} for name in names}

        def add(result: dict[str, Any], names: Iterable[str]) -> None:
            for name in names:
                for bucket in result.get(name, {}).get("buckets", []):
                    key = str(bucket["key"])
                    counts[name][key] = counts[name].get(key, 0) + int(bucket["doc_count"])

        add(searcher.aggregate(kept, spec), names)
        for name in names:
            if not query.filters.get(name):
                continue
            facet = facet_rankings.get(name)
            if facet is not None and facet.trimmed:
                others = self._kept(query, facet)
            else:
                others = self._combine(
                    self._filters(query, skip=name) + extra, required, [], False, children
                )
            without = tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Must, others),
                    (tantivy.Occur.MustNot, self._facet_filter(name, query.filters[name])),
                ]
            )
            add(searcher.aggregate(without, {name: spec[name]}), (name,))
        return {
            name: [
                {"key": key, "doc_count": count}
                for key, count in sorted(counts[name].items(), key=lambda kv: (-kv[1], kv[0]))
            ]
            for name in query.aggregations
        }
