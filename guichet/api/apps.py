from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.api"
    verbose_name = "API"
