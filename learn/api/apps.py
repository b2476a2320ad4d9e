from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "learn.api"
    label = "api"
    verbose_name = "API"
