"""Bearer JWTs for API clients, validated against the issuer's JWKS with PyJWT.

Checks signature (the key chosen by the token's ``kid``), ``iss``, ``aud``, ``exp``/``nbf``/``iat``.
The key set is cached (``OIDC_JWKS_CACHE_SECONDS``); a token naming an unknown ``kid`` makes
PyJWKClient fetch it again (at most every ``OIDC_JWKS_REFRESH_COOLDOWN_SECONDS``), so a provider's
key rotation needs no restart, and a retired key stops verifying when the cached set expires.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import httpx
import jwt

from learn.config.env import get_env

logger = logging.getLogger(__name__)

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]


class TokenError(Exception):
    """A bearer token that must be refused (the message says why, without the token)."""


class IssuerKeys:
    """The JWKS client of one issuer, found through its discovery document."""

    def __init__(self, issuer: str, cache_seconds: int, cooldown_seconds: float) -> None:
        self.issuer = issuer
        self.cache_seconds = cache_seconds
        self.cooldown_seconds = cooldown_seconds
        self._client: jwt.PyJWKClient | None = None
        self._lock = threading.Lock()

    def client(self) -> jwt.PyJWKClient:
        with self._lock:
            if self._client is None:
                url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
                try:
                    response = httpx.get(url, timeout=10.0)
                    response.raise_for_status()
                    jwks_uri = str(response.json()["jwks_uri"])
                except (httpx.HTTPError, KeyError, ValueError) as error:
                    raise TokenError(f"the issuer's discovery document failed: {error}") from error
                self._client = jwt.PyJWKClient(
                    jwks_uri,
                    # Keys live in the key-set cache (``lifespan``), not in a per-kid cache
                    # without expiry: a key the issuer retires stops verifying within it.
                    cache_keys=False,
                    lifespan=self.cache_seconds,
                    timeout=10,
                    cooldown_duration=self.cooldown_seconds,
                )
            return self._client


_keys: dict[str, IssuerKeys] = {}
_keys_lock = threading.Lock()


def issuer_keys(issuer: str) -> IssuerKeys:
    with _keys_lock:
        keys = _keys.get(issuer)
        if keys is None:
            env = get_env()
            keys = _keys[issuer] = IssuerKeys(
                issuer, env.oidc_jwks_cache_seconds, env.oidc_jwks_refresh_cooldown_seconds
            )
        return keys


def forget_keys() -> None:
    """For tests and reconfiguration: drop every cached key set."""
    with _keys_lock:
        _keys.clear()


def expected_audience() -> str | None:
    env = get_env()
    return env.oidc_audience or env.oidc_client_id


def validate_token(token: str) -> dict[str, Any]:
    """The claims of a valid bearer token, else ``TokenError``."""
    env = get_env()
    if not env.oidc_issuer:
        raise TokenError("bearer tokens are not accepted: no OIDC_ISSUER is configured")
    audience = expected_audience()
    try:
        signing_key = issuer_keys(env.oidc_issuer).client().get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token,
            signing_key.key,
            algorithms=ALGORITHMS,
            issuer=env.oidc_issuer,
            audience=audience,
            options={
                "require": ["exp", "iss", "sub"],
                "verify_aud": audience is not None,
            },
            leeway=env.oidc_clock_skew_seconds,
        )
    except jwt.ExpiredSignatureError as error:
        raise TokenError("the token has expired") from error
    except jwt.InvalidIssuerError as error:
        raise TokenError("the token is from another issuer") from error
    except jwt.InvalidAudienceError as error:
        raise TokenError("the token is for another audience") from error
    except jwt.PyJWKClientError as error:
        raise TokenError(f"no key of the issuer signs this token: {error}") from error
    except jwt.InvalidTokenError as error:
        raise TokenError(f"invalid token: {error}") from error
    return claims
