"""Authentication backends naming how a session was opened (Django stores the backend's path
in the session, so the gateway middleware can tell its own sessions from local ones)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.http import HttpRequest


class _ExternalBackend(ModelBackend):
    """Users are authenticated elsewhere (gateway, provider); this only loads them back."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        return None


class GatewayBackend(_ExternalBackend):
    """Sessions opened from the gateway's ``X-Userinfo`` header."""


class OIDCBackend(_ExternalBackend):
    """Sessions opened by the app's own authorization-code flow."""


GATEWAY_BACKEND = f"{GatewayBackend.__module__}.{GatewayBackend.__qualname__}"
OIDC_BACKEND = f"{OIDCBackend.__module__}.{OIDCBackend.__qualname__}"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
