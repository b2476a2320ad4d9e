"""Digest tasks on the ``default`` queue: one run per source type and frequency plans the
mail, then sends it in batches of ``SUBSCRIPTION_BATCH_SIZE`` users (each batch a task that is
retried when the mail server refuses or times out)."""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime
from typing import Any

from anymail.exceptions import AnymailAPIError
from celery import shared_task
from django.conf import settings
from django.utils import timezone

from learn.config.env import get_env
from learn.subscriptions import digest

logger = logging.getLogger(__name__)

# A refusing or unreachable SMTP server, a timeout, or Mailgun's API failing: the batch is retried.
RETRIED = (smtplib.SMTPException, OSError, TimeoutError, AnymailAPIError)


@shared_task(name="learn.subscriptions.send_subscription_emails")
def send_subscription_emails(
    subscription_type: str, period: str = "daily", now: str | None = None
) -> dict[str, Any]:
    """Plan one digest run (``now``: an ISO time, default the current time) and queue its
    batches. Re-running it after a crash sends only what was not sent."""
    at = datetime.fromisoformat(now) if now else timezone.now()
    planned = digest.plan(subscription_type, period, at)
    users = sorted(planned.users.items())
    size = max(1, int(getattr(settings, "SUBSCRIPTION_BATCH_SIZE", 100)))
    batches = [dict(users[i : i + size]) for i in range(0, len(users), size)]
    for batch in batches:
        send_digest_batch.apply_async(args=[{str(k): v for k, v in batch.items()}], queue="default")
    summary = {
        "subscription_type": subscription_type,
        "period": period,
        "new_resources": planned.resources,
        "users": len(users),
        "batches": len(batches),
        "invalid_queries": {str(k): v for k, v in planned.invalid.items()},
    }
    logger.info("digest run planned: %s", summary)
    return summary


@shared_task(
    bind=True,
    name="learn.subscriptions.send_digest_batch",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=RETRIED,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
    rate_limit=get_env().subscription_batch_rate_limit,
)
def send_digest_batch(self: Any, users: dict[str, digest.UserEntries]) -> dict[str, int]:
    """Mail each user of the batch; users already mailed are skipped, so a retry (after a
    refusing server, or a worker killed mid-batch) mails only the rest."""
    outcome: dict[str, int] = {}
    for user_id, entries in sorted(users.items(), key=lambda kv: int(kv[0])):
        result = digest.send_user_digest(int(user_id), entries)
        outcome[result] = outcome.get(result, 0) + 1
    return outcome
