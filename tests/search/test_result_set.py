"""One result set per relevance-ranked request (Tantivy): min_score trims the weak tail from the
count, every page and the facet counts alike, whatever ``limit`` and ``offset`` are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from search_fixtures import resource

from learn.search.backends import tantivy as engine
from learn.search.backends.tantivy import TantivyBackend
from learn.search.query import IndexDocument, SearchQuery, SearchResult, Tuning

TYPES = ("course", "video", "podcast")
FILLER = " ".join(f"filler{i}" for i in range(60))


def _corpus() -> list[IndexDocument]:
    """Three resources about thermodynamics, and six that only mention it once in a long,
    incomplete description (the weak tail min_score trims), of every resource type."""
    docs = [
        resource(1, "Thermodynamics", topics=("Thermodynamics",), resource_type="course"),
        resource(2, "Thermodynamics and Kinetics", resource_type="video"),
        resource(3, "Statistical Thermodynamics", resource_type="podcast", platform="podcast"),
    ]
    for i in range(6):
        docs.append(
            resource(
                10 + i,
                f"Survey {i}",
                description=f"{FILLER} thermodynamics {FILLER}",
                resource_type=TYPES[i % 3],
                platform="podcast" if TYPES[i % 3] == "podcast" else "ocw",
                completeness=0.0,
            )
        )
    docs.append(resource(30, "Organic Chemistry", resource_type="course"))
    return docs


@pytest.fixture
def backend(tmp_path: Path) -> TantivyBackend:
    backend = TantivyBackend(tmp_path / "search")
    backend.rebuild(_corpus())
    return backend


def _search(backend: TantivyBackend, **kwargs: Any) -> SearchResult:
    query = SearchQuery(text="thermodynamics", aggregations=("resource_type",), **kwargs)
    return backend.search(query)


def _type_sum(result: SearchResult) -> int:
    return sum(b["doc_count"] for b in result.aggregations["resource_type"])


def _paged(backend: TantivyBackend, size: int, **kwargs: Any) -> list[str]:
    ids: list[str] = []
    offset = 0
    while True:
        hits = _search(backend, limit=size, offset=offset, **kwargs).hits
        if not hits:
            return ids
        ids += [h.id for h in hits]
        offset += size


def test_count_pages_and_facets_describe_one_trimmed_set(backend: TantivyBackend) -> None:
    untrimmed = _search(backend, limit=0, tuning=Tuning(min_score=0)).total
    counts = {limit: _search(backend, limit=limit) for limit in (0, 5, 20)}
    count = counts[0].total
    assert untrimmed == 9 and count == 3  # the weak tail is trimmed
    for result in counts.values():
        assert result.total == count
        assert _type_sum(result) == count
        assert result.aggregations == counts[0].aggregations
    assert len(counts[20].hits) == count
    for size in (1, 2, 5):
        pages = _paged(backend, size)
        assert len(pages) == count and len(set(pages)) == count
    # Without trimming, everything matches and is counted alike.
    plain = _search(backend, limit=2, tuning=Tuning(min_score=0))
    assert plain.total == _type_sum(plain) == untrimmed
    assert len(_paged(backend, 4, tuning=Tuning(min_score=0))) == untrimmed


def test_a_filtered_facet_counts_its_selected_value_like_the_request(
    backend: TantivyBackend,
) -> None:
    filters = {"resource_type": ("course",)}
    for limit in (0, 5, 20):
        result = _search(backend, limit=limit, filters=filters)
        buckets = {b["key"]: b["doc_count"] for b in result.aggregations["resource_type"]}
        assert result.total == buckets["course"] == 1
        # The other types are counted as if chosen, by the same floor: their weak tail is out.
        assert buckets == {"course": 1, "video": 1, "podcast": 1}
        assert len(result.hits) == min(limit, 1)


def test_deeper_windows_give_the_same_set(
    backend: TantivyBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _search(backend, limit=20)
    # The first window holds a few matches; the rest are ranked in a deeper one.
    monkeypatch.setattr(engine, "RERANK_WINDOW", 2)
    monkeypatch.setattr(engine, "MAX_WINDOW", 50)
    for limit in (0, 1, 20):
        result = _search(backend, limit=limit)
        assert result.total == expected.total == _type_sum(result)
    # The matches after the first window follow it: pages are slices of one ranking.
    ranked = [h.id for h in _search(backend, limit=20).hits]
    assert _paged(backend, 1) == ranked
    assert sorted(ranked) == sorted(h.id for h in expected.hits)


def test_a_window_whose_tail_cannot_reach_the_floor_settles_the_set(
    backend: TantivyBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    strict = Tuning(min_score=60)
    expected = _search(backend, limit=20, tuning=strict)
    monkeypatch.setattr(engine, "RERANK_WINDOW", 4)
    monkeypatch.setattr(engine, "MAX_WINDOW", 4)
    result = _search(backend, limit=0, tuning=strict, explain=True)
    assert result.debug and result.debug["min_score"]["exact"] is True
    assert result.debug["min_score"]["matched"] == 9
    assert result.total == expected.total == _type_sum(result)


def test_too_many_matches_to_settle_count_everything(
    backend: TantivyBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "RERANK_WINDOW", 2)
    monkeypatch.setattr(engine, "MAX_WINDOW", 2)
    for limit in (0, 1, 2):
        result = _search(backend, limit=limit, explain=True)
        assert result.debug and result.debug["min_score"]["exact"] is False
        assert result.total == _type_sum(result) == 9


# ---------------------------------------------------------------- the search API


@pytest.fixture
def thermo_catalog(db: None, search_backend: TantivyBackend) -> TantivyBackend:
    from factories import build_catalog, make_course, make_resource

    from learn.catalog.models import LearningResource
    from learn.search.indexing import rebuild_index

    catalog = build_catalog()
    ref = catalog.ref
    make_course(ref, "2.40+fall_2020", "Thermodynamics", numbers=(("2.40", "6"),))
    make_resource(ref, "video", "thermo-video", "Thermodynamics and Kinetics", platform="youtube")
    weak = [
        make_course(ref, f"2.9{i}+fall_2020", f"Survey {i}", numbers=((f"2.9{i}", "6"),))
        for i in range(3)
    ]
    weak += [
        make_resource(ref, "video", f"survey-video-{i}", f"Survey video {i}", platform="youtube")
        for i in range(3)
    ]
    LearningResource.objects.filter(pk__in=[r.pk for r in weak]).update(
        description=f"{FILLER} thermodynamics {FILLER}",
        full_description="",
        completeness=0.0,
    )
    rebuild_index(search_backend)
    return search_backend


def test_the_api_counts_pages_and_facets_one_set(thermo_catalog: TantivyBackend) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    url = "/api/v1/learning_resources_search/?q=thermodynamics&aggregations=resource_type"
    untrimmed = thermo_catalog.search(
        SearchQuery(text="thermodynamics", limit=0, tuning=Tuning(min_score=0))
    ).total
    bodies = {limit: client.get(f"{url}&limit={limit}").json() for limit in (0, 5, 20)}
    count = bodies[0]["count"]
    assert 0 < count < untrimmed
    for body in bodies.values():
        assert body["count"] == count
        types = body["metadata"]["aggregations"]["resource_type"]
        assert sum(b["doc_count"] for b in types) == count
    ids: list[int] = []
    for offset in range(0, count + 4, 2):
        ids += [r["id"] for r in client.get(f"{url}&limit=2&offset={offset}").json()["results"]]
    assert len(ids) == len(set(ids)) == count
    # A filtered facet counts the selected value exactly as the request counts.
    body = client.get(f"{url}&resource_type=video&limit=1").json()
    videos = {b["key"]: b["doc_count"] for b in body["metadata"]["aggregations"]["resource_type"]}
    assert body["count"] == videos["video"]


# ---------------------------------------------------------------- floors, windows and pages


def _recent() -> str:
    return (datetime.now(UTC) - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ladder(*, program: bool = False) -> list[IndexDocument]:
    """Resources whose scores fall off one after the other: two with the word as their title
    (the second a little less complete: 99 % of the best score), eight lectures mentioning it
    once in ever longer descriptions, an archive from 1975 (its age decays its score), and
    optionally a program that mentions it weakly but is boosted above the lectures."""
    recent = _recent()

    def doc(rid: int, title: str, kind: str, **kwargs: Any) -> IndexDocument:
        platform = "ocw" if kind == "video" else "mitx"
        kwargs.setdefault("last_modified", recent)
        return resource(rid, title, resource_type=kind, platform=platform, **kwargs)

    def words(n: int) -> str:
        return " ".join(f"word{i}" for i in range(n))

    docs = [
        doc(1, "Thermodynamics", "video"),
        doc(2, "Thermodynamics", "podcast", completeness=0.99),
    ]
    for k in range(8):
        kind = ("video", "podcast")[k % 2]
        docs.append(
            doc(20 - k, f"Lecture {k}", kind, description=f"thermodynamics {words(8 * k + 4)}")
        )
    docs.append(
        doc(
            40,
            "Archive",
            "video",
            description=f"thermodynamics {words(90)}",
            last_modified="1975-01-01T00:00:00Z",
        )
    )
    if program:
        docs.append(doc(41, "Program", "program", description=f"thermodynamics {words(70)}"))
    return docs


@pytest.fixture
def ladder(tmp_path: Path) -> TantivyBackend:
    backend = TantivyBackend(tmp_path / "ladder")
    backend.rebuild(_ladder())
    return backend


@pytest.fixture
def boosted(tmp_path: Path) -> TantivyBackend:
    backend = TantivyBackend(tmp_path / "boosted")
    backend.rebuild(_ladder(program=True))
    return backend


LADDER = 11  # the resources mentioning the word


def _windows(monkeypatch: pytest.MonkeyPatch, first: int, deep: int) -> None:
    """A catalog as if large: the first ``first`` matches are re-ranked, ``deep`` are looked at."""
    monkeypatch.setattr(engine, "RERANK_WINDOW", first)
    monkeypatch.setattr(engine, "MAX_WINDOW", deep)


def _tuning(min_score: float, yearly_decay_percent: float = 0.0) -> Tuning:
    """No age decay by default: scores that do not change while a test runs."""
    return Tuning(min_score=min_score, yearly_decay_percent=yearly_decay_percent)


def _ranked(backend: TantivyBackend, **kwargs: Any) -> list[tuple[str, float]]:
    hits = _search(backend, limit=50, tuning=_tuning(0), **kwargs).hits
    return [(h.id, h.score) for h in hits]


def _passing(ranked: list[tuple[str, float]], min_score: float) -> list[str]:
    best = ranked[0][1]
    return [rid for rid, score in ranked if score >= best * min_score / 100.0]


def _set_is_consistent(backend: TantivyBackend, expected: list[str], **kwargs: Any) -> None:
    """The count, every page size's pages, the facet counts and the sorted orders agree."""
    whole = _search(backend, limit=50, **kwargs)
    assert whole.total == len(expected) == _type_sum(whole)
    assert [h.id for h in whole.hits] == expected
    for size in (1, 3, 4):
        assert _paged(backend, size, **kwargs) == expected
    # Pages at and past the end.
    last = _search(backend, offset=len(expected) - 1, limit=3, **kwargs)
    assert [h.id for h in last.hits] == expected[-1:] and last.total == len(expected)
    past = _search(backend, offset=len(expected) + 1, limit=3, **kwargs)
    assert past.hits == [] and past.total == len(expected)
    for sort in ("-views", "new"):
        ordered = _search(backend, limit=50, sort=sort, **kwargs)
        assert ordered.total == len(expected) == _type_sum(ordered)
        assert sorted(h.id for h in ordered.hits) == sorted(expected)


