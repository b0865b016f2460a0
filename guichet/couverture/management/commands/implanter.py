"""`guichet implanter --departement 19 --nouveaux 3` : où ouvrir k lieux pour couvrir le plus de population."""

import csv
from pathlib import Path

from guichet.commandes import Commande, Rapport
from guichet.couverture import services
from guichet.couverture.routier import GrapheIndisponible
from guichet.territoires.models import Departement


def lire_candidats(chemin) -> list[tuple[str, float, float]]:
    """Un CSV « nom,latitude,longitude » (les bureaux de poste d'un porteur, par exemple)."""
    candidats = []
    with open(chemin, encoding="utf-8-sig", newline="") as flux:
        for numero, ligne in enumerate(csv.DictReader(flux), start=2):
            try:
                lat, lon = float(ligne["latitude"]), float(ligne["longitude"])
            except (KeyError, TypeError, ValueError):
                raise ValueError(
                    f"Ligne {numero} : latitude et longitude attendues (colonnes nom, latitude, longitude)."
                ) from None
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError(f"Ligne {numero} : coordonnées hors de la Terre ({lat}, {lon}).")
            candidats.append(((ligne.get("nom") or f"candidat {numero - 1}").strip(), lat, lon))
    if not candidats:
        raise ValueError("Aucun candidat dans le fichier.")
    return candidats


class Command(Commande):
    help = (
        "Propose k lieux (parmi les communes du département, ou une liste de candidats) qui couvriraient le plus "
        "de population aujourd'hui au-delà du seuil : couverture maximale, glouton à évaluation paresseuse, avec "
        "la borne de l'optimum. Lecture seule."
    )
    progression_possible = False

    def add_arguments(self, parser):
        parser.add_argument("--departement", metavar="CODE", required=True, help="Le département (« 19 »).")
        parser.add_argument("--nouveaux", type=int, default=3, help="Nombre de lieux à implanter (3).")
        parser.add_argument("--seuil", type=int, default=20, help="Minutes (20).")
        parser.add_argument("--moteur", default="estimation", choices=services.MOTEURS)
        parser.add_argument("--candidats", metavar="CSV", help="Candidats : un CSV nom,latitude,longitude.")

    def executer(self, *args, departement, nouveaux=3, seuil=20, moteur="estimation", candidats=None, **options):
        if not 1 <= nouveaux <= 100:
            return Rapport(echec="--nouveaux : de 1 à 100 lieux.")
        if not 1 <= seuil <= 240:
            return Rapport(echec="--seuil : de 1 à 240 minutes.")
        if not Departement.objects.filter(code=departement).exists():
            return Rapport(echec=f"Département « {departement} » inconnu.")
        liste = None
        if candidats:
            if not Path(candidats).is_file():
                return Rapport(echec=f"Fichier introuvable : {candidats}.")
            try:
                liste = lire_candidats(candidats)
            except (ValueError, UnicodeDecodeError) as erreur:
                return Rapport(echec=f"Candidats refusés : {erreur}")
        try:
            c = services.couverture(departement, moteur)
        except GrapheIndisponible as erreur:
            return Rapport(echec=str(erreur))
        r = services.implanter(c, nouveaux, seuil, liste)
        details = [
            f"Moteur : {c.moteur.libelle}.",
            f"Population au-delà de {seuil} minutes aujourd'hui : {r['population_hors_seuil']:n}.",
        ]
        details += [f"  {i}. {lieu['nom']} : +{lieu['gain']:n} habitants" for i, lieu in enumerate(r["lieux"], 1)]
        details.append(
            f"Ensemble : +{r['population_gagnee']:n} habitants ; l'optimum ne dépasse pas {r['borne_superieure']:n} "
            f"(le glouton en atteint au moins {r['garantie']:.1%})."
        )
        return Rapport(
            resume=f"Implantation de {nouveaux} lieux dans le département {departement}.", nombres=r, details=details
        )
