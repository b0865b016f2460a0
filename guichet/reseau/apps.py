from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.reseau"
    verbose_name = "Réseau France Services"