@pytest.mark.parametrize("first,deep", [(200, 2000), (2, 50), (5, 50), (4, LADDER)])
@pytest.mark.parametrize("min_score", [0, 5, 2, 40, 99, 100])
def test_every_floor_gives_one_set_whatever_the_windows(
    ladder: TantivyBackend,
    monkeypatch: pytest.MonkeyPatch,
    first: int,
    deep: int,
    min_score: float,
) -> None:
    ranked = _ranked(ladder)
    assert len(ranked) == LADDER
    scores = [score for _, score in ranked]
    assert scores == sorted(scores, reverse=True)
    expected = _passing(ranked, min_score)
    _windows(monkeypatch, first, deep)
    _set_is_consistent(ladder, expected, tuning=_tuning(min_score))


def test_min_score_bounds(ladder: TantivyBackend) -> None:
    def ids(min_score: float, **kwargs: Any) -> list[str]:
        return _paged(ladder, 3, tuning=_tuning(min_score, **kwargs))

    everything = ids(0)
    assert len(everything) == LADDER
    # A negative floor counts as none; one above 100 % as 100 %: only the best result (the
    # slightly less complete twin, at 99 % of its score, is out).
    assert ids(-20) == everything
    assert ids(100) == ids(150) == ids(1000) == ["1"]
    assert ids(99) == ["1", "2"]
    # A resource whose age decays its score to nothing is still a match without a floor.
    decayed = ids(0, yearly_decay_percent=5)
    assert decayed == ids(-1, yearly_decay_percent=5) and len(decayed) == LADDER
    assert decayed[-1] == "40" and "40" not in ids(1, yearly_decay_percent=5)


