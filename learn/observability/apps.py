from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    name = "learn.observability"
    label = "observability"
    verbose_name = "Observability"

    def ready(self) -> None:
        from learn.observability import celery_signals

        celery_signals.connect()
