"""Limit/offset pagination as MIT Learn's API does it: default 10, capped at the maximum."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

from learn.api.params import MAX_DB_INT, non_negative_int


class CappedLimitOffsetPagination(LimitOffsetPagination):
    """A ``limit`` above ``max_limit`` is served as ``max_limit`` (never an error); the schema
    says so. A ``limit`` or ``offset`` that is not a non-negative integer is a JSON 400 naming it
    (``limit=0`` keeps its meaning of the default page size)."""

    def get_limit(self, request: Request) -> int | None:
        raw = request.query_params.get(self.limit_query_param)
        if raw is None or raw == "":
            return self.default_limit
        value = non_negative_int(self.limit_query_param, raw)
        if value == 0:
            return self.default_limit
        return min(value, self.max_limit) if self.max_limit else value

    def get_offset(self, request: Request) -> int:
        raw = request.query_params.get(self.offset_query_param)
        if raw is None or raw == "":
            return 0
        return non_negative_int(self.offset_query_param, raw)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"] = {**parameter["schema"], "minimum": 0, "maximum": MAX_DB_INT}
            if parameter["name"] == self.limit_query_param:
                parameter["description"] = (
                    f"Number of results to return per page (default {self.default_limit}; "
                    f"values above {self.max_limit} are capped to {self.max_limit})."
                )
        return parameters


class DefaultPagination(CappedLimitOffsetPagination):
    default_limit = 10
    max_limit = settings.API_MAX_PAGE_SIZE


class LargePagination(CappedLimitOffsetPagination):
    """Lookup lists and the summary list page by up to 1000."""

    default_limit = 1000
    max_limit = 1000
