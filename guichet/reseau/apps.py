from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.reseau"
    verbose_name = "Réseau France Services"

    def ready(self):
        from guichet.reseau import annuaire  # noqa: F401 (branche l'invalidation de l'annuaire sur les signaux)
