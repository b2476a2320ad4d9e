"""Saved-query matching speed on the embedded engine: N saved queries against M new resources
through the search port's ``match_queries`` (Tantivy: an in-memory index of the new resources,
each distinct text and each distinct filter set run once). Prints JSON lines.

    .venv/bin/python benchmarks/subscription_matching.py [--queries 10000] [--resources 500]

Resources and queries are synthetic but shaped like the catalog's: titles and descriptions from
a course vocabulary, topics, departments, offerors, platforms; queries are channel-like filters
(30 %), one to three words of text (50 %, mostly distinct), or text with a filter (20 %).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learn.config.settings")

WORDS = [
    "algebra",
    "linear",
    "calculus",
    "probability",
    "statistics",
    "machine",
    "learning",
    "deep",
    "neural",
    "networks",
    "quantum",
    "physics",
    "mechanics",
    "thermodynamics",
    "electromagnetism",
    "optics",
    "chemistry",
    "organic",
    "biology",
    "genetics",
    "neuroscience",
    "cognitive",
    "economics",
    "microeconomics",
    "finance",
    "accounting",
    "marketing",
    "leadership",
    "strategy",
    "history",
    "philosophy",
    "ethics",
    "literature",
    "writing",
    "poetry",
    "music",
    "architecture",
    "urban",
    "design",
    "planning",
    "energy",
    "climate",
    "environment",
    "ocean",
    "engineering",
    "materials",
    "structures",
    "robotics",
    "control",
    "signals",
    "systems",
    "circuits",
    "computation",
    "algorithms",
    "data",
    "science",
    "databases",
    "security",
    "cryptography",
    "networks",
    "distributed",
    "programming",
    "python",
    "software",
    "analysis",
    "differential",
    "equations",
    "topology",
    "geometry",
    "number",
    "theory",
    "logic",
    "language",
    "linguistics",
    "psychology",
    "sociology",
    "anthropology",
    "political",
    "science",
    "law",
    "health",
    "medicine",
    "nutrition",
    "epidemiology",
    "innovation",
    "entrepreneurship",
    "supply",
    "chain",
    "logistics",
    "transportation",
]
TOPICS = ["Physics", "Mathematics", "Computer Science", "Biology", "Economics", "History",
          "Engineering", "Chemistry", "Business", "Health"]  # fmt: skip
DEPARTMENTS = ["6", "18", "8", "7", "14", "21H", "2", "5", "15", "10"]
OFFERORS = ["ocw", "mitx", "xpro", "mitpe", "see"]


def document(rid: int, rng: random.Random) -> Any:
    from learn.search.query import IndexDocument

    title = " ".join(rng.sample(WORDS, rng.randint(2, 5))).title()
    topics = rng.sample(TOPICS, rng.randint(1, 2))
    offered = rng.choice(OFFERORS)
    source = {
        "id": rid,
        "title": title,
        "description": " ".join(rng.choices(WORDS, k=15)),
        "full_description": "",
        "readable_id": f"bench-{rid}",
        "resource_type": "course",
        "resource_category": "Academic Course",
        "platform": {"code": "ocw", "name": "OCW"},
        "offered_by": {"code": offered, "name": offered.upper()},
        "topics": [{"id": n, "name": t} for n, t in enumerate(topics)],
        "departments": [{"department_id": rng.choice(DEPARTMENTS), "name": "Dept"}],
        "free": True,
        "certification": False,
        "certification_type": {"code": "none", "name": "No Certificate"},
        "professional": False,
        "views": rng.randint(0, 1000),
        "completeness": 1.0,
        "delivery": [{"code": "online", "name": "Online"}],
        "course_feature": [],
        "ocw_topics": [],
        "runs": [],
        "last_modified": "2026-12-01T00:00:00Z",
        "course": {"course_numbers": []},
    }
    return IndexDocument(id=str(rid), source=source)


def saved_query(rng: random.Random) -> Any:
    from learn.search.query import SearchQuery

    kind = rng.random()
    filters: dict[str, tuple[str, ...]] = {}
    text = ""
    if kind < 0.3 or kind >= 0.8:
        name = rng.choice(["topic", "department", "offered_by"])
        pool = {"topic": TOPICS, "department": DEPARTMENTS, "offered_by": OFFERORS}[name]
        filters[name] = (rng.choice(pool),)
    if kind >= 0.3:
        text = " ".join(rng.sample(WORDS, rng.randint(1, 3)))
    return SearchQuery(text=text, filters=filters)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--resources", type=int, default=500)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    from learn.search.backends.tantivy import TantivyBackend

    rng = random.Random(args.seed)
    docs = [document(100_000 + n, rng) for n in range(args.resources)]
    queries = {str(n): saved_query(rng) for n in range(args.queries)}
    with tempfile.TemporaryDirectory() as tmp:
        backend = TantivyBackend(Path(tmp) / "search")
        start = time.perf_counter()
        found = backend.match_queries(queries, docs)
        seconds = time.perf_counter() - start
    print(json.dumps({
        "benchmark": "subscription_matching", "engine": "tantivy",
        "saved_queries": len(queries), "new_resources": len(docs),
        "distinct_texts": len({(q.text) for q in queries.values() if q.text}),
        "distinct_filter_sets": len({tuple(sorted(q.filters.items())) for q in queries.values()}),
        "queries_matching": sum(1 for ids in found.values() if ids),
        "matches": sum(len(ids) for ids in found.values()),
        "seconds": round(seconds, 2), "target_seconds": 60,
        "per_query_ms": round(1000 * seconds / max(1, len(queries)), 3),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
