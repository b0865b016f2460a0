"""`guichet purger_demandes [--wet-run] [--maintenant AAAA-MM-JJTHH:MM]` : conservation des demandes.

Avertit (23 jours sans nouvelles), clôt (30 jours, après avertissement), efface les données
personnelles six mois après la clôture. Sans --wet-run, compte seulement. À lancer chaque jour."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from guichet.demandes.retention import purger
from guichet.temps import a_paris


class Command(BaseCommand):
    help = (
        "Avertit puis clôt les demandes sans nouvelles (23 puis 30 jours) et efface les données personnelles "
        "des demandes clôturées depuis six mois. Sans --wet-run : simulation."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Agir (sinon : simulation, rien n'est écrit).")
        parser.add_argument(
            "--maintenant",
            help="La date de référence, heure de Paris (par défaut : maintenant), ex. 2026-03-12T10:00.",
        )

    def handle(self, *args, **options):
        maintenant = None
        if options["maintenant"]:
            try:
                maintenant = datetime.fromisoformat(options["maintenant"])
            except ValueError as exc:
                raise CommandError(
                    f"--maintenant : date illisible « {options['maintenant']} » (attendu 2026-03-12T10:00)."
                ) from exc
            maintenant = a_paris(maintenant)
        bilan = purger(maintenant, appliquer=options["wet_run"])
        if options["wet_run"]:
            self.stdout.write(f"Fait : {bilan}.")
        else:
            self.stdout.write(f"Simulation : {bilan}. Relancer avec --wet-run pour agir.")
        details = [("averties", bilan.averties), ("clôturées", bilan.cloturees), ("effacées", bilan.effacees)]
        for libelle, numeros in details:
            if numeros and options["verbosity"] > 1:
                self.stdout.write(f"  {libelle} : " + ", ".join(f"n° {n}" for n in numeros))
