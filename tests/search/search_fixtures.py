"""Documents built directly (no database) for the backend contract suite."""

from __future__ import annotations

from typing import Any

from learn.search.query import IndexDocument


def resource(
    rid: int,
    title: str,
    *,
    numbers: tuple[str, ...] = (),
    description: str = "",
    topics: tuple[str, ...] = (),
    instructors: tuple[str, ...] = (),
    resource_type: str = "course",
    platform: str = "ocw",
    offered_by: str = "ocw",
    year: int = 2022,
    semester: str = "Fall",
    free: bool = True,
    certification: bool = False,
    professional: bool = False,
    level: str = "undergraduate",
    departments: tuple[str, ...] = (),
    category: str = "",
    views: int = 0,
    completeness: float = 1.0,
    start_date: str | None = None,
    next_start_date: str | None = None,
    last_modified: str = "2024-01-01T00:00:00Z",
    created_on: str | None = None,
    featured_rank: float | None = None,
    readable_id: str | None = None,
    url_slug: str | None = None,
) -> IndexDocument:
    slug = url_slug or f"{(numbers[0] if numbers else str(rid)).lower().replace('.', '-')}-x"
    source: dict[str, Any] = {
        "id": rid,
        "title": title,
        "description": description,
        "full_description": "",
        "readable_id": readable_id or f"readable-{rid:05d}",
        "resource_type": resource_type,
        "resource_category": category,
        "platform": {"code": platform, "name": platform.upper()},
        "offered_by": {"code": offered_by, "name": offered_by.upper()},
        "topics": [{"id": i, "name": t} for i, t in enumerate(topics)],
        "departments": [{"department_id": d, "name": f"Dept {d}"} for d in departments],
        "free": free,
        "certification": certification,
        "certification_type": {"code": "none", "name": "No Certificate"},
        "professional": professional,
        "views": views,
        "completeness": completeness,
        "delivery": [{"code": "online", "name": "Online"}],
        "course_feature": [],
        "ocw_topics": [],
        "last_modified": last_modified,
        "next_start_date": next_start_date,
        "url": f"https://ocw.mit.edu/courses/{slug}/",
        "course": {
            "course_numbers": [
                {"value": n, "primary": i == 0, "sort_coursenum": n} for i, n in enumerate(numbers)
            ]
        }
        if resource_type == "course"
        else None,
        "runs": [
            {
                "id": rid * 10,
                "year": year,
                "semester": semester,
                "start_date": start_date,
                "level": [{"code": level, "name": level.title()}],
                "instructors": [{"full_name": n} for n in instructors],
            }
        ],
    }
    signals: dict[str, Any] = {"created_on": created_on or last_modified}
    if featured_rank is not None:
        signals["featured_rank"] = featured_rank
    return IndexDocument(id=str(rid), source=source, signals=signals)


def content_file(
    fid: int, title: str, content: str, resource_id: int, run_id: int = 1
) -> IndexDocument:
    source = {
        "id": fid,
        "title": title,
        "content": None,
        "run_id": run_id,
        "resource_id": str(resource_id),
        "resource_readable_id": f"readable-{resource_id:05d}",
        "content_feature_type": ["Lecture Notes"],
        "topics": [{"name": "Mathematics"}],
        "platform": {"code": "ocw", "name": "OCW"},
        "offered_by": {"code": "ocw", "name": "OCW"},
        "course_number": ["18.06"],
    }
    return IndexDocument(
        id=str(fid), source=source, index="content_file", signals={"content": content}
    )


