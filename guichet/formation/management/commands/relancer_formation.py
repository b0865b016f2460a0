"""`guichet relancer_formation [--wet-run] [--maintenant 2026-03-16T08:00]` : rappels hebdomadaires de formation."""

from dataclasses import asdict
from datetime import datetime

from django.core.management.base import CommandError

from guichet.commandes import Commande, Rapport
from guichet.formation.rappels import rappeler
from guichet.temps import a_paris


class Command(Commande):
    help = (
        "Rappelle aux responsables de structure, une fois par semaine au plus, les agents de leur équipe dont la "
        "formation initiale n'est pas complète. Idempotente : un responsable déjà prévenu cette semaine ne l'est "
        "pas deux fois. Sans --wet-run, compte seulement. À lancer chaque lundi (guichet/planification.py) ; "
        "les courriels partent par les tâches de fond (`guichet db_worker`)."
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
            moment = a_paris(datetime.fromisoformat(maintenant)) if maintenant else None
        except ValueError as erreur:
            raise CommandError(
                f"--maintenant : date illisible « {maintenant} » (attendu 2026-03-16T08:00)."
            ) from erreur
        bilan = rappeler(moment, ecrire=self.ecrire)
        verbe = "Programmés" if self.ecrire else "Simulation, rien n'est envoyé"
        return Rapport(resume=f"{verbe} : {bilan}.", nombres=asdict(bilan))
