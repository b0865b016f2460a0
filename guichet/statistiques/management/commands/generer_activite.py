"""`guichet generer_activite --volume N [--wet-run]` : des accompagnements synthétiques réalistes (bancs
d'essai, démonstration). La logique est dans guichet.statistiques.generation."""

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone

from guichet.commandes import Commande, Rapport
from guichet.reseau.models import Structure
from guichet.statistiques import generation


class Command(Commande):
    help = (
        "Crée N accompagnements synthétiques sur les structures labellisées (mélange national des "
        "opérateurs, jours ouvrés, heures d'ouverture, 80 % résolus sur place). Sans --wet-run, "
        "n'écrit rien et décrit ce qui serait fait. Réservé au développement et aux bancs d'essai (DEBUG=true)."
    )
    ecrit = True
    # Des millions de lignes : chaque paquet est validé à part (--paquet), pas en une seule transaction.
    atomique = False

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

    def executer(self, *args, volume, annee, graine, structures, paquet, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Données synthétiques : seulement en développement ou sur une base de banc d'essai (DEBUG=true)."
            )
        if volume <= 0:
            raise CommandError("--volume : indiquez un nombre d'accompagnements positif.")
        debut, fin = generation.periode_par_defaut(timezone.localdate(), annee)
        labellisees = Structure.objects.filter(statut=Structure.Statut.LABELLISEE).count()
        a_creer = max(0, (structures or 0) - labellisees)
        if not self.ecrire:
            return Rapport(
                resume=(
                    f"{volume} accompagnements du {debut:%d/%m/%Y} au {fin:%d/%m/%Y} sur {labellisees + a_creer} "
                    f"structures labellisées (dont {a_creer} structures de banc d'essai à créer)."
                ),
                nombres={"volume": volume, "structures_a_creer": a_creer},
            )
        try:
            bilan = generation.generer(
                volume,
                annee=annee,
                graine=graine,
                structures=structures,
                paquet=paquet,
                progression=lambda faits, total: self.progresser(f"  {faits}/{total}"),
            )
        except generation.GenerationImpossible as erreur:
            raise CommandError(str(erreur)) from erreur
        return Rapport(
            resume=(
                f"{bilan.volume} accompagnements créés en {bilan.secondes:.1f} s "
                f"({bilan.par_seconde:,.0f} par seconde, {bilan.moteur}) ; "
                f"{bilan.structures_creees} structures de banc d'essai créées."
            ),
            details=["Agrégats : `guichet agreger_activite --wet-run` (ou la tâche de fond) les met à jour."],
            nombres={"volume": bilan.volume, "secondes": bilan.secondes, "structures_creees": bilan.structures_creees},
        )
