"""The loader's guarantees: the prune guard, skipped records, idempotence, every resource type."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from learn.catalog.models import (
    ContentFile,
    LearningResource,
    LearningResourceRun,
    Offeror,
    Topic,
    TopicMapping,
)
from learn.etl.loader import load_resources
from learn.etl.models import EtlRun, RunStatus
from learn.etl.pipeline import run_source
from learn.etl.records import ContentFileRecord, ResourceRecord, RunRecord

pytestmark = pytest.mark.django_db

TEN = [
    "6-006-introduction-to-algorithms-spring-2020",
    "18-06-linear-algebra-spring-2010",
    "8-01sc-classical-mechanics-fall-2016",
    "14-01-principles-of-microeconomics-fall-2018",
    "10-492-1-integrated-chemical-engineering-topics-i-process-control-by-design-fall-2004",
    "10-492-2-integrated-chemical-engineering-topics-i-introduction-to-biocatalysis-fall-2004",
    "21m-030-introduction-to-world-music-fall-2006",
    "21m-030-introduction-to-world-music-spring-2013",
    "1-00-introduction-to-computers-and-engineering-problem-solving-spring-2012",
    "14-01sc-principles-of-microeconomics-fall-2011",
]


def _published_count() -> int:
    return LearningResource.objects.filter(etl_source="ocw", published=True).count()


def test_shrunken_extract_is_suspicious_and_force_prunes(
    ocw_subset: Callable[..., Path], etl_hooks: Any
) -> None:
    assert run_source("ocw", source=str(ocw_subset(TEN, name="all"))).created == 10
    etl_hooks.reset()

    small = str(ocw_subset(TEN[:4], name="small"))
    held = run_source("ocw", source=small)
    assert held.status == RunStatus.suspicious
    assert "shrank to 4 records, below 50% of the 10 published" in held.message
    assert (held.unchanged, held.unpublished) == (4, 0)
    assert _published_count() == 10
    assert etl_hooks.removed == []

    forced = run_source("ocw", source=small, force=True)
    assert forced.status == RunStatus.ok and forced.forced
    assert forced.unpublished == 6
    assert _published_count() == 4
    gone = LearningResource.objects.filter(etl_source="ocw", published=False)
    assert etl_hooks.removed_ids() == set(gone.values_list("id", flat=True))
    assert set(gone.values_list("etl_checksum", flat=True)) == {""}

    # a course that comes back is republished (its checksum was cleared)
    back = run_source("ocw", source=str(ocw_subset(TEN, name="all")))
    assert (back.status, back.updated, back.unchanged) == (RunStatus.ok, 6, 4)
    assert _published_count() == 10


def test_a_small_shrink_prunes_without_force(ocw_subset: Callable[..., Path]) -> None:
    run_source("ocw", source=str(ocw_subset(TEN, name="all")))
    run = run_source("ocw", source=str(ocw_subset(TEN[:7], name="seven")))
    assert (run.status, run.unpublished) == (RunStatus.ok, 3)


def test_safety_ratio_is_configurable(
    ocw_subset: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from learn.config.env import get_env

    run_source("ocw", source=str(ocw_subset(TEN, name="all")))
    monkeypatch.setattr(get_env(), "etl_safety_ratio", 0.9)
    run = run_source("ocw", source=str(ocw_subset(TEN[:8], name="eight")))
    assert run.status == RunStatus.suspicious and run.unpublished == 0


def test_empty_extract_keeps_everything(ocw_subset: Callable[..., Path], tmp_path: Path) -> None:
    run_source("ocw", source=str(ocw_subset(TEN, name="all")))
    empty = tmp_path / "empty" / "courses"
    empty.mkdir(parents=True)
    run = run_source("ocw", source=str(empty.parent))
    assert run.status == RunStatus.suspicious
    assert "the extract is empty (10 published resources kept)" in run.message
    assert _published_count() == 10
    forced = run_source("ocw", source=str(empty.parent), force=True)
    assert forced.unpublished == 10 and _published_count() == 0


def test_records_missing_required_fields_are_skipped_and_reported(
    ocw_subset: Callable[..., Path],
) -> None:
    site = ocw_subset(
        TEN[:5],
        edit={TEN[0]: {"course_title": ""}, TEN[1]: {"primary_course_number": ""}},
    )
    run = run_source("ocw", source=str(site))
    assert run.status == RunStatus.suspicious  # 2 of 5 failed: above the 10% threshold
    assert (run.extracted, run.created, run.skipped) == (5, 3, 2)
    by_record = {e["record"]: e["message"] for e in run.errors}
    assert "title" in by_record[TEN[0]] and "at least 1 character" in by_record[TEN[0]]
    assert by_record[TEN[1]] == "missing primary_course_number"
    assert _published_count() == 3


def test_duplicate_records_are_reported_once_loaded() -> None:
    record = ResourceRecord(
        readable_id="dup-1", resource_type="course", platform="ocw", title="Dup",
        etl_source="ocw", runs=[RunRecord(run_id="r1", title="Dup")],
    )  # fmt: skip
    result = load_resources([record, record.model_copy()], "ocw")
    assert len(result.created) == 1 and result.skipped == 1
    assert result.errors == [{"record": "dup-1", "message": "duplicate record in the extract"}]


def test_a_record_that_fails_to_load_is_isolated() -> None:
    good = ResourceRecord(
        readable_id="good", resource_type="podcast", platform="podcast", title="Good",
        etl_source="podcast",
    )  # fmt: skip
    bad = ResourceRecord(
        readable_id="bad", resource_type="podcast", platform="podcast", title="Bad",
        etl_source="podcast", detail={"no_such_field": 1},
    )  # fmt: skip
    result = load_resources([good, bad], "podcast")
    assert result.failed == 1 and len(result.created) == 1
    assert result.errors[0]["record"] == "bad"
    assert "unknown podcast detail field 'no_such_field'" in result.errors[0]["message"]
    assert result.run.status == RunStatus.partial
    assert list(LearningResource.objects.values_list("readable_id", flat=True)) == ["good"]


def test_topics_map_through_offeror_mappings_with_ancestors() -> None:
    science = Topic.objects.create(name="Science & Math")
    maths = Topic.objects.create(name="Mathematics", parent=science)
    Topic.objects.create(name="Physics", parent=science)
    ocw = Offeror.objects.create(code="ocw", name="MIT OpenCourseWare")
    TopicMapping.objects.create(topic=maths, offeror=ocw, topic_name="Linear Algebra")
    record = ResourceRecord(
        readable_id="t1", resource_type="course", platform="ocw", offered_by="ocw", title="T",
        etl_source="ocw", topics=["Linear Algebra", "physics", "Unheard Of"],
        runs=[RunRecord(run_id="r", title="T")],
    )  # fmt: skip
    load_resources([record], "ocw")
    resource = LearningResource.objects.get(readable_id="t1")
    assert set(resource.topics.values_list("name", flat=True)) == {
        "Mathematics", "Science & Math", "Physics",
    }  # fmt: skip


def _course(runs: list[RunRecord], files: list[ContentFileRecord] | None = None) -> ResourceRecord:
    return ResourceRecord(
        readable_id="c1", resource_type="course", platform="mitxonline", offered_by="mitx",
        title="Course", etl_source="mitxonline", certification=True,
        certification_type="completion", runs=runs, content_files=files or [],
    )  # fmt: skip


def test_runs_prices_and_content_files(etl_hooks: Any) -> None:
    run_a = RunRecord(run_id="a", title="A", prices=[{"amount": "99"}, {"amount": "0"}])
    run_b = RunRecord(run_id="b", title="B", prices=[{"amount": "150.5"}])
    files = [
        ContentFileRecord(key="page1", run_id="a", content="one", content_tags=["Notes"]),
        ContentFileRecord(key="page2", run_id="a", content="two"),
    ]
    load_resources([_course([run_a, run_b], files)], "mitxonline")
    resource = LearningResource.objects.get(readable_id="c1")
    a = resource.runs.get(run_id="a")
    assert a.prices == ["0.00", "99.00"]
    assert sorted(p.amount for p in a.resource_prices.all()) == [Decimal("0"), Decimal("99")]
    assert resource.free  # an audit track
    first = {f.key: f for f in ContentFile.objects.filter(run=a)}
    assert set(first) == {"page1", "page2"}
    assert list(first["page1"].content_tags.values_list("name", flat=True)) == ["Notes"]

    # run b disappears (unpublished), page2 changes, page1 unchanged (not rewritten), page3 new
    files2 = [
        ContentFileRecord(key="page1", run_id="a", content="one", content_tags=["Notes"]),
        ContentFileRecord(key="page3", run_id="a", content="three"),
    ]
    result = load_resources([_course([run_a], files2)], "mitxonline")
    assert len(result.updated) == 1
    assert not LearningResourceRun.objects.get(run_id="b").published
    after = {f.key: f for f in ContentFile.objects.filter(run=a)}
    assert after["page1"].updated_on == first["page1"].updated_on
    assert not after["page2"].published and after["page3"].published

    # a load with no files keeps the existing ones
    load_resources([_course([run_a])], "mitxonline")
    assert ContentFile.objects.filter(run=a, published=True).count() == 2


def test_demo_catalog_has_every_type_and_reloads_unchanged(etl_hooks: Any) -> None:
    first = run_source("demo")
    assert first.status == RunStatus.ok and first.failed == 0 and first.errors == []
    types = set(
        LearningResource.objects.filter(etl_source="demo", published=True).values_list(
            "resource_type", flat=True
        )
    )
    assert types == {
        "course", "program", "podcast", "podcast_episode", "video", "video_playlist",
        "learning_path", "document",
    }  # fmt: skip
    program = LearningResource.objects.get(readable_id="program-v1:DEMO+P1")
    assert program.children.count() == 4
    assert set(program.children.values_list("relation_type", flat=True)) == {"PROGRAM_COURSES"}
    playlist = LearningResource.objects.filter(resource_type="video_playlist").first()
    assert playlist is not None and playlist.video_playlist.channel_id == "UCDEMOCHANNEL"
    assert [c.position for c in playlist.children.all()] == [0, 1, 2, 3]
    episode = LearningResource.objects.filter(resource_type="podcast_episode").first()
    assert episode is not None and episode.podcast_episode.audio_url.endswith(".mp3")

    etl_hooks.reset()
    second = run_source("demo")
    assert (second.created, second.updated, second.unchanged) == (0, 0, first.created)
    assert etl_hooks.changed == []


def test_a_child_missing_from_the_catalog_is_reported() -> None:
    parent = ResourceRecord(
        readable_id="pl", resource_type="video_playlist", platform="youtube", title="PL",
        etl_source="youtube",
        children=[{"readable_id": "nope", "resource_type": "video", "platform": "youtube",
                   "relation_type": "PLAYLIST_VIDEOS"}],
    )  # fmt: skip
    result = load_resources([parent], "youtube")
    assert result.errors and "'nope'" in result.errors[0]["message"]
    assert EtlRun.objects.get(pk=result.run.pk).errors == result.errors
