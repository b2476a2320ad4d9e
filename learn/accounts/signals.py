"""Every new user, however made (provider, ``learn users create``, admin), gets a profile and a
Favorites list."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models.signals import post_save
from django.dispatch import receiver

from learn.accounts.provisioning import ensure_profile


@receiver(post_save, sender=User, dispatch_uid="accounts_profile_on_create")
def create_profile(sender: type[User], instance: User, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        ensure_profile(instance)
