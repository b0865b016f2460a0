from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.mandats"
    verbose_name = "Mandats des usagers"