@pytest.mark.parametrize("first", [2, 200])
def test_a_decayed_match_counts_without_a_floor_in_the_later_window(
    ladder: TantivyBackend, monkeypatch: pytest.MonkeyPatch, first: int
) -> None:
    _windows(monkeypatch, first, 50)
    tuning = _tuning(0, yearly_decay_percent=5)
    result = _search(ladder, limit=50, tuning=tuning, explain=True)
    assert [h.id for h in result.hits][-1] == "40" and result.hits[-1].score == 0.0
    _set_is_consistent(ladder, [h.id for h in result.hits], tuning=tuning)


def test_explain_reports_the_floor(ladder: TantivyBackend) -> None:
    def floor(text: str, min_score: float) -> float:
        query = SearchQuery(text=text, limit=1, explain=True, tuning=_tuning(min_score))
        debug = ladder.search(query).debug
        assert debug is not None
        return float(debug["min_score"]["floor"])

    best = _ranked(ladder)[0][1]
    assert floor("thermodynamics", 50) == pytest.approx(best * 0.5)
    assert floor("thermodynamics", -20) == floor("thermodynamics", 0) == 0.0
    assert floor("thermodynamics", 250) == pytest.approx(best)
    assert floor("zymurgy", 50) == 0.0  # no match: no floor


