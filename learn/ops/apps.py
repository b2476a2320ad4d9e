from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "learn.ops"
    label = "ops"
    verbose_name = "Operations"
