"""Who may do what: list authors, learning-path editors (staff or the group), staff."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from rest_framework import permissions
from rest_framework.request import Request

from learn.accounts.constants import ARTICLE_EDITORS, LEARNING_PATH_EDITORS


def in_group(user: User | AnonymousUser, group: str) -> bool:
    if not user.is_authenticated:
        return False
    return user.groups.filter(name=group).exists()


def is_learning_path_editor(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and (user.is_staff or user.is_superuser)) or in_group(
        user, LEARNING_PATH_EDITORS
    )


def is_article_editor(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and (user.is_staff or user.is_superuser)) or in_group(
        user, ARTICLE_EDITORS
    )


class IsLearningPathEditorOrReadOnly(permissions.BasePermission):
    message = "Only learning-path editors may change learning paths."

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return is_learning_path_editor(request.user)


class IsLearningPathEditor(permissions.BasePermission):
    message = "Only learning-path editors may change learning paths."

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_learning_path_editor(request.user)


class AuthenticatedForWrites(permissions.BasePermission):
    """Anyone may read (the queryset decides what); writes need a signed-in user."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated)
