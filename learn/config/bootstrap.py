"""Django set-up for processes that are not started by Django (commands, benchmarks, workers)."""

from __future__ import annotations

import os


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learn.config.settings")
    import django

    django.setup()
