"""OCW over HTTP (static stand-in) and S3 (moto's server), and how transport failures end."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from learn.catalog.models import LearningResource
from learn.config.env import get_env
from learn.etl.models import RunStatus
from learn.etl.pipeline import run_source

KNOWN = [
    "6-006-introduction-to-algorithms-spring-2020",
    "18-06-linear-algebra-spring-2010",
    "14-01-principles-of-microeconomics-fall-2018",
    "8-01sc-classical-mechanics-fall-2016",
]

pytestmark = pytest.mark.django_db


def _published() -> set[str]:
    return set(
        LearningResource.objects.filter(etl_source="ocw", published=True).values_list(
            "readable_id", flat=True
        )
    )


EXPECTED = {"6.006+spring_2020", "18.06+spring_2010", "14.01+fall_2018", "8.01SC+fall_2016"}


def test_http_base_with_courses_txt(
    ocw_subset: Callable[..., Path], etl_static_site: Callable[[Path], str]
) -> None:
    base = etl_static_site(ocw_subset(KNOWN))
    run = run_source("ocw", source=base)
    assert run.status == RunStatus.ok, run.message
    assert run.created == 4
    assert _published() == EXPECTED
    econ = LearningResource.objects.get(readable_id="14.01+fall_2018")
    assert econ.title == "Principles of Microeconomics"
    assert list(econ.runs.get().instructors.values_list("full_name", flat=True)) == [
        "Jonathan Gruber"
    ]


def test_http_base_without_listing_reads_the_directory_index(
    ocw_subset: Callable[..., Path], etl_static_site: Callable[[Path], str]
) -> None:
    base = etl_static_site(ocw_subset(KNOWN, listing=False))
    run = run_source("ocw", source=base.rstrip("/"))
    assert run.status == RunStatus.ok, run.message
    assert _published() == EXPECTED


@pytest.fixture
def moto_s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(get_env(), "aws_s3_endpoint_url", endpoint)
    import boto3

    yield boto3.client("s3", endpoint_url=endpoint)
    server.stop()


def test_s3_prefix(moto_s3: Any, ocw_subset: Callable[..., Path]) -> None:
    root = ocw_subset(KNOWN)
    moto_s3.create_bucket(Bucket="ocw-live")
    for path in (root / "courses").glob("*/data.json"):
        key = f"site/courses/{path.parent.name}/data.json"
        moto_s3.put_object(Bucket="ocw-live", Key=key, Body=path.read_bytes())
    # files that are not course data.json are ignored
    moto_s3.put_object(Bucket="ocw-live", Key="site/courses/x/pages/a/data.json", Body=b"{}")
    moto_s3.put_object(Bucket="ocw-live", Key="other/courses/y/data.json", Body=b"{}")

    run = run_source("ocw", source="s3://ocw-live/site")
    assert run.status == RunStatus.ok, run.message
    assert _published() == EXPECTED
    assert LearningResource.objects.get(readable_id="6.006+spring_2020").runs.get().year == 2020


def _load_known(ocw_subset: Callable[..., Path]) -> None:
    run = run_source("ocw", source=str(ocw_subset(KNOWN, name="baseline")))
    assert run.status == RunStatus.ok
    assert _published() == EXPECTED


def test_http_500_is_retried_then_fails_and_unpublishes_nothing(
    ocw_subset: Callable[..., Path], etl_routes: Any, etl_fast_http: None
) -> None:
    _load_known(ocw_subset)
    etl_routes.add(
        "/courses.txt", 200, "6-006-introduction-to-algorithms-spring-2020\n", "text/plain"
    )
    etl_routes.add(
        "/courses/6-006-introduction-to-algorithms-spring-2020/data.json", 500, "boom", "text/plain"
    )
    run = run_source("ocw", source=etl_routes.base_url)
    assert run.status == RunStatus.failed
    assert "HTTP 500 after 3 attempts" in run.message
    assert etl_routes.hits["/courses/6-006-introduction-to-algorithms-spring-2020/data.json"] == 3
    assert (run.created, run.updated, run.unpublished) == (0, 0, 0)
    assert _published() == EXPECTED


def test_timeouts_are_retried_then_fail(
    ocw_subset: Callable[..., Path], etl_routes: Any, etl_fast_http: None
) -> None:
    _load_known(ocw_subset)
    etl_routes.add("/courses.txt", 200, "slow\n", "text/plain", delay=2.0)
    run = run_source("ocw", source=etl_routes.base_url)
    assert run.status == RunStatus.failed
    assert "timed out after 3 attempts" in run.message
    assert etl_routes.hits["/courses.txt"] == 3
    assert _published() == EXPECTED


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<html>Service moved</html>", "not valid JSON"),
        (b'{"course_title": "Intro", "instructors": [', "truncated JSON"),
    ],
)
def test_garbage_or_truncated_json_over_http_fails_the_run(
    ocw_subset: Callable[..., Path],
    etl_static_site: Callable[[Path], str],
    body: bytes,
    expected: str,
) -> None:
    _load_known(ocw_subset)
    broken = ocw_subset(KNOWN, name="broken", edit={KNOWN[0]: body})
    run = run_source("ocw", source=etl_static_site(broken))
    assert run.status == RunStatus.failed
    assert expected in run.message
    assert KNOWN[0] in run.message  # names the offending file
    assert run.unpublished == 0
    assert _published() == EXPECTED


def test_garbage_json_in_a_folder_fails_the_run(ocw_subset: Callable[..., Path]) -> None:
    _load_known(ocw_subset)
    broken = ocw_subset(KNOWN, name="broken", edit={KNOWN[1]: b"\x00\x01garbage"})
    run = run_source("ocw", source=str(broken))
    assert run.status == RunStatus.failed
    assert "not valid JSON" in run.message and KNOWN[1] in run.message
    assert _published() == EXPECTED


def test_missing_folder_fails_clearly(tmp_path: Path) -> None:
    run = run_source("ocw", source=str(tmp_path / "nowhere"))
    assert run.status == RunStatus.failed
    assert "not a folder" in run.message


def test_s3_site_tree_with_pages_and_resources(moto_s3: Any, shared_dir: Path) -> None:
    slug = "16-01-unified-engineering-i-ii-iii-iv-fall-2005-spring-2006"
    tree = shared_dir / "fixtures" / "sources" / "ocw" / "site_courses" / slug
    moto_s3.create_bucket(Bucket="ocw-live")
    for path in tree.rglob("data.json"):
        key = f"courses/{slug}/{path.relative_to(tree).as_posix()}"
        moto_s3.put_object(Bucket="ocw-live", Key=key, Body=path.read_bytes())

    run = run_source("ocw", source="s3://ocw-live")
    assert run.status == RunStatus.ok, run.message
    course = LearningResource.objects.get(readable_id="16.01+fall_2005")
    keys = set(course.runs.get().content_files.values_list("key", flat=True))
    assert f"courses/{slug}/pages/syllabus" in keys and len(keys) == 6
    assert LearningResource.objects.filter(resource_type="document", published=True).count() == 1
