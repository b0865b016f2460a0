"""Les bornes de satisfaction : l'avis des usagers à la sortie du lieu (tablette appairée) ou sur leur
téléphone (code QR remis après un accompagnement), et les résultats qui en sont tirés."""

from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.bornes"
    verbose_name = "Bornes de satisfaction"
