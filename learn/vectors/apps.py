from django.apps import AppConfig


class VectorsConfig(AppConfig):
    name = "learn.vectors"
    label = "vectors"
    verbose_name = "Vectors"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from learn.vectors import listeners, tasks  # tasks: registered for the worker

        listeners.register()
        del tasks
