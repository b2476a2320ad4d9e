from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "learn.catalog"
    label = "catalog"
    verbose_name = "Catalog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from learn.catalog import version
        from learn.catalog.channels import connect_signals

        connect_signals()
        version.connect()
