"""`guichet verifier_journal` : vérifie la chaîne d'empreintes du journal d'audit.

Code de sortie 0 si elle est intacte, 1 en nommant la première entrée rompue (ou si les déclencheurs
d'ajout seul manquent)."""

from django.core.management.base import CommandError

from guichet.commandes import Commande, Rapport
from guichet.journal.models import EntreeJournal
from guichet.journal.services import declencheurs_manquants, premiere_rupture


class Command(Commande):
    help = "Vérifie la chaîne d'empreintes du journal d'audit ; sort en erreur (1) sur la première entrée rompue."
    progression_possible = False

    def executer(self, *args, **options):
        manquants = declencheurs_manquants()
        if manquants:
            raise CommandError(
                "Journal d'audit non protégé : déclencheur(s) absent(s) : " + ", ".join(sorted(manquants)) + ".",
                returncode=1,
            )
        rupture = premiere_rupture()
        if rupture is not None:
            entree, raison = rupture
            raise CommandError(
                f"Chaîne rompue à l'entrée n° {entree.numero} (id {entree.pk}, {entree.horodatage:%d/%m/%Y %H:%M:%S}, "
                f"action « {entree.action} ») : {raison}.",
                returncode=1,
            )
        total = EntreeJournal.objects.count()
        return Rapport(
            resume=f"Journal d'audit intact : {total} entrées, chaîne d'empreintes vérifiée.",
            nombres={"entrees": total},
        )