def test_a_boosted_match_past_the_first_window_passes_the_floor(
    boosted: TantivyBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    ranked = _ranked(boosted)
    # The program matches more weakly than every lecture, but its boost puts it above them.
    assert [rid for rid, _ in ranked][:3] == ["1", "2", "41"]
    # A floor just under the program: the two best and the program pass, no lecture does.
    min_score = 100.0 * ranked[2][1] * 0.95 / ranked[0][1]
    expected = _passing(ranked, min_score)
    assert expected == ["1", "2", "41"]
    _windows(monkeypatch, 4, 50)
    _set_is_consistent(boosted, expected, tuning=_tuning(min_score))


@pytest.mark.parametrize("min_score,trimmed", [(50, True), (20, True), (2, False), (0, False)])
def test_a_catalog_beyond_the_deep_window(
    ladder: TantivyBackend, monkeypatch: pytest.MonkeyPatch, min_score: float, trimmed: bool
) -> None:
    """More matches than the deep window holds. When the window ends on matches too weak to
    pass the floor even with every boost (20 % or 50 % of the best score), the set is exact:
    the two best. When they might pass it (2 %, or no floor), nothing is trimmed: every match
    is counted and reachable by paging."""
    ranked = _ranked(ladder)
    expected = _passing(ranked, min_score) if trimmed else [rid for rid, _ in ranked]
    count = len(expected)
    assert count == (2 if trimmed else LADDER)
    for first, deep in ((1, 3), (2, 3), (2, 4)):
        _windows(monkeypatch, first, deep)
        tuning = _tuning(min_score)
        result = _search(ladder, limit=0, tuning=tuning)
        assert result.total == _type_sum(result) == count
        pages = _paged(ladder, 2, tuning=tuning)
        assert len(pages) == len(set(pages)) == count
        assert sorted(pages) == sorted(expected)
        ordered = _search(ladder, limit=50, sort="-views", tuning=tuning)
        assert ordered.total == count and sorted(h.id for h in ordered.hits) == sorted(pages)
