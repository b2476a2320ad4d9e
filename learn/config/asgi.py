"""ASGI entry point served by Granian (``learn serve``): Django behind the request-body guard."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learn.config.settings")
django_application = get_asgi_application()

from django.conf import settings  # noqa: E402 - after Django is set up

from learn.config.body_guard import BodyGuard  # noqa: E402

application = BodyGuard(
    django_application,
    max_bytes=settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440,
    total_timeout=settings.BODY_READ_TIMEOUT,
    idle_timeout=settings.BODY_IDLE_TIMEOUT,
)

# The startup log names the vector engine, and the setting to change when this process cannot
# use it (the embedded store opened by another process, pgvector missing, ...).
from learn.vectors.store.engine import log_startup  # noqa: E402

log_startup()
