"""Users, profiles, user lists and learning paths: contract shapes, bad input, deletion, CSRF."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from factories import Catalog
from people import People

from learn.accounts.models import Profile, UserList, UserListRelationship
from learn.catalog.constants import RelationType
from learn.catalog.models import LearningResource, LearningResourceRelationship

V0, V1 = "/api/v0", "/api/v1"


def test_anonymous_me_answers_like_mit_learn(people: People) -> None:
    response = people.client("anonymous").get(f"{V0}/users/me/")
    assert response.status_code == 200
    body = response.json()
    assert body["is_authenticated"] is False
    assert body["is_learning_path_editor"] is False
    assert body["profile"] is None
    assert "csrftoken" in response.cookies  # the web app's session writes send it back


def test_me_and_profile_validate_against_the_v0_contract(
    people: People,
    catalog: Catalog,
    validate: Any,
) -> None:
    client = people.client("editor")
    me = validate("get", f"{V0}/users/me/", client.get(f"{V0}/users/me/"))
    assert me["username"] == "editor" and me["is_authenticated"] is True
    assert me["is_learning_path_editor"] is True and me["is_sso_user"] is False
    physics = catalog.ref.topics["Physics"].pk
    body = {
        "topic_interests": [physics],
        "goals": ["career-growth", "lifelong-learning"],
        "certificate_desired": "yes",
        "current_education": "Bachelor's degree",
        "time_commitment": "5-to-10-hours",
        "delivery": ["online"],
        "email_optin": True,
        "completed_onboarding": True,
    }
    url = f"{V0}/profiles/me/"
    profile = validate("patch", url, client.patch(url, body, format="json"))
    assert profile["topic_interests"][0]["id"] == physics
    assert profile["preference_search_filters"] == {
        "certification": True,
        "topic": ["Physics"],
        "delivery": ["online"],
    }
    assert profile["completed_onboarding"] is True
    again = validate("get", f"{V0}/profiles/editor/", client.get(f"{V0}/profiles/editor/"))
    assert again["goals"] == ["career-growth", "lifelong-learning"]


def test_every_new_user_gets_a_profile_and_favorites(db: None) -> None:
    user = User.objects.create_user("newcomer", password="x")
    assert Profile.objects.filter(user=user).exists()
    assert list(UserList.objects.filter(author=user).values_list("title", "privacy_level")) == [
        ("Favorites", "private")
    ]


def test_user_list_journey_validates_against_the_v1_contract(
    people: People,
    catalog: Catalog,
    validate: Any,
) -> None:
    client = people.client("owner")
    created = validate(
        "post",
        f"{V1}/userlists/",
        client.post(
            f"{V1}/userlists/",
            {
                "title": "To watch",
                "privacy_level": "unlisted",
                "topics": [{"id": catalog.ref.topics["Physics"].pk}],
            },
            format="json",
        ),
    )
    list_id = created["id"]
    assert created["author"] == people.owner.pk and created["item_count"] == 0
    items_url = f"{V1}/userlists/{list_id}/items/"
    first = validate(
        "post",
        items_url,
        client.post(items_url, {"child": catalog["algorithms"].pk}, format="json"),
    )
    second = validate(
        "post",
        items_url,
        client.post(
            items_url, {"child": catalog["mechanics"].pk, "parent": list_id}, format="json"
        ),
    )
    assert (first["position"], second["position"]) == (0, 1)
    assert first["resource"]["id"] == catalog["algorithms"].pk
    validate("get", items_url, client.get(items_url))
    validate("get", f"{V1}/userlists/", client.get(f"{V1}/userlists/"))
    detail = validate("get", f"{V1}/userlists/{list_id}/", client.get(f"{V1}/userlists/{list_id}/"))
    assert detail["item_count"] == 2
    # Signed out, the unlisted list opens by its link.
    shared = people.client("anonymous").get(items_url).json()
    assert [i["child"] for i in shared["results"]] == [
        catalog["algorithms"].pk,
        catalog["mechanics"].pk,
    ]
    membership = validate(
        "get", f"{V1}/userlists/membership/", client.get(f"{V1}/userlists/membership/")
    )
    assert {(m["parent"], m["child"]) for m in membership} >= {
        (list_id, catalog["algorithms"].pk),
        (list_id, catalog["mechanics"].pk),
    }
    favorites = UserList.objects.get(author=people.owner, title="Favorites").pk
    url = f"{V1}/learning_resources/{catalog['program'].pk}/userlists/?userlist_id={favorites}"
    rows = validate("patch", url, client.patch(url))
    assert [(r["parent"], r["child"]) for r in rows] == [(favorites, catalog["program"].pk)]
    # Setting an empty membership takes it out again.
    url = f"{V1}/learning_resources/{catalog['program'].pk}/userlists/"
    assert validate("patch", url, client.patch(url)) == []


def test_learning_path_editing_validates_against_the_v1_contract(
    people: People,
    catalog: Catalog,
    validate: Any,
) -> None:
    client = people.client("editor")
    created = validate(
        "post",
        f"{V1}/learningpaths/",
        client.post(
            f"{V1}/learningpaths/",
            {"title": "Linear algebra first", "published": False, "description": "draft"},
            format="json",
        ),
    )
    path_id = created["id"]
    assert created["resource_type"] == "learning_path" and created["published"] is False
    items_url = f"{V1}/learningpaths/{path_id}/items/"
    ids = []
    for key in ("algorithms", "mechanics", "linear_algebra"):
        row = validate("post", items_url, client.post(items_url, {"child": catalog[key].pk}))
        ids.append(row["id"])
    # Move the last item to the front: the others keep their order.
    moved = client.patch(f"{items_url}{ids[2]}/", {"position": 0}, format="json")
    assert moved.status_code == 200
    order = [r["child"] for r in client.get(items_url).json()["results"]]
    assert order == [catalog[k].pk for k in ("linear_algebra", "algorithms", "mechanics")]
    assert client.delete(f"{items_url}{ids[0]}/").status_code == 204
    positions = [r["position"] for r in client.get(items_url).json()["results"]]
    assert positions == [0, 1]
    published = validate(
        "patch",
        f"{V1}/learningpaths/{path_id}/",
        client.patch(f"{V1}/learningpaths/{path_id}/", {"published": True}, format="json"),
    )
    assert published["published"] is True and published["learning_path"]["item_count"] == 2
    url = (
        f"{V1}/learning_resources/{catalog['ai_leaders'].pk}/learning_paths/"
        f"?learning_path_id={path_id}&learning_path_id={catalog['path'].pk}"
    )
    rows = validate("patch", url, client.patch(url))
    assert sorted(r["parent"] for r in rows) == sorted([path_id, catalog["path"].pk])
    validate(
        "get", f"{V1}/learningpaths/membership/", client.get(f"{V1}/learningpaths/membership/")
    )
    # Anonymous readers see the published path with its items.
    anonymous = people.client("anonymous")
    assert anonymous.get(f"{V1}/learningpaths/{path_id}/").status_code == 200


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("post", "/api/v1/userlists/", {}, "title"),
        ("post", "/api/v1/userlists/", {"title": ""}, "title"),
        ("post", "/api/v1/userlists/", {"title": "x" * 300}, "title"),
        ("post", "/api/v1/userlists/", {"title": "ok", "privacy_level": "public"}, "privacy_level"),
        ("post", "/api/v1/userlists/", {"title": "ok", "topics": ["physics"]}, "topics"),
        ("post", "/api/v1/userlists/", {"title": "ok", "topics": [987654321]}, "topics"),
        ("post", "/api/v1/userlists/", {"title": "ok", "topics": "1"}, "topics"),
        ("post", "LIST/items/", {}, "child"),
        ("post", "LIST/items/", {"child": "abc"}, "child"),
        ("post", "LIST/items/", {"child": 987654321}, "child"),
        ("post", "LIST/items/", {"child": "UNPUBLISHED"}, "child"),
        ("post", "LIST/items/", {"child": "ALGORITHMS", "position": -1}, "position"),
        ("post", "LIST/items/", {"child": "ALGORITHMS", "parent": 987654321}, "parent"),
        ("post", "LIST/items/", {"child": "IN_LIST"}, "child"),
        ("patch", "/api/v0/profiles/me/", {"goals": ["fame"]}, "goals"),
        ("patch", "/api/v0/profiles/me/", {"goals": "career-growth"}, "goals"),
        ("patch", "/api/v0/profiles/me/", {"delivery": ["teleport"]}, "delivery"),
        ("patch", "/api/v0/profiles/me/", {"topic_interests": [987654321]}, "topic_interests"),
        ("patch", "/api/v0/profiles/me/", {"time_commitment": "always"}, "time_commitment"),
        ("patch", "/api/v0/profiles/me/", {"current_education": "PhD"}, "current_education"),
        ("patch", "/api/v0/profiles/me/", {"certificate_desired": "maybe"}, "certificate_desired"),
        ("patch", "/api/v0/profiles/me/", {"headline": "h" * 61}, "headline"),
        ("patch", "/api/v0/profiles/me/", {"email_optin": "perhaps"}, "email_optin"),
        ("patch", "RESOURCE/userlists/?userlist_id=abc", None, "userlist_id"),
        ("post", "/api/v1/learningpaths/", {}, "title"),
        ("post", "/api/v1/learningpaths/", {"title": "t", "url": "not a url"}, "url"),
        ("post", "/api/v1/learningpaths/", {"title": "t", "published": "sometimes"}, "published"),
        ("post", "PATH/items/", {"child": "abc"}, "child"),
        ("post", "PATH/items/", {"child": "PATH_ITSELF"}, "child"),
        ("post", "PATH/items/", {"child": "ALGORITHMS"}, "child"),  # already in the path
        ("post", "PATH/items/", {"child": "MECHANICS", "position": "first"}, "position"),
        ("patch", "RESOURCE/learning_paths/?learning_path_id=x", None, "learning_path_id"),
        ("patch", "RESOURCE/learning_paths/?learning_path_id=987654321", None, "learning_path_id"),
    ],
)
def test_bad_bodies_get_400_naming_the_field(
    method: str,
    url: str,
    body: dict[str, Any] | None,
    field: str,
    people: People,
    catalog: Catalog,
) -> None:
    owner_list = UserList.objects.create(author=people.editor, title="Mine")
    UserListRelationship.objects.create(parent=owner_list, child=catalog["linear_algebra"])
    url = (
        url.replace("LIST", f"/api/v1/userlists/{owner_list.pk}")
        .replace("RESOURCE", f"/api/v1/learning_resources/{catalog['mechanics'].pk}")
        .replace("PATH", f"/api/v1/learningpaths/{catalog['path'].pk}")
    )
    values = {
        "UNPUBLISHED": catalog["unpublished_course"].pk,
        "ALGORITHMS": catalog["algorithms"].pk,
        "MECHANICS": catalog["mechanics"].pk,
        "IN_LIST": catalog["linear_algebra"].pk,
        "PATH_ITSELF": catalog["path"].pk,
    }
    if body:
        body = {k: values.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    before = (
        UserList.objects.count(),
        UserListRelationship.objects.count(),
        LearningResourceRelationship.objects.count(),
        LearningResource.objects.count(),
    )
    response = getattr(people.client("editor"), method)(url, body, format="json")
    assert response.status_code == 400, response.content
    data = response.json()
    assert field in data["errors"], data
    assert field in data["detail"]
    after = (
        UserList.objects.count(),
        UserListRelationship.objects.count(),
        LearningResourceRelationship.objects.count(),
        LearningResource.objects.count(),
    )
    assert after == before


def test_malformed_json_is_a_clear_400(people: People) -> None:
    response = people.client("owner").generic(
        "POST", f"{V1}/userlists/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_deleting_a_user_removes_their_lists_and_profile(
    people: People,
    catalog: Catalog,
) -> None:
    owner = people.owner
    listed = UserList.objects.create(author=owner, title="Mine")
    UserListRelationship.objects.create(parent=listed, child=catalog["algorithms"])
    owner_id = owner.pk
    owner.delete()
    assert not UserList.objects.filter(author_id=owner_id).exists()
    assert not Profile.objects.filter(user_id=owner_id).exists()
    assert not UserListRelationship.objects.filter(parent_id=listed.pk).exists()
    assert LearningResource.objects.filter(pk=catalog["algorithms"].pk).exists()


def test_deleting_a_resource_removes_it_from_every_list(
    people: People,
    catalog: Catalog,
) -> None:
    resource = catalog["mechanics"]
    for person in (people.owner, people.other):
        favorites = UserList.objects.get(author=person, title="Favorites")
        UserListRelationship.objects.create(parent=favorites, child=resource)
    LearningResourceRelationship.objects.create(
        parent=catalog["path"],
        child=resource,
        relation_type=RelationType.LEARNING_PATH_ITEMS,
        position=9,
    )
    resource_id = resource.pk
    resource.delete()
    assert not UserListRelationship.objects.filter(child_id=resource_id).exists()
    assert not LearningResourceRelationship.objects.filter(child_id=resource_id).exists()
    assert UserList.objects.filter(author=people.owner, title="Favorites").exists()


def test_session_writes_need_the_csrf_token(people: People) -> None:
    client = people.client("owner", csrf=True)
    refused = client.post(f"{V1}/userlists/", {"title": "No token"}, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    token = client.get(f"{V0}/users/me/").cookies["csrftoken"].value
    accepted = client.post(
        f"{V1}/userlists/", {"title": "With token"}, format="json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 201
    assert not UserList.objects.filter(title="No token").exists()
