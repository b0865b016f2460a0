"""`guichet import_structures FICHIER` : la liste nationale des France Services, ou un export au
schéma des lieux de médiation numérique. La logique est dans guichet.reseau.import_national."""

import json

from django.core.management.base import BaseCommand, CommandError

from guichet.reseau.import_national import FORMATS, FichierIllisible, importer


class Command(BaseCommand):
    help = (
        "Importe les structures France Services d'un fichier CSV ou GeoJSON (liste nationale de l'ANCT) "
        "ou d'un export au schéma des lieux de médiation numérique (JSON ou CSV). Par défaut, une seule "
        "ligne rejetée et rien n'est enregistré."
    )

    def add_arguments(self, parser):
        parser.add_argument("chemin", help="Le fichier à importer (.csv, .geojson, .json).")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="national (liste ANCT) ou lmn (lieux de médiation numérique) ; reconnu aux colonnes sinon.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Valider et rendre compte sans rien écrire.")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Enregistrer les lignes valides et seulement rendre compte des lignes rejetées.",
        )
        parser.add_argument("--json", action="store_true", help="Le compte rendu en un objet JSON.")

    def handle(self, *args, **options):
        skip_invalid = options["skip_invalid"]
        try:
            rapport = importer(
                options["chemin"],
                format=options["format"],
                dry_run=options["dry_run"],
                skip_invalid=skip_invalid,
            )
        except FichierIllisible as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(rapport.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(rapport.texte())
        if rapport.rejected and not skip_invalid:
            raise CommandError(
                f"{len(rapport.lignes_rejetees)} {rapport.unite}s rejetées : aucune structure enregistrée.",
                returncode=1,
            )
