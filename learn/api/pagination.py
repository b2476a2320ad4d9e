"""Limit/offset pagination as MIT Learn's API does it: default 10, capped at the maximum."""

from __future__ import annotations

from django.conf import settings
from rest_framework.pagination import LimitOffsetPagination


class DefaultPagination(LimitOffsetPagination):
    default_limit = 10
    max_limit = settings.API_MAX_PAGE_SIZE


class LargePagination(LimitOffsetPagination):
    """Lookup lists and the summary list page by up to 1000."""

    default_limit = 1000
    max_limit = 1000
