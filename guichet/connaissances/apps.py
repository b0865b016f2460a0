from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.connaissances"
    verbose_name = "Base de connaissances"
