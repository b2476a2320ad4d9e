"""Realistic catalog rows of every resource type, written straight through the models.

``build_catalog()`` creates reference data (platforms, offerors, schools, departments, topics,
course features) and a small catalog: courses with runs, prices, instructors and course numbers,
a program, a learning path featured by a unit, a podcast with episodes, a video playlist with
videos, a document with content files, plus unpublished resources and runs that must never show.
Import it from any test (``from factories import build_catalog``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from learn.catalog.constants import RelationType, ResourceType
from learn.catalog.derived import refresh_derived_values
from learn.catalog.models import (
    ContentFile,
    ContentTag,
    Course,
    Department,
    FeaturedList,
    Image,
    Instructor,
    LearningPath,
    LearningResource,
    LearningResourceRelationship,
    LearningResourceRun,
    Offeror,
    Platform,
    Podcast,
    PodcastEpisode,
    Price,
    Program,
    RunInstructor,
    School,
    Topic,
    Video,
    VideoChannel,
    VideoPlaylist,
)

NOW = timezone.now()


def days(n: int) -> datetime:
    return NOW + timedelta(days=n)


@dataclass
class Reference:
    platforms: dict[str, Platform] = field(default_factory=dict)
    offerors: dict[str, Offeror] = field(default_factory=dict)
    schools: dict[str, School] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    features: dict[str, ContentTag] = field(default_factory=dict)


def make_reference_data() -> Reference:
    ref = Reference()
    for code, name, url in [
        ("ocw", "MIT OpenCourseWare", "https://ocw.mit.edu/"),
        ("mitxonline", "MITx Online", "https://mitxonline.mit.edu/"),
        ("xpro", "MIT xPRO", "https://xpro.mit.edu/"),
        ("youtube", "YouTube", "https://www.youtube.com/"),
        ("podcast", "Podcast", "https://podcasts.apple.com/"),
    ]:
        ref.platforms[code] = Platform.objects.create(
            code=code, name=name, url=url, has_content_files=code == "ocw"
        )
    for code, name, professional in [
        ("ocw", "MIT OpenCourseWare", False),
        ("mitx", "MITx", False),
        ("xpro", "MIT xPRO", True),
        ("see", "MIT Sloan Executive Education", True),
    ]:
        ref.offerors[code] = Offeror.objects.create(
            code=code,
            name=name,
            professional=professional,
            offerings=["Courses"],
            audience=["Everyone"],
            formats=["Online"],
            fee=["Paid"] if professional else ["Free"],
            certifications=["Professional Certificate"] if professional else [],
            content_types=["Academic"],
            more_information=f"https://learn.example.edu/units/{code}",
            value_prop=f"Learn with {name}.",
        )
    ref.schools["engineering"] = School.objects.create(
        name="School of Engineering", url="https://engineering.mit.edu/"
    )
    ref.schools["science"] = School.objects.create(
        name="School of Science", url="https://science.mit.edu/"
    )
    for dept_id, name, school in [
        ("6", "Electrical Engineering and Computer Science", "engineering"),
        ("18", "Mathematics", "science"),
        ("8", "Physics", "science"),
    ]:
        ref.departments[dept_id] = Department.objects.create(
            department_id=dept_id, name=name, school=ref.schools[school]
        )
    engineering = Topic.objects.create(name="Engineering", icon="RiRobot2Line")
    science = Topic.objects.create(name="Science", icon="RiTestTubeLine")
    ref.topics["Engineering"] = engineering
    ref.topics["Science"] = science
    for name, parent in [
        ("Computer Science", engineering),
        ("Mathematics", science),
        ("Physics", science),
        ("Data Science, Analytics & Computer Technology", engineering),
    ]:
        ref.topics[name] = Topic.objects.create(name=name, parent=parent, icon=parent.icon)
    for name in ["Lecture Videos", "Problem Sets", "Lecture Notes", "Exams"]:
        ref.features[name] = ContentTag.objects.create(name=name)
    return ref


def _image(slug: str) -> Image:
    return Image.objects.create(
        url=f"https://images.example.edu/{slug}.jpg", description=f"{slug} cover", alt=slug
    )


def make_resource(
    ref: Reference,
    resource_type: str,
    readable_id: str,
    title: str,
    *,
    platform: str = "ocw",
    offered_by: str = "ocw",
    topics: tuple[str, ...] = (),
    departments: tuple[str, ...] = (),
    features: tuple[str, ...] = (),
    published: bool = True,
    **fields: Any,
) -> LearningResource:
    resource = LearningResource.objects.create(
        resource_type=resource_type,
        readable_id=readable_id,
        title=title,
        description=f"{title}: an introduction.",
        full_description=f"<p>{title}, taught at MIT.</p>",
        url=f"https://learn.example.edu/{readable_id}",
        image=_image(readable_id),
        platform=ref.platforms[platform],
        offered_by=ref.offerors[offered_by],
        published=published,
        languages=["en"],
        last_modified=NOW - timedelta(days=len(readable_id)),
        **fields,
    )
    resource.topics.set([ref.topics[t] for t in topics])
    resource.departments.set([ref.departments[d] for d in departments])
    resource.resource_tags.set([ref.features[f] for f in features])
    return resource


def make_run(
    resource: LearningResource,
    run_id: str,
    *,
    start: datetime | None,
    end: datetime | None = None,
    level: tuple[str, ...] = ("undergraduate",),
    prices: tuple[str, ...] = (),
    instructors: tuple[str, ...] = (),
    published: bool = True,
    semester: str | None = None,
    year: int | None = None,
    **fields: Any,
) -> LearningResourceRun:
    run = LearningResourceRun.objects.create(
        learning_resource=resource,
        run_id=run_id,
        title=resource.title,
        url=resource.url,
        start_date=start,
        end_date=end,
        enrollment_start=start - timedelta(days=30) if start else None,
        enrollment_end=end,
        level=list(level),
        prices=list(prices),
        published=published,
        semester=semester,
        year=year,
        slug=f"courses/{run_id}",
        languages=["en"],
        image=_image(run_id),
        **fields,
    )
    run.resource_prices.set(
        [Price.objects.get_or_create(amount=Decimal(p), currency="USD")[0] for p in prices]
    )
    for position, full_name in enumerate(instructors):
        first, _, last = full_name.partition(" ")
        instructor, _ = Instructor.objects.get_or_create(
            full_name=full_name, defaults={"first_name": first, "last_name": last}
        )
        RunInstructor.objects.create(run=run, instructor=instructor, position=position)
    return run


def sort_coursenum(value: str) -> str:
    """Sort key of a course number: a one-digit department is zero-padded (6.006 → 06.006)."""
    prefix, dot, rest = value.partition(".")
    return f"{prefix.zfill(2)}{dot}{rest}" if prefix.isdigit() else value


def make_course(
    ref: Reference,
    readable_id: str,
    title: str,
    *,
    numbers: tuple[tuple[str, str], ...],
    **kwargs: Any,
) -> LearningResource:
    """``numbers`` are (value, department id) pairs; the first is the primary number."""
    resource = make_resource(ref, ResourceType.course, readable_id, title, **kwargs)
    course_numbers = [
        {
            "value": value,
            "listing_type": "primary" if i == 0 else "cross-listed",
            "department": {
                "department_id": dept,
                "name": ref.departments[dept].name,
            },
            "sort_coursenum": sort_coursenum(value),
            "primary": i == 0,
        }
        for i, (value, dept) in enumerate(numbers)
    ]
    Course.objects.create(
        learning_resource=resource,
        course_numbers=course_numbers,
        sort_coursenum=course_numbers[0]["sort_coursenum"] if course_numbers else "",
    )
    return resource


def relate(parent: LearningResource, children: list[LearningResource], relation: str) -> None:
    for position, child in enumerate(children):
        LearningResourceRelationship.objects.create(
            parent=parent, child=child, position=position, relation_type=relation
        )


@dataclass
class Catalog:
    ref: Reference
    resources: dict[str, LearningResource]
    files: dict[str, ContentFile]

    def __getitem__(self, key: str) -> LearningResource:
        return self.resources[key]

    @property
    def published_ids(self) -> set[int]:
        return {r.pk for r in self.resources.values() if r.published}

    def ids(self, *keys: str) -> set[int]:
        return {self.resources[k].pk for k in keys}


def build_catalog() -> Catalog:
    ref = make_reference_data()
    r: dict[str, LearningResource] = {}

    # ---- courses
    r["algorithms"] = make_course(
        ref,
        "6.006+spring_2020",
        "Introduction to Algorithms",
        numbers=(("6.006", "6"), ("18.410", "18")),
        topics=("Computer Science", "Engineering"),
        departments=("6", "18"),
        features=("Lecture Videos", "Problem Sets"),
        view_count=500,
        resource_category="Course",
        license_cc=True,
    )
    make_run(
        r["algorithms"],
        "spring_2020",
        start=days(-2000),
        end=days(-1900),
        semester="Spring",
        year=2020,
        instructors=("Erik Demaine", "Jason Ku"),
    )
    make_run(
        r["algorithms"],
        "hidden_run",
        start=days(-100),
        end=days(-50),
        published=False,
        instructors=("Hidden Person",),
        level=("graduate",),
    )

    r["linear_algebra"] = make_course(
        ref,
        "18.06+spring_2010",
        "Linear Algebra",
        numbers=(("18.06", "18"),),
        topics=("Mathematics",),
        departments=("18",),
        features=("Lecture Notes", "Exams"),
        view_count=900,
        resource_category="Course",
    )
    make_run(
        r["linear_algebra"],
        "spring_2010",
        start=days(-5000),
        end=days(-4900),
        semester="Spring",
        year=2010,
        instructors=("Gilbert Strang",),
    )

    r["mechanics"] = make_course(
        ref,
        "course-v1:MITxT+8.01.1x",
        "Mechanics: Kinematics and Dynamics",
        numbers=(("8.01.1x", "8"),),
        platform="mitxonline",
        offered_by="mitx",
        topics=("Physics",),
        departments=("8",),
        view_count=120,
        certification=True,
        certification_type="completion",
        delivery=["online", "hybrid"],
        pace=["instructor_paced"],
        format=["synchronous"],
        resource_category="Course",
    )
    make_run(
        r["mechanics"],
        "8.01.1x_3T2027",
        start=days(40),
        end=days(120),
        level=("introductory",),
        prices=("0", "75"),
        instructors=("Deepto Chakrabarty",),
        pace=["instructor_paced"],
        format=["synchronous"],
        delivery=["online", "hybrid"],
    )
    make_run(
        r["mechanics"],
        "8.01.1x_1T2028",
        start=days(200),
        end=days(280),
        level=("introductory",),
        prices=("0", "75"),
    )

    r["ai_leaders"] = make_course(
        ref,
        "xpro-ai-leaders",
        "Artificial Intelligence for Leaders",
        numbers=(("XPRO-AI-1", "6"),),
        platform="xpro",
        offered_by="xpro",
        topics=("Data Science, Analytics & Computer Technology",),
        departments=("6",),
        professional=True,
        certification=True,
        certification_type="professional",
        delivery=["in_person"],
        view_count=40,
        resource_category="Course",
        continuing_ed_credits=Decimal("2.50"),
        location="Cambridge, MA",
    )
    make_run(
        r["ai_leaders"],
        "xpro-ai-leaders-2027",
        start=days(10),
        end=days(70),
        level=("advanced",),
        prices=("2500",),
        delivery=["in_person"],
        location="Cambridge, MA",
        duration="8 weeks",
    )

    r["unpublished_course"] = make_course(
        ref,
        "6.999+never",
        "A Withdrawn Course",
        numbers=(("6.999", "6"),),
        topics=("Computer Science",),
        departments=("6",),
        published=False,
    )
    make_run(r["unpublished_course"], "never", start=days(5))

    # ---- program (a program whose category is "Course" groups with courses)
    r["program"] = make_resource(
        ref,
        ResourceType.program,
        "program-v1:MITx+FOUNDATIONS",
        "Foundations of Computer Science",
        platform="mitxonline",
        offered_by="mitx",
        topics=("Computer Science",),
        certification=True,
        certification_type="micromasters",
        resource_category="Program",
        view_count=300,
    )
    Program.objects.create(learning_resource=r["program"])
    make_run(r["program"], "program-2027", start=days(40), prices=("0", "600"))
    relate(
        r["program"],
        [r["algorithms"], r["mechanics"], r["unpublished_course"]],
        RelationType.PROGRAM_COURSES,
    )
    r["program_as_course"] = make_resource(
        ref,
        ResourceType.program,
        "program-v1:MITx+SHORT",
        "Short Program Sold as a Course",
        platform="mitxonline",
        offered_by="mitx",
        resource_category="Course",
    )
    Program.objects.create(learning_resource=r["program_as_course"])

    # ---- learning path, featured by the OCW unit
    r["path"] = make_resource(
        ref,
        ResourceType.learning_path,
        "path-intro-cs",
        "Start Here: Computer Science",
        topics=("Computer Science",),
    )
    LearningPath.objects.create(learning_resource=r["path"], author="Learn editors")
    relate(
        r["path"],
        [r["linear_algebra"], r["algorithms"], r["unpublished_course"]],
        RelationType.LEARNING_PATH_ITEMS,
    )
    FeaturedList.objects.create(offeror=ref.offerors["ocw"], learning_path=r["path"])

    # ---- podcast + episodes
    r["podcast"] = make_resource(
        ref,
        ResourceType.podcast,
        "podcast-curious-minds",
        "Curious Minds at MIT",
        platform="podcast",
        offered_by="ocw",
        topics=("Science",),
    )
    Podcast.objects.create(
        learning_resource=r["podcast"],
        apple_podcasts_url="https://podcasts.apple.com/podcast/curious-minds",
        rss_url="https://podcasts.example.edu/curious-minds.rss",
    )
    episodes = []
    for n in (1, 2):
        episode = make_resource(
            ref,
            ResourceType.podcast_episode,
            f"podcast-curious-minds-episode-{n}",
            f"Episode {n}: Teaching Physics",
            platform="podcast",
            offered_by="ocw",
            topics=("Physics",),
        )
        PodcastEpisode.objects.create(
            learning_resource=episode,
            audio_url=f"https://podcasts.example.edu/curious-minds/{n}.mp3",
            episode_link=f"https://podcasts.example.edu/curious-minds/{n}",
            duration="PT45M",
            transcript="Welcome to the show.",
        )
        episodes.append(episode)
        r[f"episode_{n}"] = episode
    r["episode_hidden"] = make_resource(
        ref,
        ResourceType.podcast_episode,
        "podcast-curious-minds-episode-draft",
        "Draft Episode",
        platform="podcast",
        published=False,
    )
    PodcastEpisode.objects.create(
        learning_resource=r["episode_hidden"], audio_url="https://podcasts.example.edu/draft.mp3"
    )
    relate(r["podcast"], [*episodes, r["episode_hidden"]], RelationType.PODCAST_EPISODES)

    # ---- video playlist + videos (the playlist belongs to the algorithms course)
    channel = VideoChannel.objects.create(channel_id="UCEBb1b_L6zDS3xTUrIALZOw", title="MIT OCW")
    r["playlist"] = make_resource(
        ref,
        ResourceType.video_playlist,
        "PLUl4u3cNGP63EdVPNLG3ToM6LaEUuStEY",
        "Algorithms Lecture Videos",
        platform="youtube",
        topics=("Computer Science",),
    )
    VideoPlaylist.objects.create(
        learning_resource=r["playlist"], channel=channel, parent_learning_resource=r["algorithms"]
    )
    videos = []
    for n in (1, 2):
        video = make_resource(
            ref,
            ResourceType.video,
            f"video-algorithms-lecture-{n}",
            f"Lecture {n}: Algorithms and Computation",
            platform="youtube",
            topics=("Computer Science",),
            resource_category="Lecture Video",
        )
        Video.objects.create(
            learning_resource=video,
            duration="PT52M",
            streaming_url=f"https://videos.example.edu/{n}.m3u8",
            cover_image_url=f"https://images.example.edu/video-{n}.jpg",
            caption_urls=[
                {
                    "language": "en",
                    "language_name": "English",
                    "url": f"https://videos.example.edu/{n}.vtt",
                }
            ],
        )
        videos.append(video)
        r[f"video_{n}"] = video
    relate(r["playlist"], videos, RelationType.PLAYLIST_VIDEOS)

    # ---- document with content files
    r["document"] = make_resource(
        ref,
        ResourceType.document,
        "6.006-lecture-notes-pdf",
        "6.006 Lecture Notes",
        topics=("Computer Science",),
        departments=("6",),
        resource_category="Lecture Notes",
    )
    relate(r["algorithms"], [r["document"]], RelationType.COURSE_LEARNING_MATERIALS)
    r["test_mode"] = make_resource(
        ref, ResourceType.course, "test-mode-course", "Hidden Test Course", test_mode=True
    )
    Course.objects.create(learning_resource=r["test_mode"])

    for resource in r.values():
        refresh_derived_values(resource)
    # The professional course keeps its list price (derived values only copy certified prices).
    LearningResource.objects.filter(pk=r["ai_leaders"].pk).update(prices=["2500.00"], free=False)
    for key, resource in r.items():
        r[key] = LearningResource.objects.get(pk=resource.pk)

    files = make_content_files(ref, r)
    return Catalog(ref=ref, resources=r, files=files)


def make_content_files(ref: Reference, r: dict[str, LearningResource]) -> dict[str, ContentFile]:
    run = r["algorithms"].runs.get(run_id="spring_2020")
    hidden_run = r["algorithms"].runs.get(run_id="hidden_run")
    files: dict[str, ContentFile] = {}

    def make(key: str, **fields: Any) -> ContentFile:
        tags = fields.pop("tags", ())
        values: dict[str, Any] = {
            "key": f"courses/6.006/{key}",
            "uid": f"uid-{key}",
            "title": key.replace("_", " ").title(),
            "description": f"{key} description",
            "url": f"https://ocw.mit.edu/courses/6.006/{key}",
            "file_type": "application/pdf",
            "file_extension": ".pdf",
            "content": f"Full text of {key}.",
            "content_title": key,
            "content_type": "pdf",
            "checksum": "0" * 32,
            "source_path": f"static/{key}.pdf",
            "summary": f"Summary of {key}.",
            "flashcards": [{"question": "What is a graph?", "answer": "Vertices and edges."}],
        }
        file = ContentFile.objects.create(**{**values, **fields})
        file.content_tags.set([ref.features[t] for t in tags])
        files[key] = file
        return file

    make("lecture_1_notes", run=run, tags=("Lecture Notes",))
    make("problem_set_1", run=run, tags=("Problem Sets",), edx_module_id="block-v1:ps1")
    make("unpublished_file", run=run, published=False)
    make("hidden_run_file", run=hidden_run)
    make(
        "document_source",
        direct_learning_resource=r["document"],
        tags=("Lecture Notes",),
    )
    make(
        "mechanics_page",
        learning_resource=r["mechanics"],
        content_type="page",
        file_type="marketing_page",
        file_extension=".html",
    )
    return files
