"""Ce que les commandes, les pages et la tâche de fond demandent : la couverture d'un territoire par un moteur."""

import numpy as np
from scipy.spatial import cKDTree

from guichet.couverture import calcul, carroyage
from guichet.couverture.donnees import Destinations, lire_destinations, lire_origines
from guichet.couverture.estimation import Estimation, km_en_corde, sur_la_sphere
from guichet.couverture.routier import GrapheIndisponible, Routier

MOTEURS = ("estimation", "routier")


class MoteurInconnu(ValueError):
    pass


def moteur(nom: str = "estimation"):
    """Le moteur nommé ; `GrapheIndisponible` si le routier est demandé sans réseau importé."""
    if nom == "estimation":
        return Estimation()
    if nom == "routier":
        return Routier()
    raise MoteurInconnu(f"Moteur « {nom} » inconnu : {', '.join(MOTEURS)}.")


def routier_disponible() -> bool:
    try:
        Routier()
    except GrapheIndisponible:
        return False
    return True


def destinations_utiles(destinations: Destinations, origines, m) -> Destinations:
    """Pour un moteur borné : les seuls lieux qui peuvent atteindre une origine avant la borne (à vol d'oiseau,
    au plus vite) ; les autres ne changeraient aucun temps et alourdiraient la recherche."""
    if m.limite is None or not len(destinations) or not len(origines):
        return destinations
    arbre = cKDTree(sur_la_sphere(origines.lat, origines.lon))
    corde, _ = arbre.query(sur_la_sphere(destinations.lat, destinations.lon), k=1)
    garde = np.flatnonzero(corde <= km_en_corde(m.rayon_km(m.limite)))
    return Destinations.depuis([destinations.liste[k] for k in garde])


def couverture(departement: str | None = None, nom_moteur="estimation", fixes_seulement=False, m=None, carreaux=False):
    """La couverture des communes (de France, ou d'un département) vers tous les lieux du registre ; avec
    `carreaux`, les carreaux de population importés à la place des communes."""
    m = m or moteur(nom_moteur)
    if carreaux:
        origines = carroyage.lire_origines_carreaux([departement] if departement else None)
    else:
        origines = lire_origines([departement] if departement else None)
    destinations = destinations_utiles(lire_destinations(fixes_seulement=fixes_seulement), origines, m)
    return calcul.calculer(origines, destinations, m)
