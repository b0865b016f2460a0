from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.journal"
    verbose_name = "Journal d'audit"
