"""A generated demo catalog: every resource type, deterministic, no network and no copied data.

For machines without the shared corpus: courses with runs, prices and instructors, programs of
those courses, podcasts with episodes, video playlists with videos, a learning path and
documents linked to a course. The same seed always yields the same catalog, so re-runs are
unchanged loads.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from learn.config.env import LearnEnv
from learn.etl.records import ResourceRecord

NAME = "demo"
ETL_SOURCE = "demo"
IN_ALL = False  # only on request: never mixed into a real catalog by `learn etl run --all`
SEED = 20260101
ANCHOR = datetime(2027, 1, 4, tzinfo=UTC)

SUBJECTS = [
    ("Computer Science", "6", ["Algorithms", "Systems", "Machine Learning", "Programming"]),
    ("Mathematics", "18", ["Linear Algebra", "Probability", "Calculus", "Statistics"]),
    ("Physics", "8", ["Mechanics", "Electromagnetism", "Quantum Physics", "Optics"]),
    ("Economics", "14", ["Microeconomics", "Development", "Markets", "Game Theory"]),
    ("Biology", "7", ["Genetics", "Cell Biology", "Neuroscience", "Ecology"]),
    ("Management", "15", ["Operations", "Finance", "Leadership", "Marketing"]),
]
ADJECTIVES = ["Introduction to", "Principles of", "Foundations of", "Advanced", "Applied"]
FIRST = ["Ana", "Ben", "Chen", "Dara", "Eli", "Fatima", "Gita", "Hugo", "Ines", "Jon", "Kemal"]
LAST = ["Alvarez", "Brooks", "Chandra", "Dubois", "Eriksen", "Fujita", "Garcia", "Haddad"]


def configured(config: LearnEnv | None = None) -> bool:
    return True


def item_id(raw: dict[str, Any]) -> str:
    return str(raw.get("readable_id", "?"))


def _person(rng: random.Random) -> dict[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return {"full_name": f"{first} {last}", "first_name": first, "last_name": last}


def _course(rng: random.Random, index: int) -> dict[str, Any]:
    subject, dept, areas = SUBJECTS[index % len(SUBJECTS)]
    area = areas[(index // len(SUBJECTS)) % len(areas)]
    title = f"{rng.choice(ADJECTIVES)} {area}"
    number = f"{dept}.{100 + index * 7}x"
    readable_id = f"course-v1:DEMO+{number}"
    people = [_person(rng) for _ in range(rng.randint(1, 3))]
    price = rng.choice([49, 75, 99, 149])
    runs = []
    for offset, term in enumerate(("2026_Fall", "2027_Spring", "2027_Fall")):
        start = ANCHOR + timedelta(days=-120 + offset * 150 + index)
        runs.append(
            {
                "run_id": f"{readable_id}+{term}",
                "title": title,
                "start_date": start.isoformat(),
                "end_date": (start + timedelta(weeks=12)).isoformat(),
                "enrollment_start": (start - timedelta(days=30)).isoformat(),
                "enrollment_end": (start + timedelta(weeks=2)).isoformat(),
                "semester": term.split("_")[1],
                "year": int(term.split("_")[0]),
                "instructors": people,
                "prices": [{"amount": "0.00"}, {"amount": f"{price}.00"}],
                "pace": ["instructor_paced"],
                "availability": "dated",
                "level": ["introductory" if "Introduction" in title else "intermediate"],
            }
        )
    return {
        "readable_id": readable_id,
        "resource_type": "course",
        "platform": "mitxonline",
        "offered_by": "mitx",
        "etl_source": ETL_SOURCE,
        "title": title,
        "description": f"A twelve-week course on {area.lower()} within {subject.lower()}.",
        "url": f"https://learn.example.org/courses/{readable_id}",
        "topics": [subject],
        "departments": [dept],
        "course_features": rng.sample(["Lecture Videos", "Problem Sets", "Exams", "Notes"], 2),
        "certification": True,
        "certification_type": "completion",
        "course_numbers": [{"value": number, "listing_type": "primary"}],
        "runs": runs,
        "content_files": [
            {
                "key": f"{readable_id}/syllabus",
                "run_id": runs[-1]["run_id"],
                "title": "Syllabus",
                "content": f"Weekly plan for {title}: lectures, problem sets and a final exam.",
                "content_type": "page",
                "file_extension": ".html",
            }
        ],
    }


def _program(index: int, courses: list[dict[str, Any]]) -> dict[str, Any]:
    members = courses[index * 3 : index * 3 + 4]
    subject = members[0]["topics"][0]
    readable_id = f"program-v1:DEMO+P{index + 1}"
    return {
        "readable_id": readable_id,
        "resource_type": "program",
        "platform": "mitxonline",
        "offered_by": "mitx",
        "etl_source": ETL_SOURCE,
        "title": f"{subject} Essentials Program",
        "description": f"A sequence of {len(members)} courses in {subject.lower()}.",
        "url": f"https://learn.example.org/programs/{readable_id}",
        "topics": [subject],
        "certification": True,
        "certification_type": "completion",
        "runs": [
            {
                "run_id": f"{readable_id}+run",
                "title": f"{subject} Essentials Program",
                "start_date": ANCHOR.isoformat(),
                "prices": [{"amount": "450.00"}],
            }
        ],
        "children": [
            {
                "readable_id": c["readable_id"],
                "resource_type": "course",
                "platform": "mitxonline",
                "position": pos,
                "relation_type": "PROGRAM_COURSES",
            }
            for pos, c in enumerate(members)
        ],
    }


def _podcast(rng: random.Random, index: int) -> list[dict[str, Any]]:
    subject = SUBJECTS[index][0]
    pid = f"demo-podcast-{index + 1}"
    episodes = []
    for n in range(4):
        published = ANCHOR - timedelta(days=7 * n + index)
        episodes.append(
            {
                "readable_id": f"{pid}-episode-{n + 1}",
                "resource_type": "podcast_episode",
                "platform": "podcast",
                "etl_source": ETL_SOURCE,
                "title": f"{subject} Conversations, episode {n + 1}",
                "description": f"A conversation about {rng.choice(SUBJECTS[index][2]).lower()}.",
                "url": f"https://podcasts.example.org/{pid}/{n + 1}",
                "last_modified": published.isoformat(),
                "topics": [subject],
                "detail": {
                    "audio_url": f"https://podcasts.example.org/{pid}/{n + 1}.mp3",
                    "episode_link": f"https://podcasts.example.org/{pid}/{n + 1}",
                    "duration": f"PT{20 + n * 5}M",
                },
            }
        )
    podcast = {
        "readable_id": pid,
        "resource_type": "podcast",
        "platform": "podcast",
        "etl_source": ETL_SOURCE,
        "title": f"{subject} Conversations",
        "description": f"Researchers talk about their work in {subject.lower()}.",
        "url": f"https://podcasts.example.org/{pid}",
        "topics": [subject],
        "detail": {"rss_url": f"https://podcasts.example.org/{pid}/feed.rss"},
        "children": [
            {
                "readable_id": e["readable_id"],
                "resource_type": "podcast_episode",
                "platform": "podcast",
                "position": pos,
                "relation_type": "PODCAST_EPISODES",
            }
            for pos, e in enumerate(episodes)
        ],
    }
    return [*episodes, podcast]


def _playlist(index: int) -> list[dict[str, Any]]:
    subject, _, areas = SUBJECTS[index + 2]
    pid = f"PLDEMO{index + 1:04d}"
    videos = []
    for n, area in enumerate(areas):
        vid = f"demo{index}{n}video"
        videos.append(
            {
                "readable_id": vid,
                "resource_type": "video",
                "platform": "youtube",
                "etl_source": ETL_SOURCE,
                "title": f"Lecture {n + 1}: {area}",
                "description": f"A lecture on {area.lower()}.",
                "url": f"https://www.youtube.com/watch?v={vid}",
                "topics": [subject],
                "resource_category": "Lecture Video",
                "detail": {"duration": f"PT{40 + n}M{n * 7}S"},
            }
        )
    playlist = {
        "readable_id": pid,
        "resource_type": "video_playlist",
        "platform": "youtube",
        "etl_source": ETL_SOURCE,
        "title": f"{subject} Lecture Series",
        "url": f"https://www.youtube.com/playlist?list={pid}",
        "topics": [subject],
        "detail": {"channel_id": "UCDEMOCHANNEL", "channel_title": "Learn Demo Lectures"},
        "children": [
            {
                "readable_id": v["readable_id"],
                "resource_type": "video",
                "platform": "youtube",
                "position": pos,
                "relation_type": "PLAYLIST_VIDEOS",
            }
            for pos, v in enumerate(videos)
        ],
    }
    return [*videos, playlist]


def generate(seed: int = SEED) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    courses = [_course(rng, i) for i in range(12)]
    documents = [
        {
            "readable_id": f"demo-textbook-{n + 1}",
            "resource_type": "document",
            "platform": "ocw",
            "offered_by": "ocw",
            "etl_source": ETL_SOURCE,
            "title": f"Open Textbook: {courses[n]['title']}",
            "description": "Lecture notes collected into a free textbook.",
            "url": f"https://learn.example.org/textbooks/{n + 1}",
            "resource_category": "Open Textbook",
            "topics": courses[n]["topics"],
        }
        for n in range(3)
    ]
    courses[0]["children"] = [
        {
            "readable_id": d["readable_id"],
            "resource_type": "document",
            "platform": "ocw",
            "position": pos,
            "relation_type": "COURSE_LEARNING_MATERIALS",
        }
        for pos, d in enumerate(documents)
    ]
    programs = [_program(i, courses) for i in range(3)]
    podcasts = [item for i in range(2) for item in _podcast(rng, i)]
    playlists = [item for i in range(2) for item in _playlist(i)]
    path = {
        "readable_id": "demo-learning-path-starter",
        "resource_type": "learning_path",
        "platform": "ocw",
        "etl_source": ETL_SOURCE,
        "title": "Starter Path: Computing and Data",
        "description": "A hand-picked sequence for newcomers.",
        "detail": {"author": "Learn editors"},
        "children": [
            {
                "readable_id": item["readable_id"],
                "resource_type": item["resource_type"],
                "platform": item["platform"],
                "position": pos,
                "relation_type": "LEARNING_PATH_ITEMS",
            }
            for pos, item in enumerate([courses[0], courses[6], playlists[-1], documents[0]])
        ],
    }
    return [*documents, *courses, *programs, *podcasts, *playlists, path]


def extract(config: LearnEnv | None = None, source: str | None = None) -> list[dict[str, Any]]:
    seed = int(source) if source and source.isdigit() else SEED
    return generate(seed)


def transform(raw: dict[str, Any]) -> list[ResourceRecord]:
    return [ResourceRecord.model_validate(raw)]
