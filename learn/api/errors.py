"""JSON error bodies for every API failure."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        # django-filter validation errors: {param: [messages]} → add a summary sentence.
        params = ", ".join(sorted(response.data))
        response.data = {"detail": f"Invalid query parameter(s): {params}", "errors": response.data}
    return response
