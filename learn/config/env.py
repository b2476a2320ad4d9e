"""Typed settings read once from the environment.

Everything the project reads from the environment lives here; no other module calls
``os.environ``. Embedded defaults need no service; each production switch is one variable.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

DEV_SECRET_KEY = "insecure-dev-key-change-me-in-production-0123456789"


class SettingFileError(ValueError):
    """A ``NAME_FILE`` variable that cannot be used (unreadable, or NAME is set as well)."""


class FileValuesSource(PydanticBaseSettingsSource):
    """Any setting ``NAME`` may come from the file named by ``NAME_FILE`` (as Kubernetes Secrets
    and Vault Agent mount them); a trailing newline is dropped. Setting both is an error."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # __call__ does the work

    def __call__(self) -> dict[str, Any]:
        environ = {k.upper(): v for k, v in os.environ.items()}
        values: dict[str, Any] = {}
        for name in self.settings_cls.model_fields:
            path = environ.get(f"{name.upper()}_FILE")
            if not path:
                continue
            if name.upper() in environ:
                raise SettingFileError(f"set {name.upper()} or {name.upper()}_FILE, not both")
            try:
                values[name] = Path(path).read_text().rstrip("\r\n")
            except OSError as exc:
                raise SettingFileError(f"{name.upper()}_FILE: cannot read {path}: {exc}") from exc
        return values


