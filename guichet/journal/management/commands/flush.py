"""`guichet flush` : la commande de Django, qui vide toute la base, journal d'audit compris.

Le journal est en ajout seul (déclencheurs) ; seule cette remise à zéro complète (développement,
tests) lève l'interdiction, le temps de la commande."""

from django.core.management.commands.flush import Command as Flush

from guichet.journal.services import journal_deverrouille


class Command(Flush):
    def handle(self, **options):
        with journal_deverrouille(options["database"]):
            return super().handle(**options)
