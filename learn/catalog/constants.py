"""Enumerations of the catalog, spelled as in MIT Learn's v1 contract.

The database stores the member *code*; the label is what the API shows as ``name``.
"""

from __future__ import annotations

from django.db import models


class ResourceType(models.TextChoices):
    course = "course", "Course"
    program = "program", "Program"
    learning_path = "learning_path", "Learning Path"
    podcast = "podcast", "Podcast"
    podcast_episode = "podcast_episode", "Podcast Episode"
    video = "video", "Video"
    video_playlist = "video_playlist", "Video Playlist"
    document = "document", "Document"


class ResourceTypeGroup(models.TextChoices):
    course = "course", "Course"
    program = "program", "Program"
    learning_material = "learning_material", "Learning Material"


class Delivery(models.TextChoices):
    online = "online", "Online"
    hybrid = "hybrid", "Hybrid"
    in_person = "in_person", "In person"
    offline = "offline", "Offline"


class Level(models.TextChoices):
    undergraduate = "undergraduate", "Undergraduate"
    graduate = "graduate", "Graduate"
    high_school = "high_school", "High School"
    noncredit = "noncredit", "Non-Credit"
    advanced = "advanced", "Advanced"
    intermediate = "intermediate", "Intermediate"
    introductory = "introductory", "Introductory"


class CertificationType(models.TextChoices):
    micromasters = "micromasters", "MicroMasters Credential"
    professional = "professional", "Professional Certificate"
    completion = "completion", "Certificate of Completion"
    none = "none", "No Certificate"


class Availability(models.TextChoices):
    dated = "dated", "Dated"
    anytime = "anytime", "Anytime"


class Pace(models.TextChoices):
    self_paced = "self_paced", "Self-paced"
    instructor_paced = "instructor_paced", "Instructor-paced"


class Format(models.TextChoices):
    synchronous = "synchronous", "Synchronous"
    asynchronous = "asynchronous", "Asynchronous"


class OfferedBy(models.TextChoices):
    mitx = "mitx", "MITx"
    ocw = "ocw", "MIT OpenCourseWare"
    bootcamps = "bootcamps", "Bootcamps"
    xpro = "xpro", "MIT xPRO"
    mitpe = "mitpe", "MIT Professional Education"
    see = "see", "MIT Sloan Executive Education"
    climate = "climate", "MIT Climate"


class PlatformCode(models.TextChoices):
    edx = "edx", "edX"
    ocw = "ocw", "MIT OpenCourseWare"
    oll = "oll", "Open Learning Library"
    mitxonline = "mitxonline", "MITx Online"
    bootcamps = "bootcamps", "Bootcamps"
    xpro = "xpro", "MIT xPRO"
    csail = "csail", "CSAIL"
    mitpe = "mitpe", "MIT Professional Education"
    see = "see", "MIT Sloan Executive Education"
    scc = "scc", "Schwarzman College of Computing"
    ctl = "ctl", "Center for Transportation & Logistics"
    whu = "whu", "WHU"
    susskind = "susskind", "Susskind"
    globalalumni = "globalalumni", "Global Alumni"
    simplilearn = "simplilearn", "Simplilearn"
    emeritus = "emeritus", "Emeritus"
    podcast = "podcast", "Podcast"
    youtube = "youtube", "YouTube"
    canvas = "canvas", "Canvas"
    climate = "climate", "MIT Climate"
    ovs = "ovs", "ODL Video Service"


class EtlSource(models.TextChoices):
    mit_edx = "mit_edx", "MIT edX"
    mitpe = "mitpe", "MIT Professional Education"
    mitxonline = "mitxonline", "MITx Online"
    oll = "oll", "Open Learning Library"
    ocw = "ocw", "OpenCourseWare"
    podcast = "podcast", "Podcast"
    mit_climate = "mit_climate", "MIT Climate"
    see = "see", "Sloan Executive Education"
    xpro = "xpro", "MIT xPRO"
    youtube = "youtube", "YouTube"
    canvas = "canvas", "Canvas"
    ovs = "ovs", "ODL Video Service"


