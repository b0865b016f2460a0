from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.demo"
    label = "demo"
    verbose_name = "Démonstration"
