"""`guichet purger_demandes [--wet-run] [--maintenant AAAA-MM-JJTHH:MM]` : conservation des demandes.

Avertit (23 jours sans nouvelles), clôt (30 jours, après avertissement), efface les données
personnelles six mois après la clôture. Sans --wet-run, compte seulement. À lancer chaque nuit
(voir guichet/planification.py)."""

from dataclasses import asdict
from datetime import datetime

from django.core.management.base import CommandError

from guichet.commandes import Commande, Rapport
from guichet.demandes.retention import purger
from guichet.temps import a_paris


class Command(Commande):
    help = (
        "Avertit puis clôt les demandes sans nouvelles (23 puis 30 jours) et efface les données personnelles "
        "des demandes clôturées depuis six mois. Sans --wet-run : simulation."
    )
    ecrit = True
    progression_possible = False

    def add_arguments(self, parser):
        parser.add_argument(
            "--maintenant",
            help="La date de référence, heure de Paris (par défaut : maintenant), ex. 2026-03-12T10:00.",
        )

    def executer(self, *args, maintenant, verbosity, **options):
        moment = None
        if maintenant:
            try:
                moment = datetime.fromisoformat(maintenant)
            except ValueError as exc:
                raise CommandError(
                    f"--maintenant : date illisible « {maintenant} » (attendu 2026-03-12T10:00)."
                ) from exc
            moment = a_paris(moment)
        bilan = purger(moment, ecrire=self.ecrire)
        rapport = Rapport(resume=f"{'Fait' if self.ecrire else 'Simulation'} : {bilan}.", nombres=asdict(bilan))
        details = [("averties", bilan.averties), ("clôturées", bilan.cloturees), ("effacées", bilan.effacees)]
        for libelle, numeros in details:
            if numeros and verbosity > 1:
                rapport.details.append(f"  {libelle} : " + ", ".join(f"n° {n}" for n in numeros))
        return rapport
