"""Run instructors come in MIT Learn's order: by last name, ties in the source's order (MIT's own
OER export lists "Kim, Sang-Gook|Kim, Jeehwan" so), so MIT's clients see the same author lists."""

from __future__ import annotations

import pytest
from django.db.models import F
from django.test import Client
from factories import Catalog, make_resource, make_run

from learn.catalog.models import Instructor, RunInstructor

pytestmark = pytest.mark.django_db


def test_instructors_are_ordered_by_last_name_ties_as_given(catalog: Catalog) -> None:
    course = make_resource(catalog.ref, "course", "order-1", "Ordering Instructors")
    names = ("Zed Alpha", "ann beta", "Bob Alpha")
    run = make_run(course, "order-1-run", start=None, instructors=names)
    RunInstructor.objects.filter(run=run).update(position=F("position") + 1)
    nameless = Instructor.objects.create(full_name="Only First", first_name="Only", last_name=None)
    RunInstructor.objects.create(run=run, instructor=nameless, position=0)
    body = Client().get(f"/api/v1/learning_resources/{course.pk}/").json()
    names = [(i["first_name"], i["last_name"]) for i in body["runs"][0]["instructors"]]
    assert names == [("Only", ""), ("Zed", "Alpha"), ("Bob", "Alpha"), ("ann", "beta")]
