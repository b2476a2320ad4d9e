"""Django settings, derived from the typed environment in ``learn.config.env``."""

from __future__ import annotations

from typing import Any

import dj_database_url

from learn.config.env import get_env
from learn.observability.logs import configure_structlog, logging_config
from learn.observability.sentry import init_sentry

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
    "corsheaders",
    "drf_spectacular",
    "learn.catalog",
    "learn.accounts",
    "learn.etl",
    "learn.news_events",
    "learn.search",
    "learn.api",
    "learn.ops",
    "learn.vectors",
    "learn.subscriptions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "learn.api.limits.ContentSecurityPolicyMiddleware",
    "learn.api.limits.LoginRateLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "learn.accounts.gateway.GatewayUserinfoMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Security headers (SecurityMiddleware, XFrameOptionsMiddleware, our CSP middleware). HSTS is sent
# on HTTPS responses only (browsers ignore it over HTTP); behind a TLS proxy set
# TRUST_X_FORWARDED_PROTO so requests count as HTTPS.
SECURE_HSTS_SECONDS = ENV.hsts_seconds
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
if ENV.trust_x_forwarded_proto:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The API answers JSON and never needs scripts; the admin and the schema UI get their own policy.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
CONTENT_SECURITY_POLICY_PAGES = {
    "/admin/": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; "
    "object-src 'none'",
    "/api/v1/schema/swagger-ui/": "default-src 'self'; img-src 'self' data: "
    "https://cdn.jsdelivr.net; style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; object-src 'none'",
}

# Request limits: bodies (also enforced while reading, by the ASGI body guard) and parameters.
DATA_UPLOAD_MAX_MEMORY_SIZE = ENV.max_request_body_bytes
DATA_UPLOAD_MAX_NUMBER_FIELDS = ENV.max_request_fields
BODY_READ_TIMEOUT = ENV.body_read_timeout
WEB_THREADS = ENV.learn_web_threads
BODY_IDLE_TIMEOUT = ENV.body_idle_timeout

# CORS: only the configured origins may read responses, and only they get credentials.
CORS_ALLOWED_ORIGINS = ENV.cors_origins
CORS_ALLOW_CREDENTIALS = True
CSRF_TRUSTED_ORIGINS = ENV.cors_origins

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
    DATABASES = {
        "default": dj_database_url.parse(ENV.database_url, conn_max_age=60, conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "learn.sqlite3"),
            # Several server processes write it (Granian workers, tasks in-process): WAL lets
            # readers run beside the writer, and IMMEDIATE transactions take the write lock when
            # they begin, waiting up to `timeout`; a deferred one that reads and then writes would
            # fail at once with "database is locked" when another process wrote in between.
            "OPTIONS": {
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL;",
                "transaction_mode": "IMMEDIATE",
            },
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
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
    "DEFAULT_SCHEMA_CLASS": "learn.api.schema.LearnAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "learn.api.pagination.DefaultPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": [
        "learn.api.renderers.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "learn.api.errors.exception_handler",
    # In-app rate limits (a gateway may be absent): scopes by path, JSON 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": ["learn.api.limits.ScopedPathThrottle"],
    "NUM_PROXIES": ENV.rate_limit_proxies,
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
RATE_LIMITS = ENV.rate_limits
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

# Mail (learn.subscriptions): Mailgun (django-anymail), SMTP, or .eml files under var/mail/.
DEFAULT_FROM_EMAIL = ENV.default_from_email
EMAIL_TIMEOUT = ENV.email_timeout
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
if ENV.email_backend:
    EMAIL_BACKEND = ENV.email_backend
elif ENV.mailgun_api_key:
    EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
elif ENV.email_host:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "learn.subscriptions.mailfiles.EmlFileBackend"
ANYMAIL = {
    "MAILGUN_API_KEY": ENV.mailgun_api_key or "",
    "MAILGUN_SENDER_DOMAIN": ENV.mailgun_sender_domain or "",
    "MAILGUN_API_URL": ENV.mailgun_api_url,
}
EMAIL_HOST = ENV.email_host or "localhost"
EMAIL_PORT = ENV.email_port
EMAIL_HOST_USER = ENV.email_host_user
EMAIL_HOST_PASSWORD = ENV.email_host_password
EMAIL_USE_TLS = ENV.email_use_tls
SUBSCRIPTION_BATCH_SIZE = ENV.subscription_batch_size
UNSUBSCRIBE_TOKEN_MAX_AGE_DAYS = ENV.unsubscribe_token_max_age_days

# Celery: a broker turns on real workers; without one, tasks run in-process.
CELERY_BROKER_URL = ENV.broker_url or "memory://"
CELERY_RESULT_BACKEND = ENV.redis_url or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = ENV.tasks_eager
CELERY_REDBEAT_REDIS_URL = ENV.redis_url

# --- observability (issue 18): request ids, structured logs, metrics, Sentry ---------------
INSTALLED_APPS += ["learn.observability"]
MIDDLEWARE.insert(0, "learn.observability.requests.RequestObservabilityMiddleware")
configure_structlog()
LOGGING = logging_config(ENV.log_level, ENV.log_format)
if ENV.prometheus_multiproc_dir:  # prometheus-client writes one file per process there
    ENV.prometheus_multiproc_dir.mkdir(parents=True, exist_ok=True)
init_sentry(ENV)
# --- end observability ------------------------------------------------------------------
