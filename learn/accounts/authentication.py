"""DRF authentication: sessions (CSRF enforced on writes) and bearer JWTs."""

from __future__ import annotations

import logging

from django.contrib.auth.models import User
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from learn.accounts.provisioning import IdentityError, user_from_claims
from learn.accounts.tokens import TokenError, validate_token

logger = logging.getLogger(__name__)


class SessionAuthentication(authentication.SessionAuthentication):
    """Django sessions (local sign-in, OIDC flow, gateway); writes need the CSRF token."""


class BearerJWTAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, dict[str, object]] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != self.keyword.lower():
            return None
        token = token.strip()
        if not token or " " in token:
            raise exceptions.AuthenticationFailed("Malformed Authorization: Bearer header.")
        try:
            claims = validate_token(token)
            user = user_from_claims(claims)
        except (TokenError, IdentityError) as error:
            logger.info("refused bearer token: %s", error)
            raise exceptions.AuthenticationFailed(str(error)) from error
        if not user.is_active:
            raise exceptions.AuthenticationFailed("This account is disabled.")
        return user, claims

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
