"""v0 channels: built from the taxonomy, kept in step with it, in MIT Learn's shapes."""

from __future__ import annotations

from typing import Any

from django.utils.text import slugify
from factories import Catalog
from rest_framework.test import APIClient

from learn.catalog.channels import sync_channels
from learn.catalog.featured import build_featured_lists
from learn.catalog.models import Channel, Department, Offeror, Topic
from learn.config.env import get_env

V0 = "/api/v0"


def _base() -> str:
    return get_env().app_base_url.rstrip("/")


def test_every_taxonomy_row_has_its_channel(catalog: Catalog) -> None:
    assert sync_channels().created == 0  # post_save made them already
    topics = {c.topic_id: c for c in Channel.objects.filter(channel_type="topic")}
    assert set(topics) == set(Topic.objects.values_list("id", flat=True))
    physics = topics[catalog.ref.topics["Physics"].pk]
    assert (physics.name, physics.title, physics.search_filter) == (
        "physics",
        "Physics",
        "topic=Physics",
    )
    units = {c.unit_id: c for c in Channel.objects.filter(channel_type="unit")}
    assert set(units) == set(Offeror.objects.values_list("code", flat=True))
    assert units["ocw"].search_filter == "offered_by=ocw" and units["ocw"].name == "ocw"
    departments = {c.department_id: c for c in Channel.objects.filter(channel_type="department")}
    assert set(departments) == {"6", "18", "8"}
    assert departments["6"].search_filter == "department=6"
    assert departments["6"].name == slugify("Electrical Engineering and Computer Science")


def test_channels_follow_renames_and_deletions(catalog: Catalog) -> None:
    topic = catalog.ref.topics["Physics"]
    channel = Channel.objects.get(topic=topic)
    topic.name = "Physical Sciences"
    topic.save()
    channel.refresh_from_db()
    assert (channel.name, channel.title) == ("physical-sciences", "Physical Sciences")
    assert channel.search_filter == "topic=Physical+Sciences"
    Topic.objects.filter(pk=topic.pk).update(name="Physics Again")  # bulk: no signal
    assert sync_channels().updated == 1
    assert Channel.objects.get(pk=channel.pk).name == "physics-again"  # same id
    department = Department.objects.get(department_id="8")
    department.school = None
    department.save()
    assert not Channel.objects.filter(department_id="8").exists()  # no school, no channel
    topic.delete()
    assert not Channel.objects.filter(pk=channel.pk).exists()


def test_list_filter_and_detail_validate(catalog: Catalog, checked_v0: Any) -> None:
    page = checked_v0.get(f"{V0}/channels/?limit=100")
    assert page["count"] == Channel.objects.count() == len(page["results"])
    for kind in ("topic", "department", "unit", "pathway"):
        typed = checked_v0.get(f"{V0}/channels/?channel_type={kind}&limit=100")
        assert {c["channel_type"] for c in typed["results"]} <= {kind}
        assert typed["count"] == Channel.objects.filter(channel_type=kind).count()
    channel = Channel.objects.get(topic=catalog.ref.topics["Science"])
    detail = checked_v0.get(f"{V0}/channels/{channel.pk}/")
    assert detail["channel_url"] == f"{_base()}/c/topic/science/"
    assert detail["topic_detail"] == {"topic": catalog.ref.topics["Science"].pk}
    assert detail["configuration"] == {"icon": "RiTestTubeLine"}
    assert [s["channel"] for s in detail["sub_channels"]] == ["mathematics", "physics"]
    assert {s["parent_channel"] for s in detail["sub_channels"]} == {"science"}
    assert detail["featured_list"] is None and detail["lists"] == []


def test_lookup_by_type_and_name(catalog: Catalog, checked_v0: Any) -> None:
    build_featured_lists(size=2)
    unit = checked_v0.get(f"{V0}/channels/type/unit/ocw/")
    assert unit["unit_detail"]["unit"]["code"] == "ocw"
    assert unit["channel_url"] == f"{_base()}/c/unit/ocw/"
    assert unit["unit_detail"]["unit"]["channel_url"] == unit["channel_url"]
    assert unit["featured_list"]["title"] == "MIT OpenCourseWare Featured Resources"
    department = checked_v0.get(f"{V0}/channels/type/department/mathematics/")
    assert department["department_detail"] == {"department": "18"}
    assert department["search_filter"] == "department=18"
    checked_v0.get(f"{V0}/channels/type/topic/computer-science/")


def test_channel_url_follows_app_base_url(
    catalog: Catalog, api: APIClient, monkeypatch: Any
) -> None:
    monkeypatch.setenv("APP_BASE_URL", "https://learn.example.org/")
    get_env.cache_clear()
    try:
        unit = api.get(f"{V0}/channels/type/unit/ocw/").json()
        topic = api.get("/api/v1/topics/").json()["results"][0]
    finally:
        monkeypatch.undo()
        get_env.cache_clear()
    assert unit["channel_url"] == "https://learn.example.org/c/unit/ocw/"
    assert unit["unit_detail"]["unit"]["channel_url"] == unit["channel_url"]
    assert topic["channel_url"].startswith("https://learn.example.org/c/topic/")


def test_counts(catalog: Catalog, checked_v0: Any) -> None:
    counts = checked_v0.get(f"{V0}/channels/counts/unit/")
    by_name = {c["name"]: c["counts"] for c in counts}
    published = catalog.published_ids
    from learn.catalog.models import LearningResource

    ocw = LearningResource.objects.filter(pk__in=published, offered_by="ocw", test_mode=False)
    assert by_name["ocw"] == {
        "courses": ocw.filter(resource_type="course").count(),
        "programs": ocw.filter(resource_type="program").count(),
    }
    assert by_name["ocw"]["courses"] > 0
    topics = {c["name"]: c["counts"] for c in checked_v0.get(f"{V0}/channels/counts/topic/")}
    cs = LearningResource.objects.filter(
        pk__in=published, topics=catalog.ref.topics["Computer Science"], test_mode=False
    )
    assert topics["computer-science"]["courses"] == cs.filter(resource_type="course").count()
    departments = checked_v0.get(f"{V0}/channels/counts/department/")
    assert {c["name"] for c in departments} == set(
        Channel.objects.filter(channel_type="department").values_list("name", flat=True)
    )
    assert checked_v0.get(f"{V0}/channels/counts/pathway/") == []


def test_bad_channel_input_is_a_clear_error(catalog: Catalog, api: APIClient) -> None:
    for url in (
        f"{V0}/channels/?channel_type=planet",
        f"{V0}/channels/counts/planet/",
        f"{V0}/channels/type/planet/x/",
    ):
        response = api.get(url)
        assert response.status_code == 400, url
        assert "channel_type" in response.json()["errors"], url
    assert api.get(f"{V0}/channels/type/topic/no-such-topic/").status_code == 404
    assert api.get(f"{V0}/channels/abc/").status_code == 404
    assert api.get(f"{V0}/channels/99999999/").status_code == 404
