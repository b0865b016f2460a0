"""`guichet ancrer_journal` : publie une ancre signée de la dernière entrée du journal d'audit.

À lancer périodiquement (tous les quarts d'heure, guichet/planification.py) : l'ancre (numéro et empreinte
de la dernière entrée, signés avec la clé du journal) s'ajoute au fichier GUICHET_JOURNAL_ANCRES, aux
journaux du serveur et, si GUICHET_JOURNAL_ANCRES_EMAIL est défini, part par courriel. La chaîne est
vérifiée d'abord : on n'ancre pas un journal rompu (sortie 1, en nommant l'entrée). La commande ne modifie
pas la base : elle publie hors d'elle, sans --wet-run."""

import smtplib

from django.core.management.base import CommandError

from guichet.commandes import Commande, Rapport
from guichet.journal.services import envoyer_ancre, premiere_rupture, publier_ancre


class Command(Commande):
    help = "Publie une ancre signée de la dernière entrée du journal d'audit (fichier, journaux, courriel)."
    atomique = False  # rien n'est écrit en base ; le fichier des ancres est en ajout seul
    progression_possible = False

    def executer(self, *args, **options):
        rupture = premiere_rupture()
        if rupture is not None:
            entree, raison = rupture
            raise CommandError(
                f"Journal d'audit rompu à l'entrée n° {entree.numero} : {raison}. Aucune ancre publiée.", returncode=1
            )
        try:
            ancre = publier_ancre()
        except OSError as erreur:
            raise CommandError(
                f"Ancre non publiée : le fichier des ancres ne peut pas être écrit ({erreur})."
            ) from erreur
        if ancre is None:
            return Rapport(resume="Journal d'audit vide : aucune ancre à publier.", nombres={"ancre": None})
        rapport = Rapport(
            resume=f"Ancre publiée : entrée n° {ancre.numero}, empreinte {ancre.empreinte[:16]}…",
            nombres={"ancre": ancre.numero, "courriel": False},
        )
        try:
            if envoyer_ancre(ancre):
                rapport.details.append("Ancre envoyée par courriel.")
                rapport.nombres["courriel"] = True
        except (OSError, smtplib.SMTPException) as erreur:
            self.publier(rapport)
            raise CommandError(
                f"Ancre publiée dans le fichier et les journaux, mais le courriel n'est pas parti ({erreur})."
            ) from erreur
        return rapport
