"""`guichet agreger_activite` : met à jour (ou refait avec --complet) les agrégats de l'activité."""

from django.core.management.base import BaseCommand

from guichet.statistiques import agregation


class Command(BaseCommand):
    help = (
        "Met à jour les agrégats des tableaux de bord : les jours touchés depuis le dernier calcul, ou "
        "tout avec --complet. Sans --wet-run, décrit seulement ce qui serait recalculé."
    )

    def add_arguments(self, parser):
        parser.add_argument("--complet", action="store_true", help="Tout recalculer.")
        parser.add_argument("--wet-run", action="store_true", help="Écrire vraiment les agrégats.")

    def handle(self, *args, complet, wet_run, **options):
        bilan = agregation.actualiser(complet=complet, simuler=not wet_run)
        if not wet_run:
            self.stdout.write(
                f"Simulation (--wet-run pour écrire) : {bilan.jours} jour(s) à recalculer"
                f"{' (recalcul complet)' if bilan.complet else ''}."
            )
            return
        self.stdout.write(self.style.SUCCESS(bilan.texte()))
