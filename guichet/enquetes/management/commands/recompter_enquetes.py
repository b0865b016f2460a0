"""`guichet recompter_enquetes [--campagne PK] [--wet-run]` : reconstruit les comptes des résultats des enquêtes
depuis les réponses (après un chargement en masse, ou pour vérifier qu'ils n'ont pas dérivé)."""

from guichet.commandes import Commande, Rapport
from guichet.enquetes import services
from guichet.enquetes.models import Campagne


class Command(Commande):
    help = (
        "Reconstruit les comptes d'où se lisent les résultats des enquêtes (par campagne, structure, question "
        "et modalité) depuis les réponses enregistrées : toutes les campagnes, ou --campagne PK."
    )
    ecrit = True
    progression_possible = False

    def add_arguments(self, parser):
        parser.add_argument("--campagne", type=int, metavar="PK", help="Seulement cette campagne (son numéro).")

    def executer(self, *args, campagne=None, **options):
        campagnes = None
        if campagne is not None:
            campagnes = list(Campagne.objects.filter(pk=campagne))
            if not campagnes:
                return Rapport(echec=f"Campagne n° {campagne} inconnue.")
        lignes = services.recompter(campagnes)
        portee = f"de la campagne « {campagnes[0]} »" if campagnes else "de toutes les campagnes"
        return Rapport(
            resume=f"Comptes {portee} reconstruits : {lignes} ligne(s).",
            nombres={"lignes": lignes},
        )
