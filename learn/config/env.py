"""Typed settings read once from the environment.

Everything the project reads from the environment lives here; no other module calls
``os.environ``. Embedded defaults need no service; each production switch is one variable.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class LearnEnv(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    learn_var_dir: Path = Field(default=Path("var"), description="Folder for every embedded store")
    learn_port: int = 8063
    learn_debug: bool = False
    secret_key: str = "insecure-dev-key-change-me-in-production-0123456789"
    allowed_hosts: str = "*"
    database_url: str | None = None
    redis_url: str | None = None
    celery_broker_url: str | None = None
    # Tasks run in the calling process when no broker is configured (embedded mode).
    celery_task_always_eager: bool | None = None
    app_base_url: str = "http://localhost:8062"
    api_max_page_size: int = 100
    # search_mode of /api/v1/learning_resources_search/ when the request names none: "hybrid"
    # (lexical + dense fusion; quietly lexical while no resource is embedded) or a lexical mode.
    search_default_mode: Literal["hybrid", "phrase", "best_fields", "most_fields"] = "hybrid"
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
    qdrant_url: str | None = None
    qdrant_api_key: str | None = None
    qdrant_collection_prefix: str = "learn"
    # Resource queries (hybrid, v0 vector search) move toward their nearest resources' mean
    # (pseudo-relevance feedback; learn.vectors.search.resource_query_vector); 0 turns it off.
    vector_query_feedback_docs: int = Field(default=5, ge=0, le=50)
    vector_query_feedback_weight: float = Field(default=0.5, ge=0.0, le=5.0)
    content_file_embedding_chunk_size: int = 512
    content_file_embedding_chunk_overlap: int = 32
    vector_content_files_anonymous: bool = True
    opensearch_url: str | None = None
    opensearch_index: str = "learn"
    log_level: str = "INFO"

    # ETL sources (learn/etl/sources/<name>.py); a source with no URL configured is skipped.
    etl_request_timeout: float = 30.0
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
    etl_batch_size: int = 500
    etl_lock_timeout: int = 6 * 3600
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
    # Webhooks (learn/etl/webhooks.py): HMAC-SHA256 secret of the content-file and OVS webhooks
    # (header X-MITLearn-Signature) and the key OCW's publisher puts in its webhook body.
    webhook_secret: str | None = None
    ocw_webhook_key: str | None = None
    course_archive_location: str | None = Field(
        default=None, description="Folder or s3://BUCKET/PREFIX holding webhook content_paths"
    )
    # YouTube transcripts (learn/etl/sources/youtube_transcripts.py): the timedtext endpoint.
    youtube_timedtext_url: str = "https://www.youtube.com/api/timedtext"

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
    def tasks_eager(self) -> bool:
        if self.celery_task_always_eager is not None:
            return self.celery_task_always_eager
        return self.broker_url is None

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
