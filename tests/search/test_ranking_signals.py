"""Course-level ranking signals: every run of a course ranks together; first courses come first."""

from __future__ import annotations

from pathlib import Path

import pytest
from search_fixtures import resource

from learn.search.backends.tantivy import TantivyBackend
from learn.search.documents import (
    course_group,
    intro_subjects,
    is_foundation_number,
    is_sequel_title,
    title_group,
)
from learn.search.query import SearchQuery
from learn.search.ranking import RUN_GROUP_FLOOR, TWIN_CAP, Ranked, group_courses

FILLER = "A survey of methods and case studies with weekly problem sets and a final project. "


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("6.006", True),
        ("7.03", True),
        ("18.06SC", True),
        ("21L.011", True),
        ("6.0001", True),
        ("6.851", False),
        ("15.810", False),
        ("CMS.100", False),
        ("6.S096", False),
        ("", False),
        ("not a number", False),
    ],
)
def test_foundation_numbers(number: str, expected: bool) -> None:
    assert is_foundation_number(number) is expected


def test_runs_of_one_course_share_a_group() -> None:
    assert course_group("3.091") == course_group("3.091SC") != 0.0
    assert course_group("3.091") != course_group("3.093")
    assert course_group("") == 0.0


def _titles(backend: TantivyBackend, text: str) -> list[str]:
    return [h.source["title"] for h in backend.search(SearchQuery(text=text)).hits]


def test_a_weakly_matching_run_ranks_with_its_course(tmp_path: Path) -> None:
    backend = TantivyBackend(tmp_path)
    backend.rebuild(
        [
            resource(1, "Solid State Chemistry", numbers=("3.091",), instructors=("Ann Sadoway",)),
            # Another run of 3.091: the name appears once, deep in a long description.
            resource(
                2,
                "Solid State Chemistry Run Two",
                numbers=("3.091SC",),
                description=FILLER * 6 + "Video lectures by Sadoway.",
            ),
            # An unrelated course whose description matches a little better than run two's.
            resource(
                3,
                "Electrochemical Processing",
                numbers=("3.53",),
                description=FILLER * 4 + "Guest lecture by Sadoway.",
            ),
        ]
    )
    assert _titles(backend, "Sadoway") == [
        "Solid State Chemistry",
        "Solid State Chemistry Run Two",
        "Electrochemical Processing",
    ]


def test_a_first_course_outranks_an_advanced_one_on_equal_text(tmp_path: Path) -> None:
    backend = TantivyBackend(tmp_path)
    text = "Design of digital circuits."
    backend.rebuild(
        [
            resource(1, "Digital Circuits", numbers=("6.801",), description=text),
            resource(2, "Digital Circuits", numbers=("6.004",), description=text),
        ]
    )
    hits = backend.search(SearchQuery(text="digital circuits")).hits
    assert [h.id for h in hits] == ["2", "1"]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Organic Chemistry II", True),
        ("Physics II: Electricity and Magnetism", True),
        ("Macroeconomic Theory III", True),
        ("Introduction to Programming in Python (Part II)", True),
        ("Organic Chemistry I", False),
        ("Physics I: Classical Mechanics", False),
        ("Unified Engineering I, II, III, & IV", False),  # every part, the first included
        ("Studies in Poetry", False),
        ("World War II and Its Aftermath", False),
    ],
)
def test_sequel_titles(title: str, expected: bool) -> None:
    assert is_sequel_title(title) is expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Introduction to Urban Design and Development",
            ["Urban Design and Development", "Urban Design"],
        ),
        ("Principles of Macroeconomics", ["Macroeconomics"]),
        ("Introductory Quantum Mechanics I", ["Quantum Mechanics I"]),
        ("Introduction to the Theory of Computation", ["Theory of Computation"]),
        # A branch of a subject introduces the branch, not the subject.
        ("Introduction to Philosophy of Language", ["Philosophy of Language"]),
        ("Introduction to C++: Memory Management", ["C++: Memory Management", "C++"]),
        ("Urban Design", []),
        ("Introduction", []),
    ],
)
def test_intro_subjects(title: str, expected: list[str]) -> None:
    assert intro_subjects(title) == expected


