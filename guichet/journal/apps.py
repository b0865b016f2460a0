"""Le journal d'audit : chaque lecture et écriture d'une donnée sensible, en chaîne signée et ancrée."""

from django.apps import AppConfig
from django.core import checks
from django.db.backends.signals import connection_created


def _fonction_sqlite(sender, connection, **kwargs):
    """SQLite : la fonction que consultent les déclencheurs du journal (1 = verrouillé, le cas normal).

    Une connexion ouverte hors de guichet ne la connaît pas : ses UPDATE et DELETE du journal échouent.
    """
    if connection.vendor != "sqlite":
        return
    from guichet.journal.services import journal_verrouille

    alias = connection.alias
    connection.connection.create_function("guichet_journal_verrouille", 0, lambda: int(journal_verrouille(alias)))


class Config(AppConfig):
    name = "guichet.journal"
    verbose_name = "Journal d'audit"

    def ready(self):
        connection_created.connect(_fonction_sqlite, dispatch_uid="guichet_journal_sqlite")
        from guichet.journal.services import controler_cles

        checks.register(controler_cles, checks.Tags.security)
