"""Beat schedule: MIT Learn's daily digests (channels 18:30 UTC, searches 19:00 UTC) and the
weekly ones for users who chose weekly (Mondays, same times)."""

from __future__ import annotations

from celery.schedules import crontab

from learn.config.celery import register_schedule

TIMES = {"channel_subscription_type": (18, 30), "search_subscription_type": (19, 0)}

for source_type, (hour, minute) in TIMES.items():
    kind = source_type.split("_", 1)[0]
    register_schedule(
        f"subscriptions-{kind}-daily",
        {
            "task": "learn.subscriptions.send_subscription_emails",
            "schedule": crontab(minute=minute, hour=hour),
            "kwargs": {"subscription_type": source_type, "period": "daily"},
            "options": {"queue": "default"},
        },
    )
    register_schedule(
        f"subscriptions-{kind}-weekly",
        {
            "task": "learn.subscriptions.send_subscription_emails",
            "schedule": crontab(minute=minute, hour=hour, day_of_week=1),
            "kwargs": {"subscription_type": source_type, "period": "weekly"},
            "options": {"queue": "default"},
        },
    )
