"""The people of the accounts tests: an owner, another user, an editor and staff."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.test import APIClient

from learn.accounts.constants import LEARNING_PATH_EDITORS
from learn.config.env import get_env

ROLES = ("anonymous", "other", "owner", "editor", "staff")


@dataclass
class People:
    owner: User
    other: User
    editor: User
    staff: User

    def client(self, role: str, csrf: bool = False) -> APIClient:
        """A client signed in (by session) as ``role``; ``csrf`` enforces CSRF checks."""
        client = APIClient(enforce_csrf_checks=csrf)
        if role != "anonymous":
            client.force_login(getattr(self, role))
        return client


@pytest.fixture
def people(db: None) -> People:
    editors, _ = Group.objects.get_or_create(name=LEARNING_PATH_EDITORS)
    editor = User.objects.create_user("editor", email="editor@example.org")
    editor.groups.add(editors)
    return People(
        owner=User.objects.create_user("owner", email="owner@example.org"),
        other=User.objects.create_user("other", email="other@example.org"),
        editor=editor,
        staff=User.objects.create_user("staff", email="staff@example.org", is_staff=True),
    )


@pytest.fixture
def set_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Set environment variables for one test (the typed env is re-read)."""

    def apply(**values: str) -> None:
        for key, value in values.items():
            monkeypatch.setenv(key.upper(), value)
        get_env.cache_clear()

    yield apply
    monkeypatch.undo()
    get_env.cache_clear()
