"""Django settings, derived from the typed environment in ``learn.config.env``."""

from __future__ import annotations

from typing import Any

import dj_database_url

from learn.config.env import get_env

ENV = get_env()
VAR_DIR = ENV.var_dir
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = ENV.secret_key
DEBUG = ENV.learn_debug
ALLOWED_HOSTS = [h.strip() for h in ENV.allowed_hosts.split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "learn.catalog",
    "learn.accounts",
    "learn.etl",
    "learn.news_events",
    "learn.search",
    "learn.api",
    "learn.ops",
    "learn.vectors",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "learn.accounts.gateway.GatewayUserinfoMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "learn.config.urls"
WSGI_APPLICATION = "learn.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

if ENV.database_url:
    DATABASES = {"default": dj_database_url.parse(ENV.database_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "learn.sqlite3"),
            "OPTIONS": {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }

CACHES: dict[str, Any] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
if ENV.redis_url:
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": ENV.redis_url,
        "KEY_PREFIX": "learn",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = str(VAR_DIR / "static")
MEDIA_ROOT = str(VAR_DIR / "media")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "learn.api.pagination.DefaultPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "learn.api.errors.exception_handler",
    # Bearer first: an anonymous write then gets 401 with WWW-Authenticate: Bearer.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "learn.accounts.authentication.BearerJWTAuthentication",
        "learn.accounts.authentication.SessionAuthentication",
    ],
}

# Accounts (learn/accounts): sessions opened by local sign-in, the OIDC flow or the gateway.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "learn.accounts.backends.OIDCBackend",
    "learn.accounts.backends.GatewayBackend",
]
LOGIN_URL = "/login"
# Session writes come from the web app's origin (through its /api rewrite).
CSRF_TRUSTED_ORIGINS = sorted(
    {
        "/".join(url.split("/")[:3])
        for url in (ENV.app_base_url, ENV.login_redirect_url or "")
        if url.startswith("http")
    }
)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
API_MAX_PAGE_SIZE = ENV.api_max_page_size
SEARCH_DEFAULT_MODE = ENV.search_default_mode

SPECTACULAR_SETTINGS = {
    "TITLE": "Learn API",
    "DESCRIPTION": "Learning-resource catalog API, compatible with MIT Learn's public v1 API.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Name enum components as MIT Learn's contract does.
    "ENUM_NAME_OVERRIDES": {
        "ContentFileContentTypeEnum": "learn.catalog.constants.ContentType",
    },
}

# Celery: a broker turns on real workers; without one, tasks run in-process.
CELERY_BROKER_URL = ENV.broker_url or "memory://"
CELERY_RESULT_BACKEND = ENV.redis_url or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = ENV.tasks_eager
CELERY_REDBEAT_REDIS_URL = ENV.redis_url

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": ENV.log_level},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

if ENV.sentry_dsn:  # pragma: no cover - only with a DSN
    import sentry_sdk

    sentry_sdk.init(dsn=ENV.sentry_dsn, traces_sample_rate=0.0)
