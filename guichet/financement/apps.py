from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.financement"
    verbose_name = "Financement"
