from __future__ import annotations

from django.apps import AppConfig


class NewsEventsConfig(AppConfig):
    name = "learn.news_events"
    label = "news_events"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the Celery task with the app wherever Django starts (web, worker, beat).
        from learn.news_events import tasks  # noqa: F401
