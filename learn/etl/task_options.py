"""What every ETL task shares: the network-failure exception Celery retries on, and the retry
options (one module, so the source tasks and the webhook tasks import it without a cycle)."""

from __future__ import annotations

from typing import Any


class EtlNetworkError(Exception):
    """Raised inside the task so Celery's autoretry sees a network failure."""


RETRY_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "autoretry_for": (EtlNetworkError,),
    "retry_backoff": 60,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 3,
}
