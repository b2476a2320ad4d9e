"""User-list queries and writes the views share (visibility is decided here, once)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Max, Prefetch, Q, QuerySet

from learn.accounts.constants import PrivacyLevel
from learn.accounts.models import UserList, UserListRelationship
from learn.catalog.models import LearningResource
from learn.catalog.queries import resource_queryset

MAX_POSITION = 2147483647


def next_position(user_list: UserList) -> int:
    top = user_list.children.aggregate(top=Max("position"))["top"]
    return 0 if top is None else min(top + 1, MAX_POSITION)


def with_items(queryset: QuerySet[UserList]) -> QuerySet[UserList]:
    return queryset.prefetch_related(
        "topics",
        Prefetch(
            "children",
            queryset=UserListRelationship.objects.select_related("child", "child__image"),
        ),
    )


def own_lists(user: User | AnonymousUser) -> QuerySet[UserList]:
    if not user.is_authenticated:
        return UserList.objects.none()
    return UserList.objects.filter(author=user)


def readable_lists(user: User | AnonymousUser) -> QuerySet[UserList]:
    """Lists the user may open: their own, and anyone's unlisted list (by its link)."""
    unlisted = Q(privacy_level=PrivacyLevel.unlisted)
    if user.is_authenticated:
        return UserList.objects.filter(unlisted | Q(author=user))
    return UserList.objects.filter(unlisted)


def published_items(user_list_id: int) -> QuerySet[UserListRelationship]:
    return (
        UserListRelationship.objects.filter(
            parent_id=user_list_id, child__published=True, child__test_mode=False
        )
        .prefetch_related(Prefetch("child", queryset=resource_queryset()))
        .order_by("position", "id")
    )


@transaction.atomic
def set_resource_lists(
    user: User, resource: LearningResource, list_ids: Iterable[int]
) -> list[UserListRelationship]:
    """Make ``resource`` a member of exactly ``list_ids`` among the user's own lists."""
    wanted = set(list_ids)
    mine = own_lists(user)
    UserListRelationship.objects.filter(parent__in=mine, child=resource).exclude(
        parent_id__in=wanted
    ).delete()
    for user_list in mine.filter(pk__in=wanted).exclude(children__child=resource):
        UserListRelationship.objects.create(
            parent=user_list, child=resource, position=next_position(user_list)
        )
    return list(
        UserListRelationship.objects.filter(parent__in=mine, child=resource)
        .prefetch_related(Prefetch("child", queryset=resource_queryset()))
        .order_by("parent_id")
    )
