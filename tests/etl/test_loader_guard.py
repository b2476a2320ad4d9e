"""The unpublish guard at its boundaries: what a full load unpublishes, and when it refuses.

Records are loaded directly (no source), so each case states its counts exactly: the safety ratio
refuses an extract *below* ``ratio × published`` (an extract at exactly the ratio prunes), and the
failure guard refuses a failure share *above* ``failure_ratio`` (a share at exactly it prunes).
"""

from __future__ import annotations

from typing import Any

import pytest

from learn.catalog.models import LearningResource
from learn.etl.loader import load_resources
from learn.etl.models import RunStatus
from learn.etl.records import ResourceRecord

pytestmark = pytest.mark.django_db

SOURCE = "podcast"


def _records(count: int, start: int = 0) -> list[ResourceRecord]:
    return [
        ResourceRecord(
            readable_id=f"episode-{i}",
            resource_type="podcast",
            platform="podcast",
            title=f"Episode {i}",
            etl_source=SOURCE,
            url=f"https://example.org/shows/slug-{i}",
        )  # fmt: skip
        for i in range(start, start + count)
    ]


def _published() -> set[str]:
    return set(
        LearningResource.objects.filter(etl_source=SOURCE, published=True).values_list(
            "readable_id", flat=True
        )
    )


@pytest.fixture
def ten() -> None:
    first = load_resources(_records(10), SOURCE)
    assert first.run.status == RunStatus.ok and len(first.created) == 10


def test_an_extract_at_exactly_the_safety_ratio_prunes(ten: None) -> None:
    run = load_resources(_records(5), SOURCE, safety_ratio=0.5).run
    assert run.status == RunStatus.ok
    assert run.unpublished == 5
    assert _published() == {f"episode-{i}" for i in range(5)}


def test_an_extract_one_below_the_safety_ratio_is_suspicious(ten: None) -> None:
    result = load_resources(_records(4), SOURCE, safety_ratio=0.5)
    assert result.run.status == RunStatus.suspicious
    assert result.suspicious and result.unpublished == []
    assert result.message == (
        "SUSPICIOUS: the extract shrank to 4 records, below 50% of the 10 published; "
        "nothing unpublished (use --force to prune)"
    )
    assert len(_published()) == 10


