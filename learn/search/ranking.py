"""The relevance policy both engines share, computed from plain per-hit values (no engine here).

An engine finds the matches and their text scores (BM25 over boosted fields, bonuses); this
module re-scores and orders its best hits the same way whichever engine found them:

- the multipliers (MIT Learn's completeness and yearly age decay, the program boost, "Introduction
  to…" titles, first-course numbers, ×SEQUEL_FACTOR for a later part such as "… II"), from the
  values ``SIGNAL_FIELDS`` names (``Multipliers``);
- course grouping (``group_courses``): every run of a course scores at least RUN_GROUP_FLOOR of
  its best run, and of same-title twins under different numbers the entry-level one leads;
- the order of a re-ranked window (``order``: best first, ties by document id);
- the result set of a ranked request (``Ranking``: its pages, count and min_score trimming);
- the content-file blend (``content_file_scores``: MIT Learn's ``has_child``).

Tantivy reads the values from fast fields (``backends/tantivy.py``); OpenSearch applies the
multipliers in its Painless script with ``Multipliers.script_params`` and reads the grouping
values from the ``_source`` of its window (``backends/opensearch.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from learn.search.query import IndexName, Tuning

# Relevance ranking re-ranks the best RERANK_WINDOW engine hits; the matches after them, up to
# MAX_WINDOW, follow when the min_score floor may reach them.
RERANK_WINDOW = 200
MAX_WINDOW = 2000
# Content files considered for the content_file_score_weight blend (their parents' scores).
CHILD_WINDOW = 500
PROGRAM_BOOST = 3.0
INTRO_BOOST = 1.15
FOUNDATION_BOOST = 1.15
# The largest product of multipliers a document can get (completeness, age and later-part factors
# are at most 1): a hit whose engine score times this is below the floor cannot pass it.
MAX_FACTOR = PROGRAM_BOOST * INTRO_BOOST * FOUNDATION_BOOST
RUN_GROUP_FLOOR = 0.9
SEQUEL_FACTOR = 0.85
TWIN_CAP = 0.99

# The per-document numbers the policy reads (``documents.index_fields(...).numbers``), and the
# subset course grouping needs.
MULTIPLIER_FIELDS = (
    "completeness",
    "age_ts",
    "is_program",
    "is_intro",
    "is_foundation",
    "is_sequel",
)
GROUP_FIELDS = ("course_group", "title_group", "is_foundation")
SIGNAL_FIELDS = tuple(dict.fromkeys(MULTIPLIER_FIELDS + GROUP_FIELDS))


@dataclass
class Ranked:
    """One hit being re-ranked: its score and the course signals grouping uses."""

    score: float
    doc_id: int
    addr: Any
    group: float = 0.0  # course_group: runs of one course number
    title: float = 0.0  # title_group: courses with the same title
    foundation: bool = False
    text_score: float = 0.0  # the engine's score, before the multipliers
    factor: float = 1.0  # the product of the multipliers


@dataclass
class Ranking:
    """A relevance-ranked request: the re-scored hits, best first, and how many matched.

    ``exact``: ``hits`` holds every document passing the min_score ``floor`` (the rest of the
    matches cannot reach it), so the result set is ``hits`` whatever the page. Otherwise (more
    than MAX_WINDOW matches may pass) nothing is trimmed and the set is every match.
    """

    hits: list[Ranked]
    matched: int
    floor: float
    exact: bool
    # Untrimmed rankings score the matches after ``hits`` only when a page reaches them:
    # ``rest(end)`` holds at least the first ``end`` of them (all when fewer are left).
    rest: Callable[[int], list[Ranked]] | None = field(default=None, repr=False)

    def page(self, offset: int, limit: int) -> list[Ranked]:
        hits = self.hits
        if self.rest is not None and offset + limit > len(hits):
            hits = hits + self.rest(offset + limit)
        return hits[offset : offset + limit]

    @property
    def trimmed(self) -> bool:
        return self.exact and len(self.hits) < self.matched

    @property
    def count(self) -> int:
        return len(self.hits) if self.exact else self.matched


@dataclass(frozen=True)
class Multipliers:
    """The multipliers of one request's tuning at one moment (``now``, seconds)."""

    incompleteness: float  # the largest completeness penalty, 0..1
    scale_days: float | None  # age decay: a document this many days old scores 0; None: no decay
    now: float
    completeness: bool = True  # content files have no completeness

    @classmethod
    def of(cls, tuning: Tuning, index: IndexName, now: float) -> Multipliers:
        decay = 1.0 - tuning.yearly_decay_percent / 100.0
        return cls(
            incompleteness=max(0.0, min(1.0, tuning.max_incompleteness_penalty / 100.0)),
            scale_days=365.0 / (1.0 - decay) if decay < 1.0 else None,
            now=now,
            completeness=index == "resource",
        )

    def factor(self, values: Mapping[str, Any]) -> float:
        """The product of the multipliers of one document's ``MULTIPLIER_FIELDS`` values."""
        p = self.incompleteness
        factor = (_number(values, "completeness") * p + (1.0 - p)) if self.completeness else 1.0
        age = values.get("age_ts")
        if self.scale_days and age is not None and age >= 0:
            days = abs(self.now - float(age)) / 86400.0
            factor *= max(0.0, (self.scale_days - days) / self.scale_days)
        if _number(values, "is_program"):
            factor *= PROGRAM_BOOST
        if _number(values, "is_intro"):
            factor *= INTRO_BOOST
        if _number(values, "is_foundation"):
            factor *= FOUNDATION_BOOST
        if _number(values, "is_sequel"):
            factor *= SEQUEL_FACTOR
        return factor

    def script_params(self, tuning: Tuning) -> dict[str, float]:
        """The same multipliers as parameters of an engine-side script (OpenSearch's Painless
        ``RANK_SCRIPT``: ``scale`` 0 means no decay)."""
        return {
            "p": tuning.max_incompleteness_penalty / 100.0,
            "scale": self.scale_days or 0.0,
            "now": self.now,
            "program_boost": PROGRAM_BOOST,
            "intro_boost": INTRO_BOOST,
            "foundation_boost": FOUNDATION_BOOST,
            "sequel_factor": SEQUEL_FACTOR,
        }


