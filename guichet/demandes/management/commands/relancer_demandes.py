"""`guichet relancer_demandes [--wet-run] [--maintenant 2026-03-12T10:00]` : rappels, escalades, récapitulatifs."""

from dataclasses import asdict

from django.core.management.base import CommandError

from guichet.commandes import Commande, Rapport
from guichet.demandes.relances import maintenant_depuis_texte, relancer


class Command(Commande):
    help = (
        "Envoie les relances dues des demandes au back-office : rappel aux référents aux deux tiers du délai "
        "sans réponse, rappel et escalade au responsable départemental de l'opérateur à l'échéance "
        "(l'engagement de réponse de l'opérateur, 72 heures ouvrées aujourd'hui), récapitulatif quotidien "
        "des référents (jours ouvrés, à partir de 8 h). Idempotente : une "
        "relance déjà envoyée ne repart jamais. Sans --wet-run, compte seulement. À lancer toutes les 15 minutes "
        "(guichet/planification.py ; `python -m guichet.planification` écrit la crontab) ; les courriels "
        "partent par les tâches de fond (`guichet db_worker`)."
    )
    ecrit = True
    progression_possible = False

    def add_arguments(self, parser):
        parser.add_argument(
            "--maintenant",
            metavar="AAAA-MM-JJTHH:MM",
            help="Faire comme s'il était cette heure-là (heure de Paris si aucun fuseau) : essais, rattrapage.",
        )

    def executer(self, *args, maintenant=None, **options):
        try:
            moment = maintenant_depuis_texte(maintenant) if maintenant else None
        except ValueError as erreur:
            raise CommandError(
                f"--maintenant : date illisible « {maintenant} » (attendu 2026-03-12T10:00)."
            ) from erreur
        bilan = relancer(moment, ecrire=self.ecrire)
        verbe = "Envoyés" if self.ecrire else "Simulation, rien n'est envoyé"
        return Rapport(resume=f"{verbe} : {bilan}.", nombres=asdict(bilan))
