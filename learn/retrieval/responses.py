"""The one error shape and the one page envelope of every search endpoint.

Lexical search (`learning_resources_search/`, `content_file_search/`), the vector searches,
`vector_similar/` and `similar/` all refuse a bad parameter the same way (400):

    {"detail": "<param>: <why>[; <param>: <why> ...]", "param": "<first param>",
     "errors": {"<param>": ["<why>"], ...}, "choices": [...]}   # choices only for an enum

and answer an unavailable engine the same way (503):

    {"detail": "<what> is unavailable; please retry shortly.", "error": "<cause>",
     "code": "search_unavailable" | "vector_store_unavailable"}

A page is MIT Learn's paginated envelope: ``count``, ``next``, ``previous``, ``results`` and
``metadata``; ``next``/``previous`` keep every parameter of the request and move ``offset``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.response import Response


class ParamError(ValueError):
    """One or more query parameters refused; ``param`` is the first, ``errors`` all of them."""

    def __init__(
        self,
        param: str,
        message: str,
        choices: Sequence[str] | None = None,
        *,
        more: Mapping[str, str] | None = None,
    ) -> None:
        self.param = param
        self.message = message
        self.choices = list(choices) if choices is not None else None
        self.errors: dict[str, str] = {param: message, **(more or {})}
        super().__init__("; ".join(f"{name}: {why}" for name, why in self.errors.items()))

    @classmethod
    def of(cls, errors: Mapping[str, str]) -> ParamError:
        """The error for several refused parameters at once (at least one)."""
        (first, why), *rest = errors.items()
        return cls(first, why, more=dict(rest))

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "detail": str(self),
            "param": self.param,
            "errors": {name: [why] for name, why in self.errors.items()},
        }
        if self.choices is not None:
            body["choices"] = self.choices
        return body


def bad_request(exc: ParamError) -> Response:
    return Response(exc.as_json(), status=400)


def unavailable(what: str, exc: BaseException, code: str) -> Response:
    return Response(
        {
            "detail": f"{what} is unavailable; please retry shortly.",
            "error": str(exc),
            "code": code,
        },
        status=503,
    )


def page_url(request: HttpRequest | Request, offset: int, limit: int) -> str:
    params = request.GET.copy()
    params["offset"] = str(offset)
    params["limit"] = str(limit)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def page_envelope(
    request: HttpRequest | Request,
    count: int,
    results: list[Any],
    offset: int,
    limit: int,
    metadata: dict[str, Any],
) -> dict[str, Any]:
    end = offset + limit
    nxt = page_url(request, end, limit) if limit and end < count else None
    prev = page_url(request, max(0, offset - limit), limit) if offset > 0 and limit else None
    return {"count": count, "next": nxt, "previous": prev, "results": results, "metadata": metadata}
