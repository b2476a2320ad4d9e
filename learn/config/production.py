"""Start-up guard: a deployment (LEARN_DEBUG off, DATABASE_URL set) refuses development settings.

The embedded mode (no DATABASE_URL: SQLite, Tantivy and in-process tasks on one machine, as
``learn demo`` runs it) is a local setup and is not checked. The serving processes (the WSGI
application, Celery workers and beat) call :func:`ensure_production_ready` before they start;
``learn check-deploy`` prints the same list.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from learn.config.env import DEV_SECRET_KEY, LearnEnv

MIN_SECRET_KEY_LENGTH = 50


class ProductionSettingsError(RuntimeError):
    """Raised with every problem named, one per line."""


def production_problems(env: LearnEnv) -> list[str]:
    if env.learn_debug or not env.database_url:
        return []
    problems = []
    if env.secret_key == DEV_SECRET_KEY:
        problems.append("SECRET_KEY is the development key: set SECRET_KEY or SECRET_KEY_FILE")
    elif len(env.secret_key) < MIN_SECRET_KEY_LENGTH:
        problems.append(f"SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters")
    hosts = [h.strip() for h in env.allowed_hosts.split(",") if h.strip()]
    if not hosts:
        problems.append("ALLOWED_HOSTS is empty: list the site's host names")
    elif "*" in hosts:
        problems.append("ALLOWED_HOSTS contains a wildcard (*): list the site's host names")
    if not env.redis_url:
        problems.append("REDIS_URL is not set (cache, Celery broker and beat need Redis)")
    host = urlsplit(env.app_base_url).hostname or ""
    if host in {"localhost", "127.0.0.1", "::1", ""}:
        problems.append(f"APP_BASE_URL is {env.app_base_url!r}: set the public https URL")
    return problems


def ensure_production_ready(env: LearnEnv) -> None:
    problems = production_problems(env)
    if problems:
        raise ProductionSettingsError(
            "Refusing to start with LEARN_DEBUG off (set LEARN_DEBUG=true for development):\n  - "
            + "\n  - ".join(problems)
        )
