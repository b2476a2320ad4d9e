"""The demo's local account, so the embedded demo signs in with no identity provider."""

from __future__ import annotations

from django.contrib.auth.models import Group, User

from learn.accounts.constants import LEARNING_PATH_EDITORS

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-learner"  # noqa: S105 - a local demo account, printed to the operator


def ensure_demo_account() -> str:
    """Create the ``demo`` account (a learning-path editor) on a database with no users."""
    if User.objects.exists():
        return "accounts exist already; add more with `learn users create NAME`"
    user = User.objects.create_user(DEMO_USERNAME, password=DEMO_PASSWORD, first_name="Demo")
    user.groups.add(Group.objects.get_or_create(name=LEARNING_PATH_EDITORS)[0])
    return f"demo account {DEMO_USERNAME!r} / {DEMO_PASSWORD!r} at /login (local sign-in)"