class RelationType(models.TextChoices):
    PROGRAM_COURSES = "PROGRAM_COURSES", "Program Courses"
    PROGRAM_PROGRAMS = "PROGRAM_PROGRAMS", "Program Programs"
    LEARNING_PATH_ITEMS = "LEARNING_PATH_ITEMS", "Learning Path Items"
    PODCAST_EPISODES = "PODCAST_EPISODES", "Podcast Episodes"
    PLAYLIST_VIDEOS = "PLAYLIST_VIDEOS", "Playlist Videos"
    COURSE_LEARNING_MATERIALS = "COURSE_LEARNING_MATERIALS", "Course Learning Materials"


CANONICAL_PARENT_RELATIONS = (RelationType.PODCAST_EPISODES, RelationType.PLAYLIST_VIDEOS)


class ContentType(models.TextChoices):
    page = "page", "page"
    file = "file", "file"
    video = "video", "video"
    pdf = "pdf", "pdf"


class ListingType(models.TextChoices):
    primary = "primary", "Primary"
    cross_listed = "cross-listed", "Cross-listed"


LEARNING_MATERIAL_TYPES = (
    ResourceType.learning_path,
    ResourceType.podcast,
    ResourceType.podcast_episode,
    ResourceType.video,
    ResourceType.video_playlist,
    ResourceType.document,
)


def label_of(choices: type[models.TextChoices], code: str) -> str:
    """The display label of a stored code, or the code itself when it is unknown."""
    try:
        return str(choices(code).label)
    except ValueError:
        return code


class DepartmentId(models.TextChoices):
    """MIT academic department ids accepted by the ``department`` filter (the contract's enum)."""

    d1 = "1", "Civil and Environmental Engineering"
    d2 = "2", "Mechanical Engineering"
    d3 = "3", "Materials Science and Engineering"
    d4 = "4", "Architecture"
    d5 = "5", "Chemistry"
    d6 = "6", "Electrical Engineering and Computer Science"
    d7 = "7", "Biology"
    d8 = "8", "Physics"
    d9 = "9", "Brain and Cognitive Sciences"
    d10 = "10", "Chemical Engineering"
    d11 = "11", "Urban Studies and Planning"
    d12 = "12", "Earth, Atmospheric, and Planetary Sciences"
    d14 = "14", "Economics"
    d15 = "15", "Management"
    d16 = "16", "Aeronautics and Astronautics"
    d17 = "17", "Political Science"
    d18 = "18", "Mathematics"
    d20 = "20", "Biological Engineering"
    d21A = "21A", "Anthropology"
    d21G = "21G", "Global Languages"
    d21H = "21H", "History"
    d21L = "21L", "Literature"
    d21M = "21M", "Music and Theater Arts"
    d22 = "22", "Nuclear Science and Engineering"
    d24 = "24", "Linguistics and Philosophy"
    CC = "CC", "Concourse"
    CMS_W = "CMS-W", "Comparative Media Studies/Writing"
    EC = "EC", "Edgerton Center"
    ES = "ES", "Experimental Study Group"
    ESD = "ESD", "Engineering Systems Division"
    HST = "HST", "Medical Engineering and Science"
    IDS = "IDS", "Data, Systems, and Society"
    MAS = "MAS", "Media Arts and Sciences"
    PE = "PE", "Athletics, Physical Education and Recreation"
    SP = "SP", "Special Programs"
    STS = "STS", "Science, Technology, and Society"
    WGS = "WGS", "Women's and Gender Studies"


class SortBy(models.TextChoices):
    """Values of the ``sortby`` parameter of the resource lists."""

    id = "id", "Object ID ascending"
    id_desc = "-id", "Object ID descending"
    readable_id = "readable_id", "Readable ID ascending"
    readable_id_desc = "-readable_id", "Readable ID descending"
    last_modified = "last_modified", "Last Modified Date ascending"
    last_modified_desc = "-last_modified", "Last Modified Date descending"
    new = "new", "Newest resources first"
    start_date = "start_date", "Start Date ascending"
    start_date_desc = "-start_date", "Start Date descending"
    mitcoursenumber = "mitcoursenumber", "MIT course number ascending"
    mitcoursenumber_desc = "-mitcoursenumber", "MIT course number descending"
    views = "views", "Popularity ascending"
    views_desc = "-views", "Popularity descending"
    upcoming = "upcoming", "Next start date ascending"
