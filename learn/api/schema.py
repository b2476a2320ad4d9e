"""Our OpenAPI schema documents every status the API answers, not only the 200.

Added to each operation where it applies (an explicit ``responses=`` entry wins):
400 (invalid or unknown query parameters, or a bad body), 404 (an unknown id in the path),
408/413 (a body that stalls or is too large), 429 (a rate-limited scope), 503 (a search or
vector engine, or a machine endpoint's missing configuration).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema

from learn.api.limits import scope_of

ERROR_BODY = {  # "detail" in the API's own errors; webhooks answer MIT's {"status", "error"}
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "status": {"type": "string"},
        "error": {"type": "string"},
    },
    "additionalProperties": True,
}
UNAVAILABLE_PATHS = ("_search/", "similar/", "/webhooks/", "webhook/")


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_BODY}}}


class LearnAutoSchema(AutoSchema):
    def _get_paginator(self) -> Any:
        # ``membership/`` answers a bare list (as MIT Learn's), though its viewset pages lists
        if getattr(self.view, "action", None) == "membership":
            return None
        return super()._get_paginator()

    def _needs_a_user(self) -> bool:
        """Whether the view's permissions can refuse an anonymous caller."""
        from rest_framework.permissions import AllowAny

        classes = getattr(self.view, "permission_classes", None) or []
        return any(permission is not AllowAny for permission in classes)

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = dict(super()._get_response_bodies(direction))
        if direction != "response":
            return responses
        path, method = self.path, self.method.upper()
        has_body = method in ("POST", "PUT", "PATCH")
        errors: dict[str, dict[str, Any]] = {}
        if has_body or method == "GET":
            errors["400"] = _error("An invalid or unknown parameter, or an invalid body")
        if "{" in path:
            errors["404"] = _error("No such object")
        if has_body:
            errors["408"] = _error("The request body did not arrive in time")
            errors["413"] = _error("The request body is too large")
        if scope_of(path):
            errors["429"] = _error("Too many requests from this client; see Retry-After")
        if "webhook" in path:
            errors["401"] = _error("A missing or invalid signature")
            errors["403"] = _error("A signature or key that does not match")
        elif method in ("POST", "PUT", "PATCH", "DELETE") or self._needs_a_user():
            errors["401"] = _error("Sign-in (a session or a bearer token) is needed")
            errors["403"] = _error("The signed-in user may not do this (or no CSRF token)")
        if any(part in path for part in UNAVAILABLE_PATHS):
            errors["503"] = _error("The engine or the endpoint's configuration is unavailable")
        for code, response in errors.items():
            responses.setdefault(code, response)
        return responses