def test_the_default_safety_ratio_comes_from_the_settings(
    ten: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from learn.config.env import get_env

    monkeypatch.setattr(get_env(), "etl_safety_ratio", 0.7)
    assert load_resources(_records(6), SOURCE).run.status == RunStatus.suspicious
    kept = load_resources(_records(7), SOURCE).run
    assert (kept.status, kept.unpublished) == (RunStatus.ok, 3)


def test_force_prunes_below_the_ratio_and_says_so(ten: None) -> None:
    result = load_resources(_records(2), SOURCE, safety_ratio=0.5, force=True)
    assert result.run.status == RunStatus.ok and result.run.forced
    assert sorted(result.unpublished) == sorted(
        LearningResource.objects.filter(published=False).values_list("id", flat=True)
    )
    assert len(result.unpublished) == 8
    assert result.message.startswith("forced: the extract shrank to 2 records")
    assert result.message.endswith("10 published before this run")


def test_a_partial_load_never_prunes(ten: None) -> None:
    result = load_resources(_records(1), SOURCE, full=False)
    assert result.run.status == RunStatus.ok and result.unpublished == []
    assert len(_published()) == 10


def test_an_empty_extract_is_suspicious_even_with_nothing_published() -> None:
    result = load_resources([], SOURCE)
    assert result.run.status == RunStatus.suspicious
    assert "the extract is empty (0 published resources kept)" in result.message


def test_the_guard_counts_only_the_named_resource_types(ten: None) -> None:
    # Three other-type rows neither count toward the published total nor get pruned.
    other = [
        ResourceRecord(
            readable_id=f"show-{i}",
            resource_type="podcast_episode",
            platform="podcast",
            title=f"Show {i}",
            etl_source=SOURCE,
        )  # fmt: skip
        for i in range(3)
    ]
    load_resources(other, SOURCE, full=False)
    run = load_resources(_records(5), SOURCE, safety_ratio=0.5, resource_types=["podcast"]).run
    assert (run.status, run.unpublished) == (RunStatus.ok, 5)
    assert {f"show-{i}" for i in range(3)} <= _published()


def _failures(*names: str) -> list[dict[str, Any]]:
    return [{"record": name, "message": "missing title"} for name in names]


def test_a_failure_share_at_exactly_the_threshold_prunes(ten: None) -> None:
    # 2 failed of 10 attempted = 20%: at the threshold, not above it.
    result = load_resources(
        _records(8), SOURCE, skipped_errors=_failures("episode-8", "episode-9"),
        failure_ratio=0.2,
    )  # fmt: skip
    assert result.run.status == RunStatus.partial
    assert result.unpublished == []  # the only missing rows are the failed ones: kept
    assert len(_published()) == 10
    assert "2 records failed to transform and 0 to load" in result.message


def test_a_failure_share_above_the_threshold_is_suspicious(ten: None) -> None:
    result = load_resources(
        _records(7), SOURCE, skipped_errors=_failures("episode-7", "episode-8", "episode-9"),
        failure_ratio=0.2,
    )  # fmt: skip
    assert result.run.status == RunStatus.suspicious
    assert result.message == (
        "SUSPICIOUS: 3 of 10 records (30%) failed to transform, above the 20% threshold; "
        "nothing unpublished (use --force to prune)"
    )


def test_a_failed_record_keeps_its_row_and_the_rest_prune(ten: None) -> None:
    # episode-9 failed by its name, episode-8 by its URL's last segment: kept; 5-7 are gone.
    result = load_resources(
        _records(5), SOURCE, skipped_errors=_failures("episode-9", "slug-8"),
        failure_ratio=0.5,
    )  # fmt: skip
    assert result.run.status == RunStatus.partial
    assert _published() == {f"episode-{i}" for i in (0, 1, 2, 3, 4, 8, 9)}
    assert result.run.unpublished == 3


def test_unnamed_failures_keep_every_row_unless_forced(ten: None) -> None:
    held = load_resources(_records(6), SOURCE, unidentified_failures=1, failure_ratio=0.5)
    assert held.unpublished == [] and len(_published()) == 10
    assert "1 failed records have no name" in held.message
    forced = load_resources(
        _records(6), SOURCE, unidentified_failures=1, failure_ratio=0.5, force=True
    )
    assert len(forced.unpublished) == 4


# ---------------------------------------------------------------- what a run reports and announces


def _broken(i: int) -> ResourceRecord:
    """A record the loader refuses (an unknown detail field): a load failure."""
    return ResourceRecord(
        readable_id=f"broken-{i}", resource_type="podcast", platform="podcast",
        title=f"Broken {i}", etl_source=SOURCE, detail={"no_such_field": 1},
    )  # fmt: skip


def test_a_run_whose_every_record_fails_to_load_has_failed() -> None:
    result = load_resources([_broken(1), _broken(2)], SOURCE)
    assert result.run.status == RunStatus.failed
    assert result.message == "every record failed to load (2)"


def test_a_run_with_some_records_loaded_is_partial_however_they_were_loaded(ten: None) -> None:
    records = _records(10)
    changed = [r.model_copy(update={"title": r.title + " (new)"}) for r in records[:3]]
    cases = [
        [changed[0]],  # one updated
        [changed[1], records[5]],  # one updated, one unchanged
        [records[6]],  # one unchanged
        _records(1, start=20),  # one created
    ]
    for case in cases:
        result = load_resources([*case, _broken(1)], SOURCE, full=False)
        assert result.run.status == RunStatus.partial, case
        assert "0 records failed to transform and 1 to load" in result.message


def test_transform_and_load_failures_together_make_a_partial_run(ten: None) -> None:
    result = load_resources(
        [*_records(10)[:9], _broken(1)], SOURCE, skipped_errors=_failures("episode-9"),
        failure_ratio=0.5,
    )  # fmt: skip
    assert result.run.status == RunStatus.partial
    assert "1 records failed to transform and 1 to load" in result.message


def test_a_partial_load_of_nothing_is_ok() -> None:
    result = load_resources([], SOURCE, full=False)
    assert result.run.status == RunStatus.ok


def test_a_run_keeps_its_first_thousand_errors() -> None:
    errors = [{"record": f"r{i}", "message": "missing title"} for i in range(1001)]
    run = load_resources(_records(1), SOURCE, skipped_errors=errors, full=False).run
    assert len(run.errors) == 1000 and run.errors[0]["record"] == "r0"
    assert run.errors[-1]["record"] == "r999"


def test_progress_counts_the_records_loaded(ten: None) -> None:
    calls: list[tuple[str, int, int]] = []
    load_resources(
        _records(5), SOURCE, full=False, batch_size=2, progress=lambda *a: calls.append(a)
    )
    assert calls == [("load", 2, 5), ("load", 4, 5), ("load", 5, 5)]


def test_changes_are_announced_and_unchanged_records_are_not(ten: None, etl_hooks: Any) -> None:
    records = _records(10)
    renamed = records[0].model_copy(update={"title": "Episode zero, renamed"})
    hidden = records[1].model_copy(update={"published": False})
    result = load_resources([renamed, hidden, *records[2:6]], SOURCE, safety_ratio=0.5)
    ids = dict(LearningResource.objects.values_list("readable_id", "id"))
    # the renamed one is announced; the one now unpublished and the pruned ones are removed
    assert etl_hooks.changed_ids() == {ids["episode-0"]}
    assert etl_hooks.removed_ids() == {ids[f"episode-{i}"] for i in (1, 6, 7, 8, 9)}
    assert sorted(result.unpublished) == sorted(ids[f"episode-{i}"] for i in (6, 7, 8, 9))


def test_every_stale_row_is_unpublished_past_one_update_batch() -> None:
    load_resources(_records(1003), SOURCE)
    result = load_resources(_records(1), SOURCE, force=True)
    assert len(result.unpublished) == 1002
    assert _published() == {"episode-0"}
