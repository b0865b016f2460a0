from django.apps import AppConfig


class Config(AppConfig):
    name = "guichet.demandes"
    verbose_name = "Demandes"

    def ready(self):
        # Le contrôle de déploiement des clés de chiffrement (guichet.W001) s'enregistre à l'import.
        import guichet.chiffrement  # noqa: F401
