from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "learn.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from learn.accounts import (  # noqa: F401  (the user-creation hook, OpenAPI schemes)
            schema,
            signals,
        )
