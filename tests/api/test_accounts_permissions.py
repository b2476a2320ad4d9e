"""Every write endpoint of accounts, for anonymous, another user, the owner, an editor, staff.

"owner" owns the user list / profile under test and is no editor; the learning path belongs to
the catalog (editors and staff write it). Anonymous writes get 401 (Bearer challenge); writes to
what another user owns answer 404, so nobody learns that a private list exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from factories import Catalog
from people import ROLES, People
from rest_framework.test import APIClient

from learn.accounts.models import UserList, UserListRelationship
from learn.catalog.constants import RelationType
from learn.catalog.models import LearningResourceRelationship

V0, V1 = "/api/v0", "/api/v1"


@dataclass
class World:
    catalog: Catalog
    people: People
    owner_list: UserList
    owner_item: UserListRelationship
    path_item: LearningResourceRelationship


@pytest.fixture
def world(catalog: Catalog, people: People) -> World:
    owner_list = UserList.objects.create(author=people.owner, title="Owner's list")
    owner_item = UserListRelationship.objects.create(
        parent=owner_list, child=catalog["algorithms"], position=0
    )
    path_item = LearningResourceRelationship.objects.filter(
        parent=catalog["path"], relation_type=RelationType.LEARNING_PATH_ITEMS
    ).first()
    assert path_item is not None
    return World(catalog, people, owner_list, owner_item, path_item)


Request = tuple[str, str, dict[str, Any] | None]
# name → (request builder, expected status per role in ROLES order)
TABLE: dict[str, tuple[Callable[[World], Request], tuple[int, ...]]] = {
    "create user list": (
        lambda w: ("post", f"{V1}/userlists/", {"title": "Mine"}),
        (401, 201, 201, 201, 201),
    ),
    "update user list": (
        lambda w: ("patch", f"{V1}/userlists/{w.owner_list.pk}/", {"title": "Renamed"}),
        (401, 404, 200, 404, 404),
    ),
    "delete user list": (
        lambda w: ("delete", f"{V1}/userlists/{w.owner_list.pk}/", None),
        (401, 404, 204, 404, 404),
    ),
    "add user list item": (
        lambda w: (
            "post",
            f"{V1}/userlists/{w.owner_list.pk}/items/",
            {"child": w.catalog["mechanics"].pk},
        ),
        (401, 404, 201, 404, 404),
    ),
    "move user list item": (
        lambda w: (
            "patch",
            f"{V1}/userlists/{w.owner_list.pk}/items/{w.owner_item.pk}/",
            {"position": 3},
        ),
        (401, 404, 200, 404, 404),
    ),
    "remove user list item": (
        lambda w: ("delete", f"{V1}/userlists/{w.owner_list.pk}/items/{w.owner_item.pk}/", None),
        (401, 404, 204, 404, 404),
    ),
    "set a resource's user lists": (
        lambda w: (
            "patch",
            f"{V1}/learning_resources/{w.catalog['mechanics'].pk}/userlists/"
            f"?userlist_id={w.owner_list.pk}",
            None,
        ),
        (401, 400, 200, 400, 400),
    ),
    "update profile": (
        lambda w: ("patch", f"{V0}/profiles/owner/", {"goals": ["career-growth"]}),
        (401, 404, 200, 404, 404),
    ),
    "replace profile": (
        lambda w: ("put", f"{V0}/profiles/owner/", {"bio": "hello", "delivery": ["online"]}),
        (401, 404, 200, 404, 404),
    ),
    "create learning path": (
        lambda w: ("post", f"{V1}/learningpaths/", {"title": "New path"}),
        (401, 403, 403, 201, 201),
    ),
    "update learning path": (
        lambda w: ("patch", f"{V1}/learningpaths/{w.catalog['path'].pk}/", {"title": "Renamed"}),
        (401, 403, 403, 200, 200),
    ),
    "delete learning path": (
        lambda w: ("delete", f"{V1}/learningpaths/{w.catalog['path'].pk}/", None),
        (401, 403, 403, 204, 204),
    ),
    "add learning path item": (
        lambda w: (
            "post",
            f"{V1}/learningpaths/{w.catalog['path'].pk}/items/",
            {"child": w.catalog["mechanics"].pk},
        ),
        (401, 403, 403, 201, 201),
    ),
    "move learning path item": (
        lambda w: (
            "patch",
            f"{V1}/learningpaths/{w.catalog['path'].pk}/items/{w.path_item.pk}/",
            {"position": 1},
        ),
        (401, 403, 403, 200, 200),
    ),
    "remove learning path item": (
        lambda w: (
            "delete",
            f"{V1}/learningpaths/{w.catalog['path'].pk}/items/{w.path_item.pk}/",
            None,
        ),
        (401, 403, 403, 204, 204),
    ),
    "set a resource's learning paths": (
        lambda w: (
            "patch",
            f"{V1}/learning_resources/{w.catalog['mechanics'].pk}/learning_paths/"
            f"?learning_path_id={w.catalog['path'].pk}",
            None,
        ),
        (401, 403, 403, 200, 200),
    ),
}

CASES = [
    pytest.param(name, role, expected[i], id=f"{name}-{role}")
    for name, (_, expected) in TABLE.items()
    for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("name", "role", "expected"), CASES)
def test_write_permissions(name: str, role: str, expected: int, world: World) -> None:
    method, url, body = TABLE[name][0](world)
    client = world.people.client(role)
    response = getattr(client, method)(url, body, format="json")
    assert response.status_code == expected, (name, role, response.content[:300])
    if expected == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_failed_writes_change_nothing(world: World) -> None:
    before_lists = list(UserList.objects.values_list("id", "title").order_by("id"))
    before_items = list(UserListRelationship.objects.values_list("id", "position"))
    before_path = list(
        LearningResourceRelationship.objects.filter(parent=world.catalog["path"]).values_list(
            "id", "child_id", "position"
        )
    )
    for build, expected in TABLE.values():
        for role, status in zip(ROLES, expected, strict=True):
            if status >= 400:
                method, url, body = build(world)
                getattr(world.people.client(role), method)(url, body, format="json")
    assert list(UserList.objects.values_list("id", "title").order_by("id")) == before_lists
    assert list(UserListRelationship.objects.values_list("id", "position")) == before_items
    assert (
        list(
            LearningResourceRelationship.objects.filter(parent=world.catalog["path"]).values_list(
                "id", "child_id", "position"
            )
        )
        == before_path
    )


@pytest.mark.parametrize(
    ("role", "private_status", "unlisted_status"),
    [
        ("anonymous", 404, 200),
        ("other", 404, 200),
        ("owner", 200, 200),
        ("editor", 404, 200),
        ("staff", 404, 200),
    ],
)
def test_list_reads_follow_privacy(
    role: str, private_status: int, unlisted_status: int, world: World
) -> None:
    client = world.people.client(role)
    private = world.owner_list
    unlisted = UserList.objects.create(
        author=world.people.owner, title="Shared", privacy_level="unlisted"
    )
    UserListRelationship.objects.create(parent=unlisted, child=world.catalog["mechanics"])
    assert client.get(f"{V1}/userlists/{private.pk}/").status_code == private_status
    assert client.get(f"{V1}/userlists/{private.pk}/items/").status_code == private_status
    assert client.get(f"{V1}/userlists/{unlisted.pk}/").status_code == unlisted_status
    items = client.get(f"{V1}/userlists/{unlisted.pk}/items/")
    assert items.status_code == unlisted_status
    assert [i["child"] for i in items.json()["results"]] == [world.catalog["mechanics"].pk]
    # The list endpoint shows only the caller's own lists (unlisted ones are shared by link).
    listed = client.get(f"{V1}/userlists/").json()["results"]
    titles = {item["title"] for item in listed}
    if role == "owner":
        assert {"Owner's list", "Shared", "Favorites"} <= titles
    else:
        assert not titles & {"Owner's list", "Shared"}


def test_profiles_are_private_to_their_owner_and_staff(world: World) -> None:
    people = world.people
    assert people.client("owner").get(f"{V0}/profiles/me/").status_code == 200
    assert people.client("owner").get(f"{V0}/profiles/owner/").status_code == 200
    assert people.client("other").get(f"{V0}/profiles/owner/").status_code == 404
    assert people.client("staff").get(f"{V0}/profiles/owner/").status_code == 200
    assert people.client("anonymous").get(f"{V0}/profiles/me/").status_code == 401


def test_drafts_are_seen_by_editors_only(world: World) -> None:
    path = world.catalog["path"]
    path.published = False
    path.save()
    for role, status in (("anonymous", 404), ("other", 404), ("editor", 200), ("staff", 200)):
        client = world.people.client(role)
        assert client.get(f"{V1}/learningpaths/{path.pk}/").status_code == status, role
        ids = {p["id"] for p in client.get(f"{V1}/learningpaths/").json()["results"]}
        assert (path.pk in ids) == (status == 200), role


def test_learning_path_membership_is_for_editors(world: World) -> None:
    assert world.people.client("other").get(f"{V1}/learningpaths/membership/").json() == []
    rows = world.people.client("editor").get(f"{V1}/learningpaths/membership/").json()
    assert {
        "id": world.path_item.pk,
        "parent": world.catalog["path"].pk,
        "child": world.path_item.child_id,
    } in rows


def test_users_me_says_who_edits_articles_and_learning_paths(people: People) -> None:
    """Staff, superusers and each group's members; nobody else, signed in or not."""
    from django.contrib.auth.models import Group, User

    from learn.accounts.constants import ARTICLE_EDITORS

    writer = User.objects.create_user("writer", email="writer@example.org")
    writer.groups.add(Group.objects.get_or_create(name=ARTICLE_EDITORS)[0])
    root = User.objects.create_user("root", email="root@example.org", is_superuser=True)
    expected = {
        "anonymous": (False, False),
        "other": (False, False),
        "editor": (False, True),  # the learning-path editors' group only
        "staff": (True, True),
        "writer": (True, False),  # the article editors' group only
        "root": (True, True),
    }
    for role, flags in expected.items():
        client = APIClient()
        if role != "anonymous":
            client.force_login({"writer": writer, "root": root}.get(role) or getattr(people, role))
        me = client.get("/api/v0/users/me/").json()
        assert (me["is_article_editor"], me["is_learning_path_editor"]) == flags, role
