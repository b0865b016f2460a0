"""`guichet verifier_journal` : vérifie la chaîne signée du journal d'audit et la confronte aux ancres publiées.

Code de sortie 0 si elle est intacte, 1 en nommant la première entrée rompue, l'entrée qu'une ancre atteste
mais qui manque ou diffère (troncature, réécriture), l'ancre falsifiée, ou si les déclencheurs d'ajout seul
manquent."""

from django.core.management.base import CommandError

from guichet.commandes import Commande, Rapport
from guichet.journal.models import EntreeJournal
from guichet.journal.services import (
    chemin_des_ancres,
    declencheurs_manquants,
    lire_ancres,
    premiere_anomalie_des_ancres,
    premiere_rupture,
)


class Command(Commande):
    help = (
        "Vérifie la chaîne signée du journal d'audit et ses ancres ; sort en erreur (1) sur la première entrée "
        "rompue, manquante ou réécrite."
    )
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
        anomalie = premiere_anomalie_des_ancres()
        if anomalie is not None:
            raise CommandError(f"Journal d'audit non conforme à ses ancres : {anomalie}.", returncode=1)
        total = EntreeJournal.objects.count()
        return Rapport(
            resume=(
                f"Journal d'audit intact : {total} entrées, chaîne signée vérifiée, "
                f"{len(lire_ancres())} ancre(s) de {chemin_des_ancres()} confirmée(s)."
            ),
            nombres={"entrees": total, "ancres": len(lire_ancres())},
        )