def _number(values: Mapping[str, Any], name: str) -> float:
    return float(values.get(name) or 0.0)


def ranked(
    score: float,
    doc_id: Any,
    addr: Any,
    values: Mapping[str, Any],
    multipliers: Multipliers | None,
) -> Ranked:
    """One engine hit re-scored: ``score`` times its multipliers (``multipliers`` None: the
    engine applied them already, ``score`` is final), with the values grouping reads."""
    factor = multipliers.factor(values) if multipliers is not None else 1.0
    return Ranked(
        score=float(score) * factor,
        doc_id=int(doc_id or 0),
        addr=addr,
        group=_number(values, "course_group"),
        title=_number(values, "title_group"),
        foundation=bool(_number(values, "is_foundation")),
        text_score=float(score),
        factor=factor,
    )


def group_courses(hits: list[Ranked]) -> None:
    """Course-level adjustments of the scores, in place.

    Every run of a course answers the same need: a run scores at least RUN_GROUP_FLOOR of its
    course's best run (a run whose instructor or wording differs is not buried). Courses with the
    same title under different numbers (an undergraduate and a graduate version, cross-listings)
    are near duplicates: the entry-level one (a first-course number, else the best scoring)
    takes the best score of them all; the others keep theirs, below it (at most TWIN_CAP of it).
    """
    best: dict[float, float] = {}
    for hit in hits:
        if hit.group and hit.score > best.get(hit.group, 0.0):
            best[hit.group] = hit.score
    for hit in hits:
        if hit.group:
            hit.score = max(hit.score, best[hit.group] * RUN_GROUP_FLOOR)
    twins: dict[float, dict[float, tuple[bool, float]]] = {}
    for hit in hits:
        if hit.title and hit.group:
            courses = twins.setdefault(hit.title, {})
            found, score = courses.get(hit.group, (False, 0.0))
            courses[hit.group] = (found or hit.foundation, max(score, hit.score))
    leads: dict[float, tuple[float, float, float]] = {}
    for title, courses in twins.items():
        if len(courses) < 2:
            continue
        lead = max(courses, key=lambda g: (courses[g][0], courses[g][1], g))
        top = max(score for _, score in courses.values())
        leads[title] = (lead, courses[lead][1], top)
    for hit in hits:
        if hit.title not in leads:
            continue
        lead, lead_best, top = leads[hit.title]
        if hit.group == lead:
            hit.score *= top / lead_best if lead_best > 0 else 1.0
        else:
            hit.score = min(hit.score, top * TWIN_CAP)


def by_score(hits: list[Ranked]) -> None:
    """Best first; equal scores by document id (the same order on every engine)."""
    hits.sort(key=lambda r: (-r.score, r.doc_id))


def order(hits: list[Ranked]) -> list[Ranked]:
    """A re-ranked window: course grouping, then best first."""
    group_courses(hits)
    by_score(hits)
    return hits


def floor_of(tuning: Tuning, best: float) -> float:
    """The min_score floor: ``tuning.min_score`` percent of the best re-scored hit's score."""
    share = min(max(tuning.min_score, 0.0), 100.0) / 100.0
    return best * share


def content_file_scores(found: Iterable[tuple[Any, float]], weight: float) -> dict[int, float]:
    """MIT Learn's ``has_child`` blend: each resource with matching content files (``found``:
    (parent resource id, file score) of the best CHILD_WINDOW files) scores the average of its
    files' scores times ``weight``."""
    totals: dict[int, list[float]] = {}
    for parent, score in found:
        if parent:
            totals.setdefault(int(parent), []).append(float(score))
    return {rid: weight * sum(v) / len(v) for rid, v in totals.items()}
