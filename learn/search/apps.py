from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "learn.search"
    label = "search"
    verbose_name = "Search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from learn.search import tasks  # noqa: F401  (registers the drain task by name)
        from learn.search.queue import connect_catalog_hooks

        connect_catalog_hooks()
