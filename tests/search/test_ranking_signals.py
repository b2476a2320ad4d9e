"""Course-level ranking signals: every run of a course ranks together; first courses come first."""

from __future__ import annotations

from pathlib import Path

import pytest
from search_fixtures import resource

from learn.search.backends.tantivy import TantivyBackend
from learn.search.documents import course_group, is_foundation_number
from learn.search.query import SearchQuery

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
