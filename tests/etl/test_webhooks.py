"""Webhooks through the real URL routes: signatures, bodies, and the catalog rows they change.

Tasks run in-process (the embedded mode), so each accepted request has already loaded or
unpublished by the time its answer arrives; refusals must leave the catalog untouched.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from celery_worker import edx_content_worker
from django.test import Client

from learn.catalog.models import ContentFile, LearningResource
from learn.config.celery import app
from learn.config.env import get_env
from learn.etl import webhook_tasks
from learn.etl.loader import load_resources
from learn.etl.models import EtlRun, RunStatus
from learn.etl.pipeline import run_source
from learn.etl.records import ResourceRecord, RunRecord
from learn.etl.webhook_auth import SIGNATURE_HEADER, sign, signed_headers

pytestmark = pytest.mark.django_db


def eager(monkeypatch: pytest.MonkeyPatch, value: bool) -> None:
    """Run tasks in the caller (embedded mode) or send them to the broker, for one test."""
    monkeypatch.setitem(app.conf, "task_always_eager", value)


SECRET = "s3cret-for-tests"
OCW_KEY = "ocw-key-for-tests"
EDX_RUN = "course-v1:MITxT+8.01.3x+3T2022"
ARCHIVE = f"{EDX_RUN}.tar.gz"
CONTENT_URL = "/api/v1/webhooks/content_files/"
DELETE_URL = "/api/v1/webhooks/content_files/delete/"
OVS_URL = "/api/v1/webhooks/ovs_videos/"
OCW_URL = "/api/v1/ocw_next_webhook/"
OVS_HOSTS = "du3yhovcx8dht.cloudfront.net,d1rlgptj9v7p9j.cloudfront.net"
SLUG_A = "18-06-linear-algebra-spring-2010"
SLUG_B = "6-006-introduction-to-algorithms-spring-2020"


@pytest.fixture(autouse=True)
def in_process_tasks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The embedded mode (tasks run in the request), even when REDIS_URL names a broker."""
    if "worker" not in request.fixturenames:
        eager(monkeypatch, True)


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    env = get_env()
    monkeypatch.setattr(env, "webhook_secret", SECRET)
    monkeypatch.setattr(env, "ocw_webhook_key", OCW_KEY)
    monkeypatch.setattr(env, "ovs_allowed_media_hosts", OVS_HOSTS)