class LearnEnv(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    learn_var_dir: Path = Field(default=Path("var"), description="Folder for every embedded store")
    learn_port: int = 8063
    learn_web_concurrency: int | None = Field(
        default=None, ge=1, description="Granian worker processes (see web_concurrency)"
    )
    learn_debug: bool = False
    secret_key: str = DEV_SECRET_KEY
    allowed_hosts: str = "*"
    database_url: str | None = None
    redis_url: str | None = None
    celery_broker_url: str | None = None
    # Tasks run in the calling process when no broker is configured (embedded mode).
    celery_task_always_eager: bool | None = None
    app_base_url: str = "http://localhost:8062"
    # Browser origins (comma-separated, scheme://host[:port]) that may call the API with
    # credentials, e.g. MIT Learn's own front end on another host; also CSRF-trusted.
    cors_allowed_origins: str = ""
    api_max_page_size: int = 100
    # Reliability and security limits (learn.config.body_guard, learn.api.limits, settings).
    body_read_timeout: float = Field(
        default=30.0, description="Seconds a request body may take to arrive (else JSON 408)"
    )
    learn_web_threads: int = Field(
        default=8,
        ge=1,
        description="Threads each API worker process runs Django on (their database "
        "connections are kept across requests)",
    )
    body_idle_timeout: float = Field(
        default=10.0, description="Seconds a request body may stall between chunks (else 408)"
    )
    max_request_body_bytes: int = Field(
        default=2_621_440, description="Larger request bodies get a JSON 413"
    )
    max_request_fields: int = Field(
        default=1000, description="More query or form parameters get a JSON 400"
    )
    rate_limits: str = Field(
        default="search=20/s,webhooks=5/s,login=10/m",
        description="Per-client request rates by scope (search, webhooks, login; N/s, N/m, N/h, "
        "N/d); 'off' disables them",
    )
    rate_limit_proxies: int = Field(
        default=0,
        description="Proxies in front of the API whose X-Forwarded-For is trusted to name the "
        "client (1 behind the Next.js site or one load balancer); 0 uses the peer address",
    )
    hsts_seconds: int = Field(
        default=31_536_000, description="Strict-Transport-Security max-age on HTTPS responses"
    )
    trust_x_forwarded_proto: bool = Field(
        default=False,
        description="Treat X-Forwarded-Proto: https as HTTPS (behind a TLS-terminating proxy)",
    )
    # search_mode of /api/v1/learning_resources_search/ when the request names none: "hybrid"
    # (lexical + dense fusion; quietly lexical while no resource is embedded) or a lexical mode.
    search_default_mode: Literal["hybrid", "phrase", "best_fields", "most_fields"] = "hybrid"
    search_result_cache_size: int = Field(
        default=256,
        ge=0,
        description="Lexical search results kept per process, keyed by the index version the "
        "engine reports (an index change is a new key); 0 turns the cache off",
    )
    catalog_view_cache_mb: int = Field(
        default=64,
        ge=0,
        description="Rendered anonymous catalog pages (resource lists and details) kept per "
        "process, in MB, keyed by the catalog version every announced change moves on; 0 off",
    )
    catalog_view_cache_seconds: float = Field(
        default=300.0,
        gt=0,
        description="The longest a cached catalog page is served: bounds what a change that "
        "was never announced (a writer killed between commit and announcement) leaves stale",
    )
    # The local stand-in that replays ../shared/fixtures/sources in `learn demo` (0: any free port).
    replay_port: int = 8064
    shared_dir: Path | None = Field(
        default=None, description="Path of the shared reference material (taxonomy, corpus)"
    )
    sentry_dsn: str | None = None
    # Semantic layer (learn.vectors): local ONNX MiniLM unless EMBEDDING_MODEL names a
    # LiteLLM model. "local/all-minilm-l6-v2-int8" multiplies in int8 (derived once from the
    # shipped model into LEARN_CACHE_DIR); "local/all-minilm-l6-v2-int8-weights" runs the shipped
    # model as it is (int8 weights, float32 products: about 2.3x the CPU per chunk).
    embedding_model: str = "local/all-minilm-l6-v2-int8"
    learn_cache_dir: Path | None = Field(
        default=None, description="Folder for derived files (default: ~/.cache/learn)"
    )
    embedding_api_base: str | None = None
    openai_api_key: str | None = None
    # Vector engine (learn.vectors.store): "embedded" (Qdrant Edge shard under LEARN_VAR_DIR, opened
    # by one process: the server's vector host when it runs several workers), "pgvector" (tables
    # in the PostgreSQL database, shared by every process) or "qdrant" (QDRANT_URL). Unset:
    # qdrant when QDRANT_URL is set, pgvector when tasks go to workers (a broker) and the
    # database is PostgreSQL, else embedded (``vector_engine_in_use``).
    vector_engine: Literal["embedded", "pgvector", "qdrant"] | None = None
    qdrant_url: str | None = None
    qdrant_api_key: str | None = None
    qdrant_collection_prefix: str = "learn"
    learn_vector_host: Path | None = Field(
        default=None,
        description="Unix socket of the vector host that opens the embedded store for every "
        "process (set by `learn serve` for its workers; unset: var/vectors/<prefix>.sock when a "
        "host answers there, else this process opens the store itself)",
    )
    # Resource queries (hybrid, v0 vector search) move toward their nearest resources' mean
    # (pseudo-relevance feedback; learn.vectors.search.resource_query_vector); 0 turns it off.
    vector_query_feedback_docs: int = Field(default=5, ge=0, le=50)
    vector_query_feedback_weight: float = Field(default=0.5, ge=0.0, le=5.0)
    content_file_embedding_chunk_size: int = 512
    content_file_embedding_chunk_overlap: int = 32
    vector_content_files_anonymous: bool = True
    opensearch_url: str | None = None
    opensearch_index: str = "learn"
    # Replicas of every index: 2 as MIT Learn runs; 0 on a one-node cluster (else it stays yellow).
    opensearch_replicas: int = Field(default=2, ge=0, le=10)
    # Unset: Learn's own loggers at INFO, third-party libraries at WARNING (quiet CLI output).
    # Set (e.g. INFO or DEBUG): every logger at that level.
    log_level: str | None = None

    # Observability (learn.observability): log format, Sentry, PostHog, Prometheus.
    log_format: Literal["auto", "json", "text"] = Field(
        default="auto", description="json, text, or auto (text when stderr is a terminal)"
    )
    learn_release: str | None = Field(default=None, description="Release name (image tag)")
    learn_environment: str = "development"
    sentry_traces_sample_rate: float = Field(default=0.25, ge=0.0, le=1.0)
    # Set for several server processes (Granian workers): prometheus-client aggregates them.
    prometheus_multiproc_dir: Path | None = None
    posthog_api_key: str | None = None
    posthog_host: str = "https://us.i.posthog.com"
    # Analytics consent when the visitor has not chosen (cookie learn_analytics_consent);
    # DNT / Sec-GPC always mean denied.
    posthog_consent_default: Literal["granted", "denied"] = "granted"

    # ETL sources (learn/etl/sources/<name>.py); a source with no URL configured is skipped.
    etl_request_timeout: float = 30.0
    # Every outbound fetch (learn/etl/http.py): a streamed byte cap, an overall deadline (all
    # attempts and redirects), and no loopback/link-local/private addresses unless allowed (the
    # local stand-ins of tests and development).
    etl_fetch_max_bytes: int = 200 * 1024 * 1024
    etl_fetch_deadline: float = 300.0
    etl_allow_private_networks: bool = False
    mitx_online_base_url: str = "https://mitxonline.mit.edu"
    mitx_online_courses_api_url: str | None = None
    mitx_online_programs_api_url: str | None = None
    mitx_online_etl_api_key: str | None = None
    xpro_base_url: str = "https://xpro.mit.edu"
    xpro_courses_api_url: str | None = None
    xpro_catalog_api_url: str | None = None
    oll_data_url: str | None = None
    mitpe_base_api_url: str | None = None
    podcast_config_url: str | None = None
    youtube_developer_key: str | None = None
    youtube_config_url: str | None = None
    youtube_api_url: str = "https://www.googleapis.com/youtube/v3"
    edx_api_url: str | None = None
    edx_programs_api_url: str | None = None
    edx_api_access_token_url: str | None = None
    edx_api_client_id: str | None = None
    edx_api_client_secret: str | None = None
    edx_base_url: str = "https://www.edx.org/"
    edx_alt_url: str = "https://www.edx.org/course/"
    micromasters_catalog_api_url: str | None = None
    see_api_url: str | None = None
    see_api_access_token_url: str | None = None
    see_api_client_id: str | None = None
    see_api_client_secret: str | None = None
    prolearn_graphql_url: str | None = None
    ovs_api_base_url: str | None = None
    ovs_allowed_media_hosts: str = ""
    news_events_medium_url: str | None = None
    news_events_ol_events_url: str | None = None
    news_events_sloan_news_url: str | None = None
    # ETL core (learn/etl): prune guard, batching, the per-source lock, OCW input.
    etl_safety_ratio: float = Field(
        default=0.5,
        description="A full load shrinking below this share of published rows is suspicious",
    )
    etl_failure_ratio: float = Field(
        default=0.1,
        description="A full load where more than this share of records fails to transform is "
        "suspicious (nothing is unpublished)",
    )
    etl_batch_size: int = 500
    ocw_data_source: str | None = Field(
        default=None,
        description="OCW courses/<slug>/data.json tree: folder, http(s):// or s3:// URL",
    )
    ocw_base_url: str = "https://ocw.mit.edu/"
    aws_s3_endpoint_url: str | None = None
    # Content files (learn/etl/content): a Tika server when TIKA_URL is set, else in-process Tika.
    tika_url: str | None = Field(default=None, description="Tika server base URL (PUT /tika)")
    tika_access_token: str | None = None  # sent as X-Access-Token
    tika_timeout: float = 60.0
    tika_ocr_strategy: Literal["no_ocr", "auto", "ocr_only", "ocr_and_text_extraction"] = "no_ocr"
    content_max_file_bytes: int = 50 * 1024 * 1024
    content_max_archive_bytes: int = 2 * 1024 * 1024 * 1024  # uncompressed total of one archive
    content_max_archive_members: int = 100_000
    # In-process Tika runs in a child process with these limits (learn/etl/content/sandbox.py).
    content_extract_memory_bytes: int = 1024 * 1024 * 1024
    content_extract_seconds: float = 60.0
    content_extract_max_pages: int = 2_000
    # Webhooks (learn/etl/webhooks.py): HMAC-SHA256 secret of the content-file and OVS webhooks
    # (header X-MITLearn-Signature) and the key OCW's publisher puts in its webhook body.
    webhook_secret: str | None = None
    ocw_webhook_key: str | None = None
    # Signed timestamps older or newer than this are refused; delivery ids are remembered as long.
    webhook_max_skew_seconds: int = 300
    course_archive_location: str | None = Field(
        default=None, description="Folder or s3://BUCKET/PREFIX holding webhook content_paths"
    )
    # YouTube transcripts (learn/etl/sources/youtube_transcripts.py): the timedtext endpoint.
    youtube_timedtext_url: str = "https://www.youtube.com/api/timedtext"

    # Mail (learn/subscriptions): Mailgun through django-anymail when MAILGUN_API_KEY is set,
    # else SMTP when EMAIL_HOST is set, else one .eml file per message under LEARN_VAR_DIR/mail.
    # EMAIL_BACKEND (a dotted path) overrides the choice.
    email_backend: str | None = None
    mailgun_api_key: str | None = None
    mailgun_sender_domain: str | None = None
    mailgun_api_url: str = "https://api.mailgun.net/v3"
    email_host: str | None = None
    email_port: int = 25
    email_host_user: str = ""
    email_host_password: str = ""
    email_use_tls: bool = False
    email_timeout: float = 30.0
    default_from_email: str = "Learn <noreply@localhost>"
    # Where mail links the API (unsubscribe, feeds); default APP_BASE_URL (the site proxies /api).
    api_base_url: str | None = None
    # Digests: users per mail batch task; one-click unsubscribe links stay valid this long.
    subscription_batch_size: int = 100
    subscription_batch_rate_limit: str = "30/m"  # digest batch tasks per worker (Celery rate_limit)
    unsubscribe_token_max_age_days: int = 60

    # Accounts (learn/accounts): three ways in, one user model.
    # 1. Gateway: X-Userinfo (base64 userinfo JSON) is trusted only on requests that also carry
    #    X-Learn-Gateway-Auth equal to this secret (the gateway adds it; clients cannot know it).
    learn_gateway_secret: str | None = None
    # 2./3. An OIDC provider: bearer JWTs are checked against its JWKS, and without a gateway
    #    the app runs the authorization-code + PKCE flow against it itself.
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_scopes: str = "openid profile email"
    # Audience a bearer token must name (default: the client id).
    oidc_audience: str | None = None
    # The callback URL registered at the provider (default: /login/callback/ on the request's host;
    # set it when the web app's origin proxies /login to the API).
    oidc_redirect_uri: str | None = None
    oidc_jwks_cache_seconds: int = 300
    # An unknown kid refetches the key set at most this often (PyJWKClient's cooldown).
    oidc_jwks_refresh_cooldown_seconds: float = 30.0
    oidc_clock_skew_seconds: int = 30  # leeway on exp/nbf/iat of bearer tokens
    # Users the gateway / provider names for the first time are created (MIT Learn's default);
    # existing users are never updated from claims unless told to.
    users_create_unknown: bool = True
    users_update_existing: bool = False
    # Where sign-in sends a user without ``next`` (the web app), and onboarding on first login.
    login_redirect_url: str | None = None
    onboarding_path: str = "/onboarding"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, FileValuesSource(settings_cls), dotenv_settings)

    @property
    def cors_origins(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.cors_allowed_origins.split(",") if o.strip()]

    @property
    def var_dir(self) -> Path:
        return self.learn_var_dir.resolve()

    @property
    def cache_dir(self) -> Path:
        if self.learn_cache_dir is not None:
            return self.learn_cache_dir.resolve()
        return Path.home() / ".cache" / "learn"

    @property
    def broker_url(self) -> str | None:
        return self.celery_broker_url or self.redis_url

    @property
    def web_concurrency(self) -> int:
        """Granian worker processes of ``learn serve``: ``LEARN_WEB_CONCURRENCY``, else one per
        core. On the embedded vector store, several workers reach its shard through a vector
        host process that ``learn serve`` starts (learn/vectors/store/host.py)."""
        if self.learn_web_concurrency:
            return self.learn_web_concurrency
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
        return cores or os.cpu_count() or 1

    @property
    def tasks_eager(self) -> bool:
        if self.celery_task_always_eager is not None:
            return self.celery_task_always_eager
        return self.broker_url is None

    @property
    def database_is_postgresql(self) -> bool:
        return bool(self.database_url) and str(self.database_url).startswith(
            ("postgres://", "postgresql://", "pgsql://")
        )

    @property
    def vector_engine_in_use(self) -> Literal["embedded", "pgvector", "qdrant"]:
        """VECTOR_ENGINE, or the default: embedded only where the deployment is one process."""
        if self.vector_engine is not None:
            return self.vector_engine
        if self.qdrant_url:
            return "qdrant"
        if not self.tasks_eager and self.database_is_postgresql:
            return "pgvector"
        return "embedded"

    def shared_path(self) -> Path | None:
        """The shared reference folder: ``SHARED_DIR`` or ``../shared`` beside the checkout."""
        if self.shared_dir:
            return self.shared_dir
        here = Path(__file__).resolve().parents[3] / "shared"
        if here.is_dir():
            return here
        cwd = Path.cwd().parent / "shared"
        return cwd if cwd.is_dir() else None


@lru_cache(maxsize=1)
def get_env() -> LearnEnv:
    return LearnEnv()
