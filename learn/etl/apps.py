from django.apps import AppConfig


class EtlConfig(AppConfig):
    name = "learn.etl"
    label = "etl"
    verbose_name = "ETL"
    default_auto_field = "django.db.models.BigAutoField"
