"""Where sign-in and sign-out send the browser (only to this site or the web app)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from learn.config.env import get_env


def app_url() -> str:
    env = get_env()
    return (env.login_redirect_url or env.app_base_url).rstrip("/") + "/"


def safe_next(request: HttpRequest, value: str | None) -> str:
    """``next`` if it points at this host or the web app, else the web app's home."""
    if not value:
        return app_url()
    allowed = {request.get_host(), urlsplit(app_url()).netloc}
    if url_has_allowed_host_and_scheme(value, allowed_hosts=allowed):
        if value.startswith("/") and not value.startswith("//"):
            # A path is a page of the web app (the API host serves /api, /admin, /login).
            if value.startswith(("/admin", "/api/", "/login", "/logout")):
                return value
            return app_url().rstrip("/") + value
        return value
    return app_url()


def onboarding_url() -> str:
    return app_url().rstrip("/") + get_env().onboarding_path
