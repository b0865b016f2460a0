import base64

from django.conf import settings
from django.core.management.base import CommandError
from django_otp.oath import totp

from guichet.commandes import Commande, Rapport
from guichet.demo.orchestration import creer_demo
from guichet.reseau import demo


class Command(Commande):
    help = (
        "Crée les données de démonstration de chaque application : le réseau (une structure par ville, bus, "
        "permanences), un compte par rôle, l'activité, les demandes, les fiches. Sans --wet-run, dit seulement "
        "ce qui serait fait."
    )
    ecrit = True
    progression_possible = False

    def add_arguments(self, parser):
        parser.add_argument(
            "--code", metavar="EMAIL", help="Affiche le code TOTP du moment d'un compte de démonstration."
        )

    def executer(self, *args, code=None, **options):
        if code:
            if not code.endswith("@" + demo.DOMAINE):
                raise CommandError(f"Seuls les comptes @{demo.DOMAINE} ont la clé de démonstration.")
            self.stdout.write(f"{totp(bytes.fromhex(demo.CLE_TOTP_DEMO)):06d}")
            return None
        if not self.ecrire:
            # Pas de création suivie d'une annulation : les pièces jointes de démonstration sont des fichiers.
            return Rapport(
                resume="Les données de démonstration seraient effacées puis recréées, avec un compte par rôle "
                f"(@{demo.DOMAINE})."
            )
        try:
            demonstration = creer_demo()
        except RuntimeError as erreur:
            raise CommandError(str(erreur)) from erreur
        resume = ", ".join(f"{n} {nom}" for nom, n in demonstration.comptes.items())
        rapport = Rapport(resume=f"Réseau de démonstration créé : {resume}.", nombres=dict(demonstration.comptes))
        rapport.details.append(f"\nComptes de démonstration (mot de passe : {demo.MOT_DE_PASSE}) :")
        for c in demonstration.acces:
            totp_ = "  [second facteur TOTP]" if c.totp else ""
            rapport.details.append(f"  {c.email:<32} {c.role:<30} {c.perimetre}{totp_}")
        cle = base64.b32encode(bytes.fromhex(demo.CLE_TOTP_DEMO)).decode()
        rapport.details.append(
            f"\nSecond facteur des comptes marqués : clé TOTP {cle} à saisir dans une application "
            "d'authentification,\nou `guichet demo --code EMAIL` pour le code du moment."
        )
        rapport.details.append(f"Adresse : {settings.GUICHET_URL}/")
        return rapport
