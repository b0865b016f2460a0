from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.visites"
    verbose_name = "Visites mystères"
