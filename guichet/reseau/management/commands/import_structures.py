"""`guichet import_structures FICHIER [--wet-run]` : la liste nationale des France Services, ou un export
au schéma des lieux de médiation numérique. La logique est dans guichet.reseau.importation."""

from django.core.management.base import CommandError

from guichet.commandes import Commande
from guichet.reseau.importation.lecture import FORMATS, FichierIllisible
from guichet.reseau.importation.structures import importer


class Command(Commande):
    help = (
        "Importe les structures France Services d'un fichier CSV ou GeoJSON (liste nationale de l'ANCT) "
        "ou d'un export au schéma des lieux de médiation numérique (JSON ou CSV). Sans --wet-run, valide "
        "et rend compte sans rien écrire. Une seule ligne rejetée et rien n'est enregistré "
        "(sauf --enregistrer-valides)."
    )
    ecrit = True
    progression_possible = False

    def add_arguments(self, parser):
        parser.add_argument("chemin", help="Le fichier à importer (.csv, .geojson, .json).")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="national (liste ANCT) ou lmn (lieux de médiation numérique) ; reconnu aux colonnes sinon.",
        )
        self.ajouter_enregistrer_valides(parser)
        self.option_obsolete(
            parser,
            "--dry-run",
            dest="simulation_demandee",
            message="--dry-run est obsolète : sans --wet-run, rien n'est écrit.",
        )

    def executer(self, *args, chemin, format, enregistrer_valides, **options):
        if options.get("simulation_demandee") and self.ecrire:
            raise CommandError("--dry-run et --wet-run s'excluent : choisissez.")
        try:
            return importer(chemin, format=format, ecrire=self.ecrire, enregistrer_valides=enregistrer_valides)
        except FichierIllisible as exc:
            raise CommandError(str(exc), returncode=1) from exc
