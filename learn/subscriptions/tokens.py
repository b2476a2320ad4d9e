"""One-click unsubscribe tokens (RFC 8058): signed with ``django.core.signing``, valid
``UNSUBSCRIBE_TOKEN_MAX_AGE_DAYS``, usable once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction

from learn.accounts.models import Profile
from learn.subscriptions.models import UnsubscribeToken

SALT = "learn.subscriptions.unsubscribe"


class TokenRejected(ValueError):
    """A forged, expired, malformed or already used token."""


@dataclass(frozen=True)
class Unsubscribed:
    user_id: int
    email: str


def make_token(user_id: int) -> str:
    return signing.dumps({"u": user_id, "n": secrets.token_hex(16)}, salt=SALT, compress=True)


def _max_age() -> int:
    return int(getattr(settings, "UNSUBSCRIBE_TOKEN_MAX_AGE_DAYS", 60)) * 86_400


def use_token(token: str) -> Unsubscribed:
    """Turn the token's user's email opt-in off; raise ``TokenRejected`` (changing nothing)
    when the token is not ours, has expired, or was used before."""
    try:
        data = signing.loads(token, salt=SALT, max_age=_max_age())
    except signing.SignatureExpired:
        raise TokenRejected("This unsubscribe link has expired.") from None
    except signing.BadSignature:
        raise TokenRejected("This unsubscribe link is not valid.") from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not data.get("n"):
        raise TokenRejected("This unsubscribe link is not valid.")
    user = get_user_model().objects.filter(pk=data["u"]).first()
    if user is None:
        raise TokenRejected("This unsubscribe link is not valid.")
    try:
        with transaction.atomic():
            UnsubscribeToken.objects.create(nonce=str(data["n"]))
            Profile.objects.update_or_create(user=user, defaults={"email_optin": False})
    except IntegrityError:
        raise TokenRejected("This unsubscribe link has already been used.") from None
    return Unsubscribed(user_id=user.pk, email=user.email)
