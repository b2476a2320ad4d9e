"""A URLconf with one failing view, for the Sentry test."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from learn.config.urls import urlpatterns as project_urls

# Filled by the test at run time: secrets live in memory, never in source lines Sentry quotes.
RUNTIME_SECRETS: dict[str, str] = {}


def explode(request: HttpRequest) -> HttpResponse:
    database_url = RUNTIME_SECRETS["database_url"]  # noqa: F841
    api_key = RUNTIME_SECRETS["api_key"]  # noqa: F841
    raise RuntimeError("catalog exploded while serving a test request")


urlpatterns = [path("boom/", explode), *project_urls]
