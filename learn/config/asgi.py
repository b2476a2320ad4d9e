"""ASGI entry point served by Granian (``learn serve``): Django behind the request-body guard.

The guard reads each request body in the event loop, with a deadline, so Django is called only
once the body has fully arrived. Django then runs as a WSGI application on a fixed pool of
threads (a2wsgi): its threads, and with them their database connections (``CONN_MAX_AGE``),
live across requests. Django's own ASGI handler starts a thread, and so opens a database
connection, for every request, and hops between the event loop and threads once per sync
middleware: it served a cached catalog page about half as fast.
"""

import os

from a2wsgi import WSGIMiddleware
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learn.config.settings")
django_application = get_wsgi_application()

from django.conf import settings  # noqa: E402 - after Django is set up

from learn.config.body_guard import BodyGuard  # noqa: E402

application = BodyGuard(
    WSGIMiddleware(django_application, workers=settings.WEB_THREADS),  # type: ignore[arg-type]
    max_bytes=settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440,
    total_timeout=settings.BODY_READ_TIMEOUT,
    idle_timeout=settings.BODY_IDLE_TIMEOUT,
)

# The startup log names the vector engine, and the setting to change when this process cannot
# use it (the embedded store opened by another process, pgvector missing, ...).
from learn.vectors.store.engine import log_startup  # noqa: E402

log_startup()
