"""La qualité du back-office des opérateurs, mesurée sur les demandes."""

from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.qualite"
    verbose_name = "Qualité du back-office"
