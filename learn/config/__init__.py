"""Project configuration: typed environment, Django settings, URLs, WSGI, Celery."""
