"""Typed settings read once from the environment.

Everything the project reads from the environment lives here; no other module calls
``os.environ``. Embedded defaults need no service; each production switch is one variable.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

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
    shared_dir: Path | None = Field(
        default=None, description="Path of the shared reference material (taxonomy, corpus)"
    )
    sentry_dsn: str | None = None
    log_level: str = "INFO"

    @property
    def var_dir(self) -> Path:
        return self.learn_var_dir.resolve()

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