def corpus() -> list[IndexDocument]:
    """A small catalog exercising numbers, runs, typos, facets and every sort."""
    return [
        resource(
            1,
            "Introduction to Algorithms",
            numbers=("6.006",),
            description="Sorting, graphs and dynamic programming.",
            topics=("Computer Science", "Algorithms"),
            instructors=("Erik Demaine",),
            year=2020,
            views=500,
            departments=("6",),
        ),
        resource(
            2,
            "Introduction to Algorithms",
            numbers=("6.006",),
            description="Sorting and searching.",
            topics=("Computer Science", "Algorithms"),
            instructors=("Erik Demaine",),
            year=2011,
            views=300,
            departments=("6",),
        ),
        resource(
            3,
            "Design and Analysis of Algorithms",
            numbers=("6.046J", "18.410J"),
            description="Advanced algorithms.",
            topics=("Computer Science", "Algorithms"),
            year=2015,
            views=200,
            departments=("6", "18"),
        ),
        resource(
            4,
            "Linear Algebra",
            numbers=("18.06",),
            description="Matrix theory and linear algebra.",
            topics=("Mathematics",),
            instructors=("Gilbert Strang",),
            year=2010,
            views=900,
            departments=("18",),
        ),
        resource(
            5,
            "Linear Algebra",
            numbers=("18.06SC",),
            description="Matrix theory, a scholar course.",
            topics=("Mathematics",),
            instructors=("Gilbert Strang",),
            year=2011,
            views=800,
            departments=("18",),
        ),
        resource(
            6,
            "Introduction to Computer Science and Programming in Python",
            numbers=("6.0001",),
            description="Python programming for beginners.",
            topics=("Computer Science", "Programming"),
            year=2016,
            views=1000,
            departments=("6",),
        ),
        resource(
            7,
            "Introduction to Neuroscience",
            numbers=("9.01",),
            description="The brain and behavior.",
            topics=("Neuroscience", "Biology"),
            year=2007,
            departments=("9",),
        ),
        resource(
            8,
            "Cryptography and Cryptanalysis",
            numbers=("6.875",),
            description="Secret codes and their analysis.",
            topics=("Security",),
            year=2005,
            departments=("6",),
        ),
        resource(
            9,
            "Artificial Intelligence",
            numbers=("6.034",),
            description="Knowledge representation and problem solving.",
            topics=("AI",),
            year=2010,
            departments=("6",),
        ),
        resource(
            10,
            "Supply Chain Management",
            numbers=("CTL.SC0x",),
            description="Planning supply chains.",
            topics=("Business",),
            resource_type="program",
            platform="mitxonline",
            offered_by="mitx",
            free=False,
            certification=True,
            year=2023,
            next_start_date="2030-01-01T00:00:00Z",
            start_date="2030-01-01T00:00:00Z",
        ),
        resource(
            11,
            "Principles of Microeconomics",
            numbers=("14.01",),
            description="How markets set prices.",
            topics=("Economics",),
            year=2018,
            departments=("14",),
        ),
        resource(
            12,
            "Lecture 1: Sorting",
            description="A video lecture about algorithms.",
            topics=("Algorithms",),
            resource_type="video",
            platform="youtube",
            offered_by="ocw",
            last_modified="2025-01-01T00:00:00Z",
        ),
        resource(
            13,
            "Calculus Notes",
            description="Algorithms for derivatives, mentioned only in the description.",
            topics=("Mathematics",),
            year=2019,
            numbers=("18.01",),
            departments=("18",),
        ),
        resource(
            14,
            "Problem Set Archive",
            description="Problem sets.",
            resource_type="document",
            platform="ocw",
            topics=("Mathematics",),
        ),
        resource(
            15,
            "Intro Matrix Methods",
            numbers=("18.065",),
            description="Matrix methods in data analysis.",
            topics=("Mathematics",),
            year=2018,
            featured_rank=0.5,
            departments=("18",),
        ),
    ]


def twins_corpus() -> list[IndexDocument]:
    """Courses whose order for *materials* the shared ranking policy decides
    (``learn.search.ranking``): a course under two numbers (the graduate version complete, the
    first-course one not), a weak second run of the first-course one, and courses that only
    mention materials: the two parts of one, and two others."""
    heat = "Heat, work, entropy and the laws of thermodynamics in materials. "
    force = "Forces, stresses and strains in materials. "
    return [
        resource(
            1, "Thermodynamics of Materials", numbers=("3.012",), description=heat, completeness=0.5
        ),
        resource(
            2,
            "Thermodynamics of Materials",
            numbers=("3.205",),
            level="graduate",
            description=heat,
            completeness=1.0,
        ),
        resource(
            3,
            "Thermodynamics of Materials",
            numbers=("3.012SC",),
            description=heat,
            completeness=0.1,
        ),
        resource(4, "Solid Mechanics I", numbers=("2.101",), description=force),
        resource(5, "Solid Mechanics II", numbers=("2.102",), description=force),
        resource(
            6, "Electronic Devices", numbers=("6.152",), description="Semiconductor materials."
        ),
        resource(7, "Structural Design", numbers=("1.541",), description=force * 3),
        resource(8, "Organic Chemistry", numbers=("5.12",), description="Molecules."),
    ]
