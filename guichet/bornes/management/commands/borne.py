"""`guichet borne appairer MATRICULE` : appaire une tablette (ou plusieurs) à une structure et imprime son jeton
d'appareil, sur la dernière ligne ; `guichet borne revoquer PREFIXE` révoque une borne."""

from guichet.bornes import services
from guichet.bornes.models import Borne
from guichet.commandes import Commande, Rapport
from guichet.reseau.models import Structure

NOMBRE_MAX = 50


class Command(Commande):
    help = (
        "Bornes de satisfaction : « appairer MATRICULE » crée le jeton d'appareil d'une tablette (imprimé une seule "
        "fois, en dernière ligne) ; « revoquer PREFIXE » révoque une borne par le début de son jeton."
    )
    ecrit = True
    progression_possible = False

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["appairer", "revoquer"], help="appairer ou revoquer")
        parser.add_argument(
            "cible", help="appairer : matricule de la structure (« FS-19-001 ») ; revoquer : début du jeton (brn_…)."
        )
        parser.add_argument("--nom", default="Borne de satisfaction", help="Nom de la tablette.")
        parser.add_argument(
            "--nombre", type=int, default=1, help=f"Nombre de tablettes (1 à {NOMBRE_MAX}) : un jeton par ligne."
        )

    def executer(self, *args, action=None, cible=None, **options):
        if action == "revoquer":
            return self._revoquer(cible)
        return self._appairer(cible, options["nom"], options["nombre"])

    def _appairer(self, matricule, nom, nombre):
        structure = Structure.objects.filter(matricule=matricule).first()
        if structure is None:
            return Rapport(echec=f"Structure « {matricule} » inconnue : donnez son matricule national.")
        if not 1 <= nombre <= NOMBRE_MAX:
            return Rapport(echec=f"--nombre : de 1 à {NOMBRE_MAX}.")
        if not self.ecrire:
            return Rapport(
                resume=f"{nombre} borne(s) seraient appairées à {structure.nom} ({matricule}) ; aucun jeton créé.",
                nombres={"structure": matricule, "bornes": nombre, "jetons": []},
            )
        jetons = [services.appairer(structure, nom if nombre == 1 else f"{nom} {i}")[1] for i in range(1, nombre + 1)]
        return Rapport(
            resume=f"{nombre} borne(s) appairée(s) à {structure.nom} ({matricule}). "
            "Jeton(s), montré(s) une seule fois :",
            nombres={"structure": matricule, "bornes": nombre, "jetons": jetons},
            details=jetons,
        )

    def _revoquer(self, prefixe):
        bornes = list(Borne.objects.actives().filter(prefixe=prefixe))
        if len(bornes) != 1:
            return Rapport(echec=f"Aucune borne active, ou plusieurs, au jeton commençant par « {prefixe} ».")
        if self.ecrire:
            services.revoquer(bornes[0])
        return Rapport(
            resume=f"Borne « {bornes[0].nom} » de {bornes[0].structure.nom} révoquée.",
            nombres={"revoquees": 1},
        )
