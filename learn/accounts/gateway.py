"""Sign-in behind the production gateway (APISIX + Keycloak).

The gateway runs OIDC against Keycloak and passes the user on as ``X-Userinfo``: base64 of the
userinfo JSON. That header is trusted only when the same request carries
``X-Learn-Gateway-Auth`` equal to ``LEARN_GATEWAY_SECRET``, a secret the gateway adds to every
upstream request (and strips from client requests). Anything else that carries ``X-Userinfo`` is
refused with a JSON 403 and logged. When gateway mode is on and a request arrives without the
header, a session the gateway opened is logged out, as MIT Learn does.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY, login, logout
from django.http import HttpRequest, HttpResponse, JsonResponse

from learn.accounts.backends import GATEWAY_BACKEND
from learn.accounts.provisioning import IdentityError, user_from_claims
from learn.config.env import get_env

logger = logging.getLogger(__name__)

USERINFO_META = "HTTP_X_USERINFO"
SECRET_META = "HTTP_X_LEARN_GATEWAY_AUTH"


class GatewayRejected(Exception):
    pass


def decode_userinfo(value: str) -> dict[str, Any]:
    """The claims of an ``X-Userinfo`` header (base64, padded or not, of a JSON object)."""
    text = value.strip().replace("-", "+").replace("_", "/")  # either base64 alphabet
    try:
        claims = json.loads(base64.b64decode(text + "=" * (-len(text) % 4), validate=True))
    except (binascii.Error, ValueError) as error:
        raise GatewayRejected(f"X-Userinfo is not base64 JSON: {error}") from error
    if not isinstance(claims, dict):
        raise GatewayRejected("X-Userinfo is not a JSON object")
    return claims


def request_from_gateway(request: HttpRequest, secret: str | None) -> bool:
    presented = request.META.get(SECRET_META, "")
    if not secret or not presented:
        return False
    return hmac.compare_digest(presented.encode(), secret.encode())


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "?"))


class GatewayUserinfoMiddleware:
    """Place after ``AuthenticationMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        secret = get_env().learn_gateway_secret
        userinfo = request.META.get(USERINFO_META)
        if userinfo is not None:
            if not request_from_gateway(request, secret):
                logger.warning(
                    "refused X-Userinfo from %s: not from the gateway (%s)",
                    _client_address(request),
                    "gateway mode off" if not secret else "missing or wrong gateway secret",
                )
                return JsonResponse(
                    {"detail": "X-Userinfo is accepted only from the gateway."}, status=403
                )
            try:
                user = user_from_claims(decode_userinfo(userinfo))
            except (GatewayRejected, IdentityError) as error:
                logger.warning("refused X-Userinfo from the gateway: %s", error)
                return JsonResponse({"detail": str(error)}, status=403)
            if not user.is_active:
                return JsonResponse({"detail": "This account is disabled."}, status=403)
            if getattr(request, "user", None) is None or request.user.pk != user.pk:
                login(request, user, backend=GATEWAY_BACKEND)
            request.user = user
        elif (
            secret
            and request.user.is_authenticated
            and request.session.get(BACKEND_SESSION_KEY) == GATEWAY_BACKEND
        ):
            logout(request)
        return self.get_response(request)
