from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.bureau"
    verbose_name = "Bureau de l'agent"
