"""`guichet generer_activite --volume N` : des accompagnements synthétiques réalistes (bancs
d'essai, démonstration). La logique est dans guichet.statistiques.generation."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from guichet.reseau.models import Structure
from guichet.statistiques import generation


class Command(BaseCommand):
    help = (
        "Crée N accompagnements synthétiques sur les structures labellisées (mélange national des "
        "opérateurs, jours ouvrés, heures d'ouverture, 80 % résolus sur place). Sans --wet-run, "
        "n'écrit rien et décrit ce qui serait fait. Réservé au développement et aux bancs d'essai (DEBUG=true)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--volume", type=int, required=True, help="Nombre d'accompagnements à créer.")
        parser.add_argument("--annee", type=int, help="Année civile couverte (défaut : les 365 derniers jours).")
        parser.add_argument("--graine", type=int, default=2026, help="Graine du hasard (défaut 2026).")
        parser.add_argument(
            "--structures",
            type=int,
            help=f"Complète les structures labellisées jusqu'à ce nombre (matricules {generation.PREFIXE_BANC}…).",
        )
        parser.add_argument("--paquet", type=int, help="Lignes par transaction (défaut : 500 000 sous PostgreSQL).")
        parser.add_argument("--wet-run", action="store_true", help="Écrire vraiment dans la base.")

    def handle(self, *args, volume, annee, graine, structures, paquet, wet_run, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Données synthétiques : seulement en développement ou sur une base de banc d'essai (DEBUG=true)."
            )
        if volume <= 0:
            raise CommandError("--volume : indiquez un nombre d'accompagnements positif.")
        debut, fin = generation.periode_par_defaut(timezone.localdate(), annee)
        labellisees = Structure.objects.filter(statut=Structure.Statut.LABELLISEE).count()
        a_creer = max(0, (structures or 0) - labellisees)
        plan = (
            f"{volume} accompagnements du {debut:%d/%m/%Y} au {fin:%d/%m/%Y} sur {labellisees + a_creer} structures "
            f"labellisées (dont {a_creer} structures de banc d'essai à créer)"
        )
        if not wet_run:
            self.stdout.write(f"Simulation (rien n'est écrit ; --wet-run pour écrire) : {plan}.")
            return

        def progression(faits, total):
            self.stdout.write(f"  {faits}/{total}")

        try:
            bilan = generation.generer(
                volume, annee=annee, graine=graine, structures=structures, paquet=paquet, progression=progression
            )
        except generation.GenerationImpossible as erreur:
            raise CommandError(str(erreur)) from erreur
        self.stdout.write(
            self.style.SUCCESS(
                f"{bilan.volume} accompagnements créés en {bilan.secondes:.1f} s "
                f"({bilan.par_seconde:,.0f} par seconde, {bilan.moteur}) ; "
                f"{bilan.structures_creees} structures de banc d'essai créées."
            )
        )
        self.stdout.write("Agrégats : `guichet agreger_activite --wet-run` (ou la tâche de fond) les met à jour.")
