"""One user model path for every way in: identity claims → a Django user.

The gateway header, the OIDC callback and bearer tokens all hand their claims to
``user_from_claims``. It finds the user by ``global_id`` (the provider's ``sub``), else by
email; creates unknown users when ``USERS_CREATE_UNKNOWN`` (the default) and updates existing
ones only when ``USERS_UPDATE_EXISTING``. Creation makes the profile and a "Favorites" list.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from learn.accounts.constants import FAVORITES_TITLE, PrivacyLevel
from learn.accounts.models import Profile, UserList
from learn.config.env import get_env

logger = logging.getLogger(__name__)

USERNAME_UNSAFE = re.compile(r"[^\w.@+-]")


class IdentityError(Exception):
    """Claims that cannot name a user (missing ``sub``, or unknown users are not created)."""


@dataclass(frozen=True)
class Identity:
    global_id: str
    email: str
    username: str
    first_name: str
    last_name: str
    name: str
    organization: str
    email_optin: bool | None

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> Identity:
        sub = str(claims.get("sub") or "").strip()
        if not sub:
            raise IdentityError("the identity has no 'sub' claim")
        email = str(claims.get("email") or "").strip()
        username = str(claims.get("preferred_username") or "").strip() or email or sub
        optin = claims.get("email_optin")
        if isinstance(optin, str):
            optin = optin.strip().lower() in ("1", "true", "yes")
        return cls(
            global_id=sub,
            email=email,
            username=USERNAME_UNSAFE.sub("_", username)[:150],
            first_name=str(claims.get("given_name") or "")[:150],
            last_name=str(claims.get("family_name") or "")[:150],
            name=str(claims.get("name") or "")[:256],
            organization=str(claims.get("organization") or "")[:256],
            email_optin=optin if isinstance(optin, bool) else None,
        )


def ensure_profile(user: User) -> Profile:
    """The user's profile and Favorites list, created on first need."""
    profile, _ = Profile.objects.get_or_create(user=user)
    if not UserList.objects.filter(author=user, title=FAVORITES_TITLE).exists():
        UserList.objects.create(
            author=user, title=FAVORITES_TITLE, privacy_level=PrivacyLevel.private
        )
    return profile


def find_user(identity: Identity) -> User | None:
    by_sub = Profile.objects.select_related("user").filter(global_id=identity.global_id).first()
    if by_sub is not None:
        return by_sub.user
    if identity.email:
        return User.objects.filter(email__iexact=identity.email).order_by("id").first()
    return None


def _free_username(wanted: str) -> str:
    candidate, n = wanted or "user", 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{wanted[:140]}-{n}"
    return candidate


def _apply(user: User, profile: Profile, identity: Identity) -> None:
    user.email = identity.email or user.email
    user.first_name = identity.first_name or user.first_name
    user.last_name = identity.last_name or user.last_name
    user.save()
    profile.global_id = identity.global_id
    profile.name = identity.name or profile.name
    profile.organization = identity.organization or profile.organization
    if identity.email_optin is not None:
        profile.email_optin = identity.email_optin
    profile.is_sso_user = True
    profile.save()


@transaction.atomic
def user_from_claims(claims: Mapping[str, Any]) -> User:
    """The user the claims name (found, created or refused with ``IdentityError``)."""
    env = get_env()
    identity = Identity.from_claims(claims)
    user = find_user(identity)
    if user is None:
        if not env.users_create_unknown:
            raise IdentityError(f"unknown user {identity.global_id!r} and creation is off")
        try:
            with transaction.atomic():
                user = User.objects.create(username=_free_username(identity.username))
                _apply(user, ensure_profile(user), identity)
        except IntegrityError:  # a concurrent first request created them: use that one
            found = find_user(identity)
            if found is None:
                raise
            user = found
        logger.info("created user %s for global_id %s", user.username, identity.global_id)
        return _fresh(user)
    profile = ensure_profile(user)
    if profile.global_id is None or env.users_update_existing:
        # An email match is linked to its provider id once; claims overwrite only when told to.
        if env.users_update_existing:
            _apply(user, profile, identity)
        else:
            profile.global_id = identity.global_id
            profile.is_sso_user = True
            profile.save(update_fields=["global_id", "is_sso_user"])
    return _fresh(user)


def _fresh(user: User) -> User:
    """The user with the profile as saved (not a stale cached instance)."""
    return User.objects.select_related("profile").get(pk=user.pk)
