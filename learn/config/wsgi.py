"""WSGI entry point served by Granian (``learn serve``, and the API container)."""

import os

from django.core.wsgi import get_wsgi_application

from learn.config.env import get_env
from learn.config.production import ensure_production_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learn.config.settings")
ensure_production_ready(get_env())
application = get_wsgi_application()

# The startup log names the vector engine, and the setting to change when this process cannot
# use it (the embedded store opened by another process, pgvector missing, ...).
from learn.vectors.store.engine import log_startup  # noqa: E402

log_startup()
