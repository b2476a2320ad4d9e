"""Query text understanding shared by the adapters: quotes, course numbers, synonyms, words.

Whatever a user types is searched as text: syntax characters never reach an engine's parser.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from learn.search.documents import looks_like_course_number

MAX_QUERY_CHARS = 512

# One group per concept; every member is a synonym of every other (MIT Learn's list).
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("ai", "ml", "artificial intelligence", "machine learning"),
    ("math", "mathematics", "maths"),
    ("chem", "chemistry"),
    ("bio", "biology"),
    ("econ", "economics"),
    ("nlp", "natural language processing"),
    ("llm", "large language model"),
    ("micromasters", "micro masters"),
    ("scm", "supply chain management"),
    ("cs", "computer science"),
    ("eecs", "electrical engineering and computer science"),
)
_SYNONYMS: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
for _group in SYNONYM_GROUPS:
    _members = [tuple(m.split()) for m in _group]
    for _m in _members:
        _SYNONYMS[_m] = [o for o in _members if o != _m]
_MAX_SYNONYM_WORDS = max(len(k) for k in _SYNONYMS)

# Words of natural-language questions that say nothing about the subject.
QUESTION_WORDS = frozenset(
    [
        "how",
        "why",
        "what",
        "when",
        "where",
        "who",
        "which",
        "do",
        "does",
        "did",
        "can",
        "could",
        "should",
        "would",
        "i",
        "you",
        "we",
        "my",
        "me",
        "our",
        "about",
        "learn",
        "learning",
        "want",
        "need",
    ]
)
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'"})
_WORD_RE = re.compile(r"[0-9a-z]+(?:\.[0-9a-z]+)?", re.IGNORECASE)


@dataclass
class Unit:
    """One concept the query asks for: its words and equivalent word lists (synonyms)."""

    words: list[str]
    alternatives: list[list[str]] = field(default_factory=list)


@dataclass
class ParsedQuery:
    raw: str
    phrases: list[str] = field(default_factory=list)
    course_numbers: list[str] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    # The last word may be unfinished (search-as-you-type): match it as a prefix too.
    prefix_word: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.phrases or self.course_numbers or self.units)

    def words(self) -> list[str]:
        return [w for u in self.units for w in u.words]


def clean(text: str) -> str:
    """Normalize curly quotes, drop control characters, cap the length."""
    text = unicodedata.normalize("NFKC", text.translate(_QUOTES))
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return text[:MAX_QUERY_CHARS].strip()


def _split_words(text: str) -> list[str]:
    return [m.group(0).lower() for m in _WORD_RE.finditer(text)]


def parse(text: str) -> ParsedQuery:
    raw = clean(text)
    parsed = ParsedQuery(raw=raw)
    rest = raw
    if raw.count('"') >= 2:
        parts = raw.split('"')
        # Odd-indexed parts are inside balanced quotes; a trailing unbalanced quote is plain text.
        closed = len(parts) - 1 if len(parts) % 2 == 0 else len(parts)
        outside: list[str] = []
        for i, part in enumerate(parts):
            if i % 2 == 1 and i < closed:
                quoted = _split_words(part)
                if quoted:
                    parsed.phrases.append(" ".join(quoted))
            else:
                outside.append(part)
        rest = " ".join(outside)
    words: list[str] = []
    split = _split_words(rest)
    if len(split) > 2:
        split = [w for w in split if w not in QUESTION_WORDS] or split
    for word in split:
        if "." in word and looks_like_course_number(word):
            parsed.course_numbers.append(word)
        else:
            words.extend(word.split("."))
    i = 0
    while i < len(words):
        for size in range(min(_MAX_SYNONYM_WORDS, len(words) - i), 0, -1):
            key = tuple(words[i : i + size])
            if key in _SYNONYMS:
                parsed.units.append(Unit(list(key), [list(a) for a in _SYNONYMS[key]]))
                i += size
                break
        else:
            parsed.units.append(Unit([words[i]]))
            i += 1
    if parsed.units and rest.rstrip() == rest and not raw.endswith('"'):
        last = parsed.units[-1]
        if len(last.words) == 1 and not last.alternatives and len(last.words[0]) >= 2:
            parsed.prefix_word = last.words[0]
    return parsed


def needed_concepts(concepts: int, word_match: str = "most") -> int:
    """How many of a query's required concepts (words, phrases, course numbers) a document must
    match: all but one from three on, one of two ("most"); half of them, rounded up ("some":
    the fallback for long questions that "most" leaves with nothing or too little)."""
    if concepts <= 1:
        return 1
    if word_match == "some":
        return max(1, (concepts + 1) // 2)
    return concepts - 1 if concepts >= 3 else 1


def max_typos(word: str) -> int:
    """Algolia's defaults: one typo from 4 characters, two from 8."""
    if len(word) >= 8:
        return 2
    if len(word) >= 4:
        return 1
    return 0
