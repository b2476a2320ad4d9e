"""WSGI entry point served by Granian (``learn serve``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learn.config.settings")
application = get_wsgi_application()

# The startup log names the vector engine, and the setting to change when this process cannot
# use it (the embedded store opened by another process, pgvector missing, ...).
from learn.vectors.store.engine import log_startup  # noqa: E402

log_startup()
