"""`guichet code_enrolement EMAIL` : crée un code d'enrôlement du second facteur, à remettre hors ligne.

Le code remplace les précédents et retire le second facteur actuel du compte (téléphone perdu ou changé).
Il ne s'affiche qu'ici, une fois ; seule son empreinte est gardée. Sans --wet-run, la commande vérifie le
compte et dit ce qu'elle ferait, sans rien créer."""

from django.core.management.base import CommandError

from guichet import permissions
from guichet.commandes import Commande, Rapport
from guichet.comptes import services
from guichet.comptes.models import Utilisateur


class Command(Commande):
    help = "Crée un code d'enrôlement du second facteur (usage unique, 3 jours) pour un compte, à remettre hors ligne."
    ecrit = True
    progression_possible = False

    def add_arguments(self, parser):
        parser.add_argument("email", help="L'adresse e-mail du compte.")
        parser.add_argument(
            "--reinitialiser",
            action="store_true",
            help="Accepter de retirer le second facteur déjà enregistré (téléphone perdu ou changé).",
        )

    def executer(self, *args, email, reinitialiser=False, **options):
        utilisateur = Utilisateur.objects.filter(email__iexact=email.strip()).first()
        if utilisateur is None:
            raise CommandError(f"Aucun compte pour l'adresse « {email} ».")
        if not utilisateur.is_active:
            raise CommandError(f"Le compte « {utilisateur.email} » est désactivé.")
        if services.appareil_confirme(utilisateur) is not None and not reinitialiser:
            raise CommandError(
                f"Le compte « {utilisateur.email} » a déjà un second facteur : ajoutez --reinitialiser pour le "
                "retirer et en faire enregistrer un nouveau."
            )
        rapport = Rapport()
        if not permissions.exige_double_facteur(utilisateur):
            rapport.details.append("Note : ce compte n'a pas (encore) de rôle qui exige un second facteur.")
        if not self.ecrire:
            rapport.resume = f"Un code d'enrôlement serait créé pour {utilisateur.email}."
            return rapport
        code, objet = services.creer_code_enrolement(utilisateur)
        rapport.resume = f"Code d'enrôlement de {utilisateur.email} : {code}"
        rapport.nombres = {"email": utilisateur.email, "code": code, "expire_le": objet.expire_le.isoformat()}
        rapport.details.insert(
            0,
            f"Usage unique, valable jusqu'au {objet.expire_le:%d/%m/%Y %H:%M} (UTC). "
            "À remettre par un autre canal que l'e-mail (téléphone, en main propre).",
        )
        return rapport
