"""The catalog admin: every page renders for a superuser, stays cheap, and (un)publishing works."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learn.catalog import hooks
from learn.catalog.models import (
    ContentFile,
    Instructor,
    LearningResource,
    LearningResourceRun,
    RunInstructor,
)
from learn.catalog.taxonomy import load_taxonomy

pytestmark = pytest.mark.django_db

CATALOG_MODELS = sorted(
    (m for m in admin.site._registry if m._meta.app_label == "catalog"),
    key=lambda m: m.__name__,
)


@pytest.fixture
def operator(client: Client, django_user_model: Any) -> Client:
    user = django_user_model.objects.create_superuser("operator", "op@example.org", "pw")
    client.force_login(user)
    return client


def _make_resources(count: int, start: int = 0) -> list[LearningResource]:
    resources = []
    for n in range(start, start + count):
        resource = LearningResource.objects.create(
            readable_id=f"course-{n}",
            title=f"Course number {n}",
            resource_type="course",
            platform_id="ocw" if n % 2 else "edx",
            offered_by_id="ocw" if n % 2 else "mitx",
        )
        run = LearningResourceRun.objects.create(
            learning_resource=resource, run_id=f"run-{n}", title=f"Run {n}"
        )
        instructor, _ = Instructor.objects.get_or_create(full_name=f"Ada Lovelace {n % 3}")
        RunInstructor.objects.create(run=run, instructor=instructor)
        ContentFile.objects.create(
            key=f"courses/course-{n}/lecture.pdf", title=f"Lecture {n}", run=run
        )
        resources.append(resource)
    return resources


@pytest.fixture
def catalog(shared_dir: Path) -> list[LearningResource]:
    from learn.catalog.models import Testimonial

    load_taxonomy(shared_dir / "data" / "taxonomy")
    Testimonial.objects.create(attestant_name="A. Learner", title="Student", quote="It helped.")
    return _make_resources(3)


def test_every_catalog_model_that_operators_need_is_registered() -> None:
    names = {m.__name__ for m in CATALOG_MODELS}
    assert names >= {
        "LearningResource",
        "LearningResourceRun",
        "Topic",
        "TopicMapping",
        "Department",
        "School",
        "Offeror",
        "Platform",
        "Instructor",
        "ContentFile",
    }


@pytest.mark.parametrize("model", CATALOG_MODELS, ids=lambda m: m.__name__)
def test_changelist_and_change_page_render(
    operator: Client, catalog: list[LearningResource], model: Any
) -> None:
    opts = model._meta
    changelist = operator.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200

    row = model.objects.order_by("pk").first()
    assert row is not None
    change = operator.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
    )
    assert change.status_code == 200


def test_resource_changelist_search_and_filters(
    operator: Client, catalog: list[LearningResource]
) -> None:
    url = reverse("admin:catalog_learningresource_changelist")

    found = operator.get(url, {"q": "course-2"})
    filtered = operator.get(url, {"platform__code__exact": "ocw", "published__exact": "1"})

    assert found.status_code == filtered.status_code == 200
    assert [r.readable_id for r in found.context["cl"].result_list] == ["course-2"]
    assert [r.readable_id for r in filtered.context["cl"].result_list] == ["course-1"]


def test_content_file_search_by_key(operator: Client, catalog: list[LearningResource]) -> None:
    response = operator.get(
        reverse("admin:catalog_contentfile_changelist"), {"q": "course-1/lecture"}
    )

    assert response.status_code == 200
    assert [f.key for f in response.context["cl"].result_list] == ["courses/course-1/lecture.pdf"]


@pytest.mark.parametrize(
    "model_name", ["learningresource", "learningresourcerun", "contentfile", "topicmapping"]
)
def test_changelist_queries_do_not_grow_with_rows(
    operator: Client, shared_dir: Path, model_name: str
) -> None:
    load_taxonomy(shared_dir / "data" / "taxonomy")
    url = reverse(f"admin:catalog_{model_name}_changelist")
    _make_resources(3)
    with CaptureQueriesContext(connection) as few:
        assert operator.get(url).status_code == 200
    _make_resources(40, start=3)
    with CaptureQueriesContext(connection) as many:
        assert operator.get(url).status_code == 200

    assert len(many) == len(few)


def test_reference_data_is_view_only(operator: Client, catalog: list[LearningResource]) -> None:
    response = operator.get(reverse("admin:catalog_topic_changelist"))

    assert response.context["has_add_permission"] is False
    assert operator.get(reverse("admin:catalog_topic_add")).status_code == 403


def test_unpublish_action_updates_rows_and_tells_the_indexes(
    operator: Client,
    catalog: list[LearningResource],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    removed: list[list[int]] = []
    monkeypatch.setattr(hooks, "_removed", [])
    hooks.on_resources_removed(removed.append)
    first, second, third = catalog

    with django_capture_on_commit_callbacks(execute=True):
        response = operator.post(
            reverse("admin:catalog_learningresource_changelist"),
            {"action": "unpublish", "_selected_action": [first.pk, second.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert "2 resources unpublished." in response.content.decode()
    published = dict(LearningResource.objects.values_list("pk", "published"))
    assert published == {first.pk: False, second.pk: False, third.pk: True}
    assert removed == [[first.pk, second.pk]]


def test_published_is_the_only_editable_resource_field(
    operator: Client, catalog: list[LearningResource]
) -> None:
    resource = catalog[0]
    response = operator.get(reverse("admin:catalog_learningresource_change", args=[resource.pk]))

    form = response.context["adminform"].form
    assert list(form.fields) == ["published"]
