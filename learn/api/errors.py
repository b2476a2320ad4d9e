"""JSON error bodies for every API failure."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        # Validation errors {name: [messages]} (query parameters, or body fields of a write)
        # → add a summary sentence naming them.
        names = ", ".join(sorted(response.data))
        request = context.get("request")
        what = "query parameter(s)" if getattr(request, "method", "GET") == "GET" else "field(s)"
        response.data = {"detail": f"Invalid {what}: {names}", "errors": response.data}
    return response
