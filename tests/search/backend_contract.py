"""The contract every search backend passes (Wagtail's pattern): subclasses only say how to build
the backend, through a ``backend`` fixture that returns an empty, ready backend, and how writes
become visible (``settle``: OpenSearch shows ``index``/``delete`` writes to searches only after a
refresh; ``rebuild`` must make its documents visible by itself)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from search_fixtures import content_file, corpus, resource, twins_corpus

from learn.search.backends.base import SearchBackend
from learn.search.query import SearchQuery, Tuning

NASTY_QUERIES = [
    "title:(",
    '"unbalanced quote',
    'linear "algebra',
    "AND OR NOT",
    "*",
    "~",
    "\\",
    "\\\\ \\",
    "x" * 10_000,
    "linear\x00algebra\x07",
    "algorithms 😀🚀",
    "(((",
    '+-&&||!(){}[]^"~*?:\\/',
    "6.006)",
    "' OR 1=1 --",
]


class BackendContract:
    def settle(self, backend: SearchBackend) -> None:
        """Make ``index``/``delete`` writes visible to searches (an engine that shows them at once
        needs nothing)."""

    @pytest.fixture
    def loaded(self, backend: SearchBackend) -> SearchBackend:
        backend.rebuild(corpus())
        return backend

    @staticmethod
    def ids(backend: SearchBackend, **kwargs: Any) -> list[int]:
        limit = kwargs.pop("limit", 20)
        result = backend.search(SearchQuery(limit=limit, **kwargs))
        return [int(h.source["id"]) for h in result.hits]

    # ------------------------------------------------------------ documents

    def test_hits_carry_the_stored_document(self, loaded: SearchBackend) -> None:
        result = loaded.search(SearchQuery(text="linear algebra", limit=5))
        hit = result.hits[0]
        assert hit.source["title"] == "Linear Algebra"
        assert hit.source["runs"][0]["instructors"][0]["full_name"] == "Gilbert Strang"

    def test_index_replaces_and_delete_removes(self, loaded: SearchBackend) -> None:
        loaded.index([resource(4, "Linear Algebra Renamed", numbers=("18.06",))])
        self.settle(loaded)
        result = loaded.search(SearchQuery(text="renamed"))
        assert [h.source["id"] for h in result.hits] == [4]
        assert loaded.search(SearchQuery(filters={"id": ("4",)})).total == 1
        loaded.delete("resource", ["4", "999"])
        self.settle(loaded)
        assert loaded.search(SearchQuery(filters={"id": ("4",)})).total == 0

    def test_status_counts_documents(self, loaded: SearchBackend) -> None:
        status = loaded.status()
        assert status.available
        assert status.counts["resource"] == len(corpus())

    def test_rebuild_replaces_everything(self, loaded: SearchBackend) -> None:
        loaded.rebuild([resource(99, "Only One")])
        assert loaded.search(SearchQuery()).total == 1

    def test_searches_answer_during_a_rebuild(self, loaded: SearchBackend) -> None:
        seen: list[int] = []

        def documents() -> Any:
            for i, doc in enumerate(corpus()):
                if i == 3:  # mid-rebuild, the old index still answers
                    seen.append(loaded.search(SearchQuery(text="linear algebra")).total)
                yield doc

        loaded.rebuild(documents())
        assert seen == [2]

    # ------------------------------------------------------------ course numbers

    def test_course_number_finds_every_run_first(self, loaded: SearchBackend) -> None:
        assert set(self.ids(loaded, text="6.006")[:2]) == {1, 2}

    def test_course_number_with_letter_suffix(self, loaded: SearchBackend) -> None:
        assert self.ids(loaded, text="18.06SC")[0] == 5
        assert self.ids(loaded, text="6.046")[0] == 3  # 6.046J
        assert self.ids(loaded, text="18.410")[0] == 3  # cross-listed number

    def test_course_number_is_not_a_prefix(self, loaded: SearchBackend) -> None:
        assert self.ids(loaded, text="6.0001")[0] == 6
        assert 6 not in self.ids(loaded, text="6.00")

    def test_course_number_plus_words(self, loaded: SearchBackend) -> None:
        assert set(self.ids(loaded, text="18.06 linear algebra")[:2]) == {4, 5}

    # ------------------------------------------------------------ text matching

    def test_title_outranks_description(self, loaded: SearchBackend) -> None:
        # No min_score: the description-only match is weak next to "Introduction to Algorithms"
        # (the query is the subject it introduces), and only its rank is under test here.
        ranked = self.ids(loaded, text="algorithms", tuning=Tuning(min_score=0.0))
        assert ranked.index(13) > max(ranked.index(1), ranked.index(3))

    def test_instructor_names(self, loaded: SearchBackend) -> None:
        assert set(self.ids(loaded, text="Erik Demaine")) == {1, 2}

    def test_typos_are_tolerated(self, loaded: SearchBackend) -> None:
        assert self.ids(loaded, text="neurosience")[0] == 7
        assert self.ids(loaded, text="crytography")[0] == 8
        assert self.ids(loaded, text="algoritms")[0] in (1, 2, 3)

    def test_short_words_need_exact_spelling(self, loaded: SearchBackend) -> None:
        assert 9 not in self.ids(loaded, text="aj")

    def test_last_word_matches_as_prefix(self, loaded: SearchBackend) -> None:
        assert set(self.ids(loaded, text="introduction to algo")[:2]) == {1, 2}

    def test_quoted_phrase_requires_adjacent_words(self, loaded: SearchBackend) -> None:
        assert set(self.ids(loaded, text='"linear algebra"')) == {4, 5}
        assert self.ids(loaded, text='"algebra linear"') == []

    def test_synonyms(self, loaded: SearchBackend) -> None:
        assert self.ids(loaded, text="ai")[0] == 9
        assert self.ids(loaded, text="econ")[0] == 11
        assert self.ids(loaded, text="scm")[0] == 10

    def test_stemming_and_stop_words(self, loaded: SearchBackend) -> None:
        assert self.ids(loaded, text="the analyses of algorithm")[0] == 3

    @pytest.mark.parametrize("text", NASTY_QUERIES)
    def test_syntax_characters_are_searched_as_text(self, loaded: SearchBackend, text: str) -> None:
        # Query syntax has no meaning here: the answer is the one for the words alone (a query
        # of syntax characters only is an empty query), count, hits and facets alike.
        words = re.sub(r'[+\-&|!(){}\[\]^"~*?:\\/\x00-\x1f]', " ", text)
        result = loaded.search(SearchQuery(text=text, aggregations=("topic",), limit=50))
        plain = loaded.search(SearchQuery(text=words, aggregations=("topic",), limit=50))
        assert [h.source["id"] for h in result.hits] == [h.source["id"] for h in plain.hits]
        assert (result.total, result.aggregations) == (plain.total, plain.aggregations)
        assert result.total == len(result.hits)

    def test_syntax_characters_neither_match_everything_nor_hide_the_words(
        self, loaded: SearchBackend
    ) -> None:
        everything = loaded.search(SearchQuery()).total
        assert self.ids(loaded, text='linear "algebra') == self.ids(loaded, text="linear algebra")
        assert set(self.ids(loaded, text="linear\x00algebra\x07")) == {4, 5}
        assert self.ids(loaded, text="6.006)") == self.ids(loaded, text="6.006") != []
        assert 0 < loaded.search(SearchQuery(text="algorithms 😀🚀")).total < everything
        assert loaded.search(SearchQuery(text="' OR 1=1 --")).total < everything
        assert loaded.search(SearchQuery(text="x" * 10_000)).total == 0

    def test_did_you_mean_when_nothing_matches(self, loaded: SearchBackend) -> None:
        result = loaded.search(
            SearchQuery(text="neurosience", filters={"resource_type": ("program",)})
        )
        assert result.total == 0
        assert result.suggest == ["neuroscience"]

    # ------------------------------------------------------------ ranking signals

    def test_stale_and_incomplete_rank_lower(self, backend: SearchBackend) -> None:
        backend.rebuild(
            [
                resource(1, "Thermodynamics", year=2000),
                resource(2, "Thermodynamics", year=2023),
                resource(3, "Thermodynamics", year=2023, completeness=0.2),
            ]
        )
        ranked = self.ids(backend, text="thermodynamics")
        assert ranked[0] == 2 and set(ranked[1:]) == {1, 3}
        flat = Tuning(yearly_decay_percent=0, max_incompleteness_penalty=0)
        result = backend.search(SearchQuery(text="thermodynamics", tuning=flat))
        assert len({round(h.score, 6) for h in result.hits}) == 1

    def test_course_grouping_orders_twins_runs_and_parts(self, backend: SearchBackend) -> None:
        # The shared ranking policy (learn.search.ranking) orders the engine's hits alike on
        # every engine: of the course under two numbers the first course (3.012) leads, the
        # complete graduate version (3.205, the best text-and-multiplier score) just after it;
        # the incomplete second run of 3.012 stays with its course; a second part follows the
        # first.
        backend.rebuild(twins_corpus())
        loose = Tuning(min_score=0)
        assert self.ids(backend, text="materials", tuning=loose) == [1, 2, 3, 6, 7, 4, 5]
        for offset, expected in ((0, [1, 2, 3]), (3, [6, 7, 4]), (6, [5])):
            page = backend.search(
                SearchQuery(text="materials", tuning=loose, offset=offset, limit=3)
            )
            assert [int(h.id) for h in page.hits] == expected and page.total == 7
        # The min_score floor applies to the grouped scores: the weak run is kept with its
        # course, in the count and the facet counts alike.
        strict = backend.search(
            SearchQuery(text="materials", tuning=Tuning(min_score=30), aggregations=("level",))
        )
        assert [int(h.id) for h in strict.hits] == [1, 2, 3] and strict.total == 3
        levels = {b["key"]: b["doc_count"] for b in strict.aggregations["level"]}
        assert levels == {"undergraduate": 2, "graduate": 1}
        # Sorted by a field, the same set.
        by_id = backend.search(
            SearchQuery(
                text="materials", tuning=Tuning(min_score=30), sort="-id", aggregations=("level",)
            )
        )
        assert [int(h.id) for h in by_id.hits] == [3, 2, 1]
        assert (by_id.total, by_id.aggregations) == (strict.total, strict.aggregations)

    def test_browse_puts_featured_first_and_materials_last(self, loaded: SearchBackend) -> None:
        ranked = self.ids(loaded, show_ocw_files=True)
        assert ranked[0] == 15
        materials = {12, 14}
        assert set(ranked[-2:]) == materials

    def test_ocw_files_hidden_by_default(self, loaded: SearchBackend) -> None:
        assert 14 not in self.ids(loaded)
        assert 14 in self.ids(loaded, show_ocw_files=True)

    # ------------------------------------------------------------ filters and facets

    def test_filters_or_within_and_across(self, loaded: SearchBackend) -> None:
        both = self.ids(loaded, filters={"resource_type": ("program", "video")})
        assert set(both) == {10, 12}
        assert self.ids(
            loaded, filters={"resource_type": ("program", "video"), "free": ("false",)}
        ) == [10]

    def test_filters_are_case_insensitive(self, loaded: SearchBackend) -> None:
        assert set(self.ids(loaded, filters={"topic": ("mathematics",)})) == {4, 5, 13, 15}

    def test_instructor_filter_and_facet(self, loaded: SearchBackend) -> None:
        strang = set(self.ids(loaded, filters={"instructor": ("gilbert strang",)}))
        assert strang == {4, 5}
        assert set(
            self.ids(loaded, filters={"instructor": ("Gilbert Strang", "Erik Demaine")})
        ) == {
            1,
            2,
            4,
            5,
        }
        result = loaded.search(
            SearchQuery(
                filters={"instructor": ("Gilbert Strang",), "resource_type": ("course",)},
                aggregations=("instructor", "resource_type"),
            )
        )
        instructors = {b["key"]: b["doc_count"] for b in result.aggregations["instructor"]}
        assert instructors == {"Erik Demaine": 2, "Gilbert Strang": 2}  # own filter ignored
        types = {b["key"]: b["doc_count"] for b in result.aggregations["resource_type"]}
        assert types == {"course": 2}

    def test_disjunctive_facets(self, loaded: SearchBackend) -> None:
        query = SearchQuery(
            filters={"resource_type": ("program",)},
            aggregations=("resource_type", "free", "topic"),
        )
        result = loaded.search(query)
        assert result.total == 1
        types = {b["key"]: b["doc_count"] for b in result.aggregations["resource_type"]}
        assert types["program"] == 1 and types["course"] == 12  # ignores its own filter
        assert {b["key"] for b in result.aggregations["free"]} == {"false"}
        assert result.aggregations["topic"] == [{"key": "Business", "doc_count": 1}]

    def test_facet_counts_follow_index_changes(self, loaded: SearchBackend) -> None:
        query = SearchQuery(aggregations=("resource_type",), filters={"free": ("false",)})
        before = {
            b["key"]: b["doc_count"] for b in loaded.search(query).aggregations["resource_type"]
        }
        loaded.index(
            [resource(77, "Paid Program", resource_type="program", platform="xpro", free=False)]
        )
        self.settle(loaded)
        after = {
            b["key"]: b["doc_count"] for b in loaded.search(query).aggregations["resource_type"]
        }
        assert after["program"] == before["program"] + 1
        loaded.index(
            [resource(77, "Paid Program", resource_type="program", platform="xpro", free=True)]
        )
        self.settle(loaded)
        again = {
            b["key"]: b["doc_count"] for b in loaded.search(query).aggregations["resource_type"]
        }
        assert again == before

    def test_aggregations_follow_the_text(self, loaded: SearchBackend) -> None:
        result = loaded.search(SearchQuery(text="linear algebra", aggregations=("department",)))
        assert result.aggregations["department"] == [{"key": "18", "doc_count": 2}]

    # ------------------------------------------------------------ sorts and paging

    @pytest.mark.parametrize(
        ("sort", "expected_first"),
        [
            ("id", 1),
            ("-id", 15),
            ("-views", 6),
            ("views", None),
            ("readable_id", 1),
            ("-readable_id", 15),
            ("mitcoursenumber", None),
            ("upcoming", 10),
            ("-start_date", 10),
            ("new", None),
            ("-last_modified", 12),
            ("featured", 15),
        ],
    )
    def test_every_sort(self, loaded: SearchBackend, sort: str, expected_first: int | None) -> None:
        ranked = self.ids(loaded, sort=sort, show_ocw_files=True)
        assert len(ranked) == len(corpus())
        if expected_first is not None:
            assert ranked[0] == expected_first
        if sort in ("id", "-id"):
            assert ranked == sorted(ranked, reverse=sort.startswith("-"))

    def test_sort_with_text_orders_the_relevance_set(self, loaded: SearchBackend) -> None:
        # Every sort orders the set the relevance order ranks: same members, same count.
        text = "algorithms introduction"
        ranked = loaded.search(SearchQuery(text=text, limit=50))
        ordered = loaded.search(SearchQuery(text=text, sort="-id", limit=50))
        ids = [h.source["id"] for h in ordered.hits]
        assert ids == sorted((h.source["id"] for h in ranked.hits), reverse=True)
        assert ordered.total == ranked.total and {1, 2} <= set(ids)

    def test_paging(self, loaded: SearchBackend) -> None:
        full = self.ids(loaded, text="algorithms", limit=20)
        page = loaded.search(SearchQuery(text="algorithms", offset=1, limit=2))
        assert [h.source["id"] for h in page.hits] == full[1:3]
        assert page.total == len(full)
        assert loaded.search(SearchQuery(limit=0, aggregations=("topic",))).hits == []

    def test_min_score_trims_the_tail(self, loaded: SearchBackend) -> None:
        loose = replace(Tuning(), min_score=0)
        strict = replace(Tuning(), min_score=50)
        assert len(self.ids(loaded, text="algorithms", tuning=strict)) < len(
            self.ids(loaded, text="algorithms", tuning=loose)
        )

    # ------------------------------------------------------------ content files

    def test_content_files_are_a_separate_index(self, loaded: SearchBackend) -> None:
        loaded.index(
            [
                content_file(501, "Lecture 3 notes", "eigenvalues and eigenvectors", 4),
                content_file(502, "Lecture 4 notes", "determinants", 5),
            ]
        )
        self.settle(loaded)
        files = loaded.search(SearchQuery(index="content_file", text="eigenvalues"))
        assert [h.source["id"] for h in files.hits] == [501]
        # Weighted (1 by default), a resource matches through its content files (MIT Learn's
        # has_child); weighted 0, its content files do not make it match.
        assert [h.source["id"] for h in loaded.search(SearchQuery(text="eigenvalues")).hits] == [4]
        no_files = replace(Tuning(), content_file_score_weight=0.0)
        assert loaded.search(SearchQuery(text="eigenvalues", tuning=no_files)).total == 0
        by_resource = loaded.search(
            SearchQuery(
                index="content_file",
                filters={"resource_id": ("5",)},
                aggregations=("content_feature_type",),
            )
        )
        assert [h.source["id"] for h in by_resource.hits] == [502]
        assert by_resource.aggregations["content_feature_type"][0]["key"] == "Lecture Notes"
        loaded.delete_content_files_of([4])
        self.settle(loaded)
        assert loaded.search(SearchQuery(index="content_file")).total == 1
