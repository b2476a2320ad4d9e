"""Exact signals in a query: what a learner typed that names one course outright.

A course number ("6.046 algorithms"), a course's exact title ("Quantum Physics I") or an
instructor's surname ("Strang linear algebra") that one of the lexical engine's top hits carries is
proof the lexical ranking found what was asked for. The fusion then keeps the lexical order and
lets dense search only add candidates after it, so hybrid never ranks such a query below phrase.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from learn.search.documents import course_number_forms, looks_like_course_number
from learn.search.query import Hit

Signal = Literal["course_number", "title", "instructor"]

SIGNAL_TOP = 3  # lexical hits whose numbers, titles and instructors are checked
_WORD = re.compile(r"[0-9a-z]+(?:\.[0-9a-z]+)?")
_TITLE_WORD = re.compile(r"[0-9a-z]+")
# Words a learner adds around a name or a title without changing what is asked for.
_FILLER = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "in",
        "on",
        "for",
        "to",
        "by",
        "with",
        "course",
        "class",
        "lectures",
        "mit",
        "ocw",
    ]
)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def query_course_numbers(text: str) -> list[str]:
    """The course numbers typed in the query, lowercased ("6.046J" → "6.046j")."""
    return [w for w in _words(text) if "." in w and looks_like_course_number(w)]


def _hit_course_numbers(source: dict[str, Any]) -> set[str]:
    numbers: set[str] = set()
    course = source.get("course") or {}
    for item in course.get("course_numbers") or []:
        if isinstance(item, dict):
            numbers.update(course_number_forms(str(item.get("value") or "")))
    return numbers


def _surnames(source: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    for run in source.get("runs") or []:
        for person in run.get("instructors") or []:
            if not isinstance(person, dict):
                continue
            last = str(person.get("last_name") or "")
            if not last:
                full = str(person.get("full_name") or "").split()
                last = full[-1] if full else ""
            names.update(_TITLE_WORD.findall(last.lower()))
    return names


# A question ("what is a good first course on ...") names no instructor even when one of its
# words is a surname ("Good").
_QUESTION = frozenset(
    ["how", "what", "why", "when", "where", "who", "which", "do", "does", "did", "can", "could"]
    + ["should", "would", "is", "are", "i", "my", "me", "we", "you", "your"]
)


def _title_words(title: str) -> list[str]:
    return [w for w in _TITLE_WORD.findall(title.lower()) if w not in _FILLER]


def exact_signal(text: str, hits: list[Hit]) -> Signal | None:
    """Which exact signal of the query one of the top lexical hits carries, if any.

    - ``course_number``: a number typed in the query is one of the hit's course numbers (its
      full form or its base: "6.046" matches 6.046J);
    - ``title``: the query's words are the hit's title words (order and filler words aside);
    - ``instructor``: a word of the query is the surname of one of the hit's instructors (not in
      a question).
    """
    numbers = {f for n in query_course_numbers(text) for f in course_number_forms(n)}
    plain = [w for w in _TITLE_WORD.findall(text.lower()) if w not in _FILLER]
    question = any(w in _QUESTION for w in plain)
    for hit in hits[:SIGNAL_TOP]:
        source = hit.source
        if numbers and numbers & _hit_course_numbers(source):
            return "course_number"
        if plain and sorted(plain) == sorted(_title_words(str(source.get("title") or ""))):
            return "title"
        surnames = _surnames(source)
        if surnames and not numbers and not question and any(w in surnames for w in plain):
            return "instructor"
    return None
