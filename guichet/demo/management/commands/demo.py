import base64
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from guichet.demo.orchestration import creer_demo
from guichet.reseau import demo


class Command(BaseCommand):
    help = (
        "Crée les données de démonstration de chaque application : le réseau (une structure par ville, bus, "
        "permanences), un compte par rôle, l'activité, les demandes, les fiches."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--code", metavar="EMAIL", help="Affiche le code TOTP du moment d'un compte de démonstration."
        )

    def handle(self, *args, code=None, **options):
        if code:
            if not code.endswith("@" + demo.DOMAINE):
                raise CommandError(f"Seuls les comptes @{demo.DOMAINE} ont la clé de démonstration.")
            self.stdout.write(f"{totp(bytes.fromhex(demo.CLE_TOTP_DEMO)):06d}")
            return
        debut = time.perf_counter()
        try:
            demonstration = creer_demo()
        except RuntimeError as erreur:
            raise CommandError(str(erreur)) from erreur
        resume = ", ".join(f"{n} {nom}" for nom, n in demonstration.comptes.items())
        self.stdout.write(
            self.style.SUCCESS(f"Réseau de démonstration créé en {time.perf_counter() - debut:.1f} s : {resume}.")
        )
        self.stdout.write(f"\nComptes de démonstration (mot de passe : {demo.MOT_DE_PASSE}) :")
        for c in demonstration.acces:
            totp_ = "  [second facteur TOTP]" if c.totp else ""
            self.stdout.write(f"  {c.email:<32} {c.role:<30} {c.perimetre}{totp_}")
        cle = base64.b32encode(bytes.fromhex(demo.CLE_TOTP_DEMO)).decode()
        self.stdout.write(
            f"\nSecond facteur des comptes marqués : clé TOTP {cle} à saisir dans une application "
            "d'authentification,\nou `guichet demo --code EMAIL` pour le code du moment."
        )
        self.stdout.write(f"Adresse : {settings.GUICHET_URL}/")