@pytest.fixture
def archives(tmp_path: Path, shared_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "archives"
    folder.mkdir()
    shutil.copyfile(shared_dir / "fixtures" / "sources" / "edx" / ARCHIVE, folder / ARCHIVE)
    monkeypatch.setattr(get_env(), "course_archive_location", str(folder))
    return folder


@pytest.fixture
def edx_run() -> None:
    record = ResourceRecord(
        readable_id="MITxT+8.01.3x", resource_type="course", platform="edx",
        etl_source="edx_test", title="Mechanics", runs=[RunRecord(run_id=EDX_RUN, title="3T2022")],
    )  # fmt: skip
    load_resources([record], "edx_test", full=False)


def post(
    client: Client, url: str, body: Any, signature: str | None = "sign",
    content_type: str = "application/json",
) -> Any:  # fmt: skip
    """POST ``body`` with a fresh timestamp and delivery id, signed unless ``signature`` says
    otherwise (None: no signature header; any other string: sent as the signature)."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = signed_headers(SECRET, raw, uuid.uuid4().hex)
    if signature is None:
        del headers[SIGNATURE_HEADER]
    elif signature != "sign":
        headers[SIGNATURE_HEADER] = signature
    return client.post(url, data=raw, content_type=content_type, headers=headers)


def published_files() -> set[str]:
    return set(
        ContentFile.objects.filter(run__run_id=EDX_RUN, published=True).values_list(
            "key", flat=True
        )
    )


# ---------------------------------------------------------------- content files


def test_signed_content_files_webhook_ingests_the_archive(
    client: Client, secrets: None, archives: Path, edx_run: None
) -> None:
    body = {"source": "mit_edx", "content_path": ARCHIVE, "course_id": EDX_RUN}
    response = post(client, CONTENT_URL, body)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "success"
    assert "about/overview.html" in published_files()
    overview = ContentFile.objects.get(run__run_id=EDX_RUN, key="about/overview.html")
    assert "150-400 words" in (overview.content or "")
    run = EtlRun.objects.filter(source="edx_content").latest("id")
    assert run.status == RunStatus.ok and run.created == len(published_files())


def test_sha256_prefixed_signature_and_form_body_are_accepted(
    client: Client, secrets: None, archives: Path, edx_run: None
) -> None:
    raw = urlencode({"source": "mit_edx", "content_path": ARCHIVE}).encode()
    headers = signed_headers(SECRET, raw, uuid.uuid4().hex)
    headers[SIGNATURE_HEADER] = "sha256=" + headers[SIGNATURE_HEADER]
    response = client.post(
        CONTENT_URL, data=raw, content_type="application/x-www-form-urlencoded", headers=headers
    )
    assert response.status_code == 200, response.json()
    assert "course.xml" in published_files()


def test_delete_webhook_unpublishes_the_runs_files(
    client: Client, secrets: None, archives: Path, edx_run: None
) -> None:
    post(client, CONTENT_URL, {"source": "mit_edx", "content_path": ARCHIVE})
    before = published_files()
    assert before
    body = {"source": "mit_edx", "course_id": EDX_RUN}
    response = post(client, DELETE_URL, body)
    assert response.status_code == 200
    answer = response.json()
    assert answer["source"] == "mit_edx" and answer["course_id"] == EDX_RUN
    assert published_files() == set()
    assert ContentFile.objects.filter(run__run_id=EDX_RUN).count() == len(before)
    run = EtlRun.objects.filter(source="edx_content").latest("id")
    assert run.unpublished == len(before)


def test_a_replayed_signed_delete_is_refused(
    client: Client, secrets: None, archives: Path, edx_run: None
) -> None:
    # the old webhook signed only the body: the same signed delete was accepted three times
    post(client, CONTENT_URL, {"source": "mit_edx", "content_path": ARCHIVE})
    raw = json.dumps({"source": "mit_edx", "course_id": EDX_RUN}).encode()
    delivery = f"delivery-{uuid.uuid4().hex}"  # the cache (Redis in CI) outlives a test run
    headers = signed_headers(SECRET, raw, delivery)
    answers = [
        client.post(DELETE_URL, data=raw, content_type="application/json", headers=headers)
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [200, 409, 409]
    assert f"{delivery} was already received" in answers[1].json()["error"]
    deletes = EtlRun.objects.filter(source="edx_content", unpublished__gt=0).count()
    assert deletes == 1


@pytest.mark.parametrize("offset", [-301, 301, -3600])
def test_a_stale_or_future_timestamp_is_refused(
    client: Client, secrets: None, archives: Path, edx_run: None, offset: int
) -> None:
    import time

    raw = json.dumps({"source": "mit_edx", "content_path": ARCHIVE}).encode()
    headers = signed_headers(SECRET, raw, uuid.uuid4().hex, timestamp=int(time.time()) + offset)
    response = client.post(CONTENT_URL, data=raw, content_type="application/json", headers=headers)
    assert response.status_code == 403 and "window 300 s" in response.json()["error"]
    assert published_files() == set()


def test_the_timestamp_and_delivery_id_are_signed(
    client: Client, secrets: None, archives: Path, edx_run: None
) -> None:
    raw = json.dumps({"source": "mit_edx", "content_path": ARCHIVE}).encode()
    for header, value in (("X-MITLearn-Timestamp", None), ("X-MITLearn-Delivery", "other-id")):
        headers = signed_headers(SECRET, raw, uuid.uuid4().hex)
        headers[header] = value or str(int(headers[header]) - 5)
        response = client.post(
            CONTENT_URL, data=raw, content_type="application/json", headers=headers
        )
        assert response.status_code == 403 and "invalid" in response.json()["error"]
    for missing in ("X-MITLearn-Timestamp", "X-MITLearn-Delivery"):
        headers = signed_headers(SECRET, raw, uuid.uuid4().hex)
        del headers[missing]
        response = client.post(
            CONTENT_URL, data=raw, content_type="application/json", headers=headers
        )
        assert response.status_code == 403 and f"missing {missing}" in response.json()["error"]
    assert published_files() == set()


def test_delete_of_an_unknown_run_changes_nothing(
    client: Client, secrets: None, archives: Path, edx_run: None
) -> None:
    post(client, CONTENT_URL, {"source": "mit_edx", "content_path": ARCHIVE})
    before = published_files()
    response = post(client, DELETE_URL, {"source": "mit_edx", "course_id": "course-v1:No+Such"})
    assert response.status_code == 200
    assert published_files() == before
    assert EtlRun.objects.filter(source="edx_content").latest("id").status == RunStatus.skipped


@pytest.mark.parametrize("signature", [None, "", "0" * 64, "sha256=deadbeef", "not hex at all ✓"])
def test_bad_or_missing_signature_is_403_and_changes_nothing(
    client: Client, secrets: None, archives: Path, edx_run: None, signature: str | None
) -> None:
    body = {"source": "mit_edx", "content_path": ARCHIVE}
    for url in (CONTENT_URL, DELETE_URL, OVS_URL):
        response = post(client, url, body, signature=signature)
        assert response.status_code == 403
        assert SIGNATURE_HEADER in response.json()["error"]
    assert published_files() == set()
    assert not EtlRun.objects.filter(source="edx_content").exists()


def test_signature_of_another_body_is_refused(
    client: Client, secrets: None, archives: Path, edx_run: None
) -> None:
    other = b'{"source": "mit_edx", "content_path": "other.tar.gz"}'
    signed = signed_headers(SECRET, other, uuid.uuid4().hex)[SIGNATURE_HEADER]
    response = post(client, CONTENT_URL, {"source": "mit_edx", "content_path": ARCHIVE}, signed)
    assert response.status_code == 403
    assert published_files() == set()


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b"{not json", "not valid JSON"),
        (b"", "empty body"),
        (b"[1, 2]", "JSON object"),
        ({"content_path": ARCHIVE}, "source"),
        ({"source": "nowhere", "content_path": ARCHIVE}, "source"),
        ({"source": "canvas", "content_path": ARCHIVE}, "no content archives here"),
        ({"source": "mit_edx"}, "content_path is required"),
        ({"source": "mit_edx", "content_path": "../../etc/passwd"}, "relative path"),
        ({"source": "mit_edx", "content_path": "/etc/passwd"}, "relative path"),
    ],
)
def test_malformed_content_body_is_400_naming_the_problem(
    client: Client, secrets: None, archives: Path, edx_run: None, body: Any, needle: str
) -> None:
    response = post(client, CONTENT_URL, body)
    assert response.status_code == 400
    assert needle in response.json()["error"]
    assert published_files() == set()


def test_delete_without_a_course_is_400(client: Client, secrets: None) -> None:
    response = post(client, DELETE_URL, {"source": "mit_edx"})
    assert response.status_code == 400
    assert "course_id or course_readable_id" in response.json()["error"]


def test_unsupported_content_type_is_400(client: Client, secrets: None) -> None:
    response = post(client, CONTENT_URL, b"source=mit_edx", content_type="text/plain")
    assert response.status_code == 400 and "content type" in response.json()["error"]


def test_unconfigured_secret_is_503_naming_the_variable(
    client: Client, archives: Path, edx_run: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_env(), "webhook_secret", None)
    for url in (CONTENT_URL, DELETE_URL, OVS_URL):
        response = post(client, url, {"source": "mit_edx", "content_path": ARCHIVE})
        assert response.status_code == 503
        assert "WEBHOOK_SECRET" in response.json()["error"]
    assert published_files() == set()


def test_unconfigured_archive_location_is_503(
    client: Client, secrets: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_env(), "course_archive_location", None)
    response = post(client, CONTENT_URL, {"source": "mit_edx", "content_path": ARCHIVE})
    assert response.status_code == 503
    assert "COURSE_ARCHIVE_LOCATION" in response.json()["error"]


def test_missing_archive_is_recorded_as_a_failed_run(
    client: Client, secrets: None, archives: Path, edx_run: None
) -> None:
    response = post(client, CONTENT_URL, {"source": "mit_edx", "content_path": "gone.tar.gz"})
    assert response.status_code == 200  # accepted: the task finds out
    run = EtlRun.objects.filter(source="edx_content").latest("id")
    assert run.status == RunStatus.failed and "no such archive" in run.message
    assert published_files() == set()


def test_webhook_tasks_are_routed_to_their_queues() -> None:
    router = app.amqp.router
    content = (webhook_tasks.ingest_webhook_archive, webhook_tasks.unpublish_webhook_run_files)
    for task in content:
        assert router.route({}, task.name)["queue"].name == "edx_content"
    for task in (webhook_tasks.load_ocw_courses, webhook_tasks.upsert_ovs_video):
        assert router.route({}, task.name)["queue"].name == "default"


# ---------------------------------------------------------------- OVS


@pytest.fixture
def ovs_video(shared_dir: Path) -> dict[str, Any]:
    payload = json.loads(
        (shared_dir / "fixtures" / "sources" / "ovs" / "ovs_videos.json").read_text()
    )
    video = payload["results"][0]
    assert video["key"] == "96fb932aa5644d8e8f6a5fafe42caa87"
    return dict(video)


def ovs_row(key: str) -> LearningResource | None:
    return LearningResource.objects.filter(platform_id="ovs", readable_id=key).first()


def test_signed_ovs_upsert_loads_the_video(
    client: Client, secrets: None, ovs_video: dict[str, Any]
) -> None:
    response = post(client, OVS_URL, ovs_video)
    assert response.status_code == 200, response.json()
    row = ovs_row(ovs_video["key"])
    assert row is not None and row.published and row.resource_type == "video"
    assert row.title == "Introduction to Machine Learning"
    assert row.video.streaming_url.endswith("video__index.m3u8")
    run = EtlRun.objects.filter(source="ovs").latest("id")
    assert run.status == RunStatus.ok and run.created == 1


def test_ovs_upsert_does_not_unpublish_other_videos(
    client: Client, secrets: None, shared_dir: Path
) -> None:
    videos = json.loads(
        (shared_dir / "fixtures" / "sources" / "ovs" / "ovs_videos.json").read_text()
    )
    first, second = videos["results"][:2]
    post(client, OVS_URL, first)
    post(client, OVS_URL, dict(second, title="Renamed"))
    assert ovs_row(first["key"]).published  # type: ignore[union-attr]
    assert ovs_row(second["key"]).title == "Renamed"  # type: ignore[union-attr]


def test_ovs_delete_and_private_videos_unpublish(
    client: Client, secrets: None, ovs_video: dict[str, Any]
) -> None:
    post(client, OVS_URL, ovs_video)
    response = post(client, OVS_URL, {"video_id": ovs_video["key"], "delete": True})
    assert response.status_code == 200
    assert not ovs_row(ovs_video["key"]).published  # type: ignore[union-attr]
    post(client, OVS_URL, ovs_video)
    assert ovs_row(ovs_video["key"]).published  # type: ignore[union-attr]
    post(client, OVS_URL, dict(ovs_video, is_public=False))
    assert not ovs_row(ovs_video["key"]).published  # type: ignore[union-attr]


def test_bad_ovs_signature_changes_nothing(
    client: Client, secrets: None, ovs_video: dict[str, Any]
) -> None:
    response = post(client, OVS_URL, ovs_video, signature=sign("wrong", b"{}", 0, "d"))
    assert response.status_code == 403
    assert ovs_row(ovs_video["key"]) is None


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"key": None}, "key is required"),
        ({"key": "../etc"}, "key must match"),
        ({"title": None}, "title"),
        ({"sources": []}, "no HLS"),
        ({"delete": "maybe"}, "delete must be a boolean"),
    ],
)
def test_malformed_ovs_body_is_400(
    client: Client, secrets: None, ovs_video: dict[str, Any], change: dict[str, Any], needle: str
) -> None:
    body = {k: v for k, v in {**ovs_video, **change}.items() if v is not None}
    response = post(client, OVS_URL, body)
    assert response.status_code == 400
    assert needle in response.json()["error"]
    assert not LearningResource.objects.filter(platform_id="ovs").exists()


# ---------------------------------------------------------------- OCW


@pytest.fixture
def ocw_site(
    ocw_subset: Callable[..., Path], etl_taxonomy: None, monkeypatch: pytest.MonkeyPatch
) -> Path:
    root = ocw_subset([SLUG_A, SLUG_B])
    monkeypatch.setattr(get_env(), "ocw_data_source", str(root))
    assert run_source("ocw").status == RunStatus.ok
    return root


def ocw_course(slug: str) -> LearningResource:
    return LearningResource.objects.get(platform_id="ocw", runs__slug=f"courses/{slug}")


def ocw_post(client: Client, body: dict[str, Any], key: str | None = OCW_KEY) -> Any:
    """POST to the OCW webhook, signed with ``key`` (None: unsigned)."""
    raw = json.dumps(body).encode()
    headers = signed_headers(key, raw, uuid.uuid4().hex) if key else {}
    return client.post(OCW_URL, data=raw, content_type="application/json", headers=headers)


def edit_title(root: Path, slug: str, title: str) -> None:
    path = root / "courses" / slug / "data.json"
    data = json.loads(path.read_text())
    data["course_title"] = title
    path.write_text(json.dumps(data))


def test_ocw_webhook_loads_only_the_named_courses(
    client: Client, secrets: None, ocw_site: Path
) -> None:
    edit_title(ocw_site, SLUG_A, "Linear Algebra (republished)")
    edit_title(ocw_site, SLUG_B, "Algorithms (not announced)")
    shutil.rmtree(ocw_site / "courses" / SLUG_B)  # a full load would unpublish it
    body = {"webhook_key": OCW_KEY, "version": "live", "prefixes": [f"courses/{SLUG_A}/"]}
    response = ocw_post(client, body)
    assert response.status_code == 200, response.json()
    assert ocw_course(SLUG_A).title == "Linear Algebra (republished)"
    other = ocw_course(SLUG_B)
    assert other.published and other.title != "Algorithms (not announced)"
    run = EtlRun.objects.filter(source="ocw").latest("id")
    assert run.status == RunStatus.ok and run.updated == 1 and run.unpublished == 0


def test_ocw_webhook_reports_a_missing_course_and_loads_the_rest(
    client: Client, secrets: None, ocw_site: Path
) -> None:
    edit_title(ocw_site, SLUG_A, "Linear Algebra (again)")
    body = {
        "webhook_key": OCW_KEY,
        "version": "live",
        "prefix": f"courses/{SLUG_A}/,courses/no-such-course/",
    }
    assert ocw_post(client, body).status_code == 200
    assert ocw_course(SLUG_A).title == "Linear Algebra (again)"
    run = EtlRun.objects.filter(source="ocw").latest("id")
    assert run.skipped == 1 and "no-such-course" in json.dumps(run.errors)


def test_ocw_webhook_unpublishes_a_site(client: Client, secrets: None, ocw_site: Path) -> None:
    course = ocw_course(SLUG_A)
    site_uid = course.runs.get().run_id
    body = {"webhook_key": OCW_KEY, "version": "live", "site_uid": site_uid, "unpublished": True}
    assert ocw_post(client, body).status_code == 200
    assert not ocw_course(SLUG_A).published
    assert ocw_course(SLUG_B).published


def test_ocw_draft_versions_are_ignored(client: Client, secrets: None, ocw_site: Path) -> None:
    edit_title(ocw_site, SLUG_A, "Draft title")
    body = {"webhook_key": OCW_KEY, "version": "draft", "prefixes": [f"courses/{SLUG_A}/"]}
    response = ocw_post(client, body)
    assert response.status_code == 200 and response.json()["status"] == "ignored"
    assert ocw_course(SLUG_A).title != "Draft title"


@pytest.mark.parametrize("key", [None, "", "wrong-key"])
def test_ocw_wrong_or_missing_key_is_403(
    client: Client, secrets: None, ocw_site: Path, key: str | None
) -> None:
    # the key signs the request now; one in the body (unsigned) opens nothing
    edit_title(ocw_site, SLUG_A, "Should not load")
    body: dict[str, Any] = {"version": "live", "prefixes": [f"courses/{SLUG_A}/"]}
    body["webhook_key"] = OCW_KEY
    response = ocw_post(client, body, key=key)
    assert response.status_code == 403 and SIGNATURE_HEADER in response.json()["error"]
    assert ocw_course(SLUG_A).title != "Should not load"


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"version": "live"}, "nothing to do"),
        ({"prefixes": [f"courses/{SLUG_A}/"]}, "version is required"),
        ({"version": "live", "prefixes": ["courses/../../etc/"]}, "does not name an OCW course"),
        ({"version": "live", "prefixes": [3]}, "prefixes must be strings"),
        ({"version": "live", "unpublished": True}, "needs the site_uid"),
    ],
)
def test_malformed_ocw_body_is_400(
    client: Client, secrets: None, body: dict[str, Any], needle: str
) -> None:
    response = ocw_post(client, {"webhook_key": OCW_KEY, **body})
    assert response.status_code == 400
    assert needle in response.json()["error"]
    assert not EtlRun.objects.exists()


def test_ocw_body_that_is_not_json_is_400(client: Client, secrets: None) -> None:
    headers = signed_headers(OCW_KEY, b"{oops", uuid.uuid4().hex)
    response = client.post(OCW_URL, data=b"{oops", content_type="application/json", headers=headers)
    assert response.status_code == 400 and "not valid JSON" in response.json()["error"]


def test_ocw_unconfigured_key_is_503(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_env(), "ocw_webhook_key", None)
    response = ocw_post(client, {"version": "live", "prefix": "courses/a/"}, key="x")
    assert response.status_code == 503 and "OCW_WEBHOOK_KEY" in response.json()["error"]
    assert not EtlRun.objects.exists()


def test_ocw_partial_load_over_http(
    client: Client, secrets: None, ocw_site: Path, etl_static_site: Callable[[Path], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    edit_title(ocw_site, SLUG_A, "Linear Algebra over HTTP")
    monkeypatch.setattr(get_env(), "ocw_data_source", etl_static_site(ocw_site))
    body = {"webhook_key": OCW_KEY, "version": "live", "prefixes": [f"courses/{SLUG_A}/"]}
    assert ocw_post(client, body).status_code == 200
    assert ocw_course(SLUG_A).title == "Linear Algebra over HTTP"
    assert ocw_course(SLUG_B).published


# ---------------------------------------------------------------- contract


def test_answers_validate_against_the_contract(
    client: Client, secrets: None, archives: Path, edx_run: None, ovs_video: dict[str, Any],
    shared_dir: Path,
) -> None:  # fmt: skip
    import yaml
    from openapi_core import Config, OpenAPI
    from openapi_core.testing import MockRequest, MockResponse

    spec = yaml.safe_load((shared_dir / "contracts" / "mitlearn-api-v1.yaml").read_text())
    contract = OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))
    calls = [
        (CONTENT_URL, {"source": "mit_edx", "content_path": ARCHIVE, "course_id": EDX_RUN}),
        (DELETE_URL, {"source": "mit_edx", "course_id": EDX_RUN}),
        (OVS_URL, ovs_video),
        (OVS_URL, {"video_id": ovs_video["key"], "delete": True}),
    ]
    for url, body in calls:
        response = post(client, url, body)
        assert response.status_code == 200, response.json()
        contract.validate_response(
            MockRequest("http://localhost", "post", url),
            MockResponse(response.content, status_code=200, content_type="application/json"),
        )


# ---------------------------------------------------------------- through Redis and a worker


@pytest.fixture
def worker(tmp_path: Path, archives: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A real worker consuming only ``edx_content`` (its own fresh SQLite catalog)."""
    with edx_content_worker(
        tmp_path / "var", "webhooks", COURSE_ARCHIVE_LOCATION=str(archives)
    ) as proc:
        yield proc


@pytest.mark.redis
def test_webhook_enqueues_to_edx_content_for_a_worker(
    worker: subprocess.Popen[bytes], secrets: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from celery.result import AsyncResult

    from learn.etl import webhook_actions

    eager(monkeypatch, False)
    raw = json.dumps({"source": "mit_edx", "content_path": ARCHIVE}).encode()
    headers = signed_headers(SECRET, raw, uuid.uuid4().hex)
    answer = webhook_actions.content_files(raw, "application/json", headers)
    summary = AsyncResult(answer["task_id"], app=app).get(timeout=120)
    # the worker's fresh catalog has no such run: reported and skipped, recorded as a run
    assert summary["courses"][0]["run_id"] == EDX_RUN
    assert "not in the catalog" in summary["courses"][0]["message"]
    assert published_files() == set()  # nothing ran in this process


# ---------------------------------------------------------------- S3 locations (moto's server)


@pytest.fixture
def webhook_s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(get_env(), "aws_s3_endpoint_url", endpoint)
    yield boto3.client("s3", endpoint_url=endpoint)
    server.stop()


def test_content_archive_from_s3(
    client: Client, secrets: None, edx_run: None, webhook_s3: Any, shared_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    webhook_s3.create_bucket(Bucket="archives")
    archive = shared_dir / "fixtures" / "sources" / "edx" / ARCHIVE
    webhook_s3.put_object(Bucket="archives", Key=f"exports/{ARCHIVE}", Body=archive.read_bytes())
    monkeypatch.setattr(get_env(), "course_archive_location", "s3://archives/exports")
    response = post(client, CONTENT_URL, {"source": "mit_edx", "content_path": ARCHIVE})
    assert response.status_code == 200
    assert "about/overview.html" in published_files()
    missing = post(client, CONTENT_URL, {"source": "mit_edx", "content_path": "nope.tar.gz"})
    assert missing.status_code == 200
    assert EtlRun.objects.filter(source="edx_content").latest("id").status == RunStatus.failed


def test_ocw_webhook_reads_only_the_named_course_from_s3(
    client: Client, secrets: None, etl_taxonomy: None, webhook_s3: Any, shared_dir: Path,
    ocw_subset: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    slug = "16-01-unified-engineering-i-ii-iii-iv-fall-2005-spring-2006"
    tree = shared_dir / "fixtures" / "sources" / "ocw" / "site_courses" / slug
    webhook_s3.create_bucket(Bucket="ocw-live")
    for path in tree.rglob("data.json"):
        key = f"live/courses/{slug}/{path.relative_to(tree).as_posix()}"
        webhook_s3.put_object(Bucket="ocw-live", Key=key, Body=path.read_bytes())
    other = ocw_subset([SLUG_A]) / "courses" / SLUG_A / "data.json"
    webhook_s3.put_object(
        Bucket="ocw-live", Key=f"live/courses/{SLUG_A}/data.json", Body=other.read_bytes()
    )
    monkeypatch.setattr(get_env(), "ocw_data_source", "s3://ocw-live/live")
    body = {"webhook_key": OCW_KEY, "version": "live", "prefixes": [f"courses/{slug}/"]}
    assert ocw_post(client, body).status_code == 200
    course = LearningResource.objects.get(readable_id="16.01+fall_2005")
    keys = set(course.runs.get().content_files.values_list("key", flat=True))
    assert f"courses/{slug}/pages/syllabus" in keys and len(keys) == 6
    assert not LearningResource.objects.filter(runs__slug=f"courses/{SLUG_A}").exists()


def test_a_retried_delete_announces_what_a_killed_attempt_did_not(
    client: Client, secrets: None, archives: Path, edx_run: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A delete task killed between its UPDATE and its announcement is run again (acks_late):
    nothing is left to unpublish, yet the index must still hear of it (here the resource is
    announced as changed, so its files are re-indexed without the unpublished ones)."""
    from learn.catalog import hooks
    from learn.etl.targeted_writes import find_runs, unpublish_run_files

    post(client, CONTENT_URL, {"source": "mit_edx", "content_path": ARCHIVE})
    runs = find_runs("edx", EDX_RUN)
    announced: list[list[int]] = []
    monkeypatch.setattr(hooks, "resources_changed", lambda ids: None)  # the attempt that died
    assert unpublish_run_files(runs) > 0
    monkeypatch.setattr(hooks, "resources_changed", lambda ids: announced.append(list(ids)))
    assert unpublish_run_files(runs) == 0  # the retry: nothing left to change ...
    assert announced == [[runs[0].learning_resource_id]]  # ... and still announced