def test_same_titles_share_a_group() -> None:
    assert title_group("Linear Algebra") == title_group("linear  algebra!") != 0.0
    assert title_group("Linear Algebra") != title_group("Linear Algebra II")
    assert title_group("") == 0.0


def test_runs_are_floored_and_the_entry_level_twin_leads() -> None:
    graduate, undergraduate, other = 1.0, 2.0, 3.0
    same_title = 7.0
    hits = [
        Ranked(score=50.0, doc_id=1, addr=None, group=graduate, title=same_title),
        Ranked(
            score=40.0, doc_id=2, addr=None, group=undergraduate, title=same_title, foundation=True
        ),
        Ranked(
            score=10.0, doc_id=3, addr=None, group=undergraduate, title=same_title, foundation=True
        ),
        Ranked(score=45.0, doc_id=4, addr=None, group=other, title=8.0),
    ]
    group_courses(hits)
    scores = {h.doc_id: h.score for h in hits}
    # The undergraduate course takes the best score of the two; its weak run follows it.
    assert scores[2] == pytest.approx(50.0)
    assert scores[3] == pytest.approx(40.0 * RUN_GROUP_FLOOR * 50.0 / 40.0)
    # The graduate twin keeps its place just below, ahead of other courses.
    assert scores[1] == pytest.approx(50.0 * TWIN_CAP)
    assert scores[1] > scores[4] == 45.0


def test_twins_of_the_same_level_keep_their_own_scores() -> None:
    hits = [
        Ranked(score=41.0, doc_id=1, addr=None, group=1.0, title=5.0),
        Ranked(score=40.0, doc_id=2, addr=None, group=2.0, title=5.0),
    ]
    group_courses(hits)
    assert [h.score for h in hits] == [41.0, 40.0]


def test_an_introduction_to_the_subject_leads_a_subject_query(tmp_path: Path) -> None:
    backend = TantivyBackend(tmp_path)
    city = "How cities are designed: urban design projects, urban form and development. "
    backend.rebuild(
        [
            resource(1, "Urban Design", numbers=("11.332J",), description=city * 2, year=2003),
            resource(
                2,
                "Introduction to Urban Design and Development",
                numbers=("11.001J",),
                description=city,
                year=2006,
            ),
            resource(
                3,
                "Introduction to Urban Design and Development",
                numbers=("11.301J",),
                description=city * 3,
                year=2016,
            ),
            resource(4, "Urban Design Politics", numbers=("11.302J",), description=city),
            resource(5, "Introduction to Philosophy of Language", numbers=("24.251",)),
            resource(6, "Problems of Philosophy", numbers=("24.00",)),
            # Unrelated courses, so that words are as rare as in a real catalog.
            *[
                resource(100 + i, f"Seminar {i}", numbers=(f"2.{100 + i}",), description=FILLER)
                for i in range(40)
            ],
        ]
    )
    titles = _titles(backend, "urban design")
    assert titles[0] == "Introduction to Urban Design and Development"
    ids = [h.id for h in backend.search(SearchQuery(text="urban design")).hits]
    # The undergraduate twin leads; its graduate twin stays on the first page.
    assert ids[0] == "2" and "3" in ids[:3]
    # "Introduction to Philosophy of Language" introduces a branch, not the subject.
    assert _titles(backend, "philosophy")[0] == "Problems of Philosophy"
    # A typo still finds the introduction.
    assert [h.id for h in backend.search(SearchQuery(text="urbn design")).hits][0] == "2"


def test_a_first_part_outranks_its_sequel(tmp_path: Path) -> None:
    backend = TantivyBackend(tmp_path)
    text = "Structure, reactions and synthesis of organic molecules."
    backend.rebuild(
        [
            resource(1, "Organic Chemistry II", numbers=("5.13",), description=text, year=2020),
            resource(2, "Organic Chemistry I", numbers=("5.12",), description=text, year=2005),
        ]
    )
    assert _titles(backend, "organic chemistry") == ["Organic Chemistry I", "Organic Chemistry II"]
