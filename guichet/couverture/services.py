"""Ce que les commandes, les pages et la tâche de fond demandent : la couverture d'un territoire par un moteur."""

import numpy as np
from scipy.spatial import cKDTree

from guichet.couverture import calcul, carroyage, implantation
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


def implanter(c, k: int, seuil=calcul.SEUIL_PROMESSE, candidats=None) -> dict:
    """Les k lieux qui couvriraient le plus de population aujourd'hui au-delà du seuil (glouton paresseux).

    `candidats` : une liste de (nom, lat, lon) ; par défaut les mairies des communes étudiées."""
    hors = ~(c.minutes <= seuil)
    demande = c.origines.sous_ensemble(hors)
    prep = c.moteur.preparer_origines(demande)
    if candidats is None:
        candidats = [
            (f"{n} ({code})", la, lo)
            for code, n, la, lo in zip(c.origines.codes, c.origines.noms, c.origines.lat, c.origines.lon, strict=True)
        ]
    noms = [x[0] for x in candidats]
    lat = np.array([x[1] for x in candidats], dtype=float)
    lon = np.array([x[2] for x in candidats], dtype=float)
    ensembles = implantation.couvertures(c.moteur, prep, lat, lon, seuil)
    choix = implantation.glouton(ensembles, demande.population, k)
    return {
        "moteur": c.moteur.nom,
        "seuil": seuil,
        "nouveaux": k,
        "population_hors_seuil": int(demande.population.sum()),
        "population_gagnee": int(choix.couverte),
        "borne_superieure": int(round(choix.borne_superieure)),
        "garantie": round(choix.garantie, 4),
        "lieux": [
            {"nom": noms[j], "lat": round(float(lat[j]), 5), "lon": round(float(lon[j]), 5), "gain": int(g)}
            for j, g in zip(choix.candidats, choix.gains, strict=True)
        ],
    }
