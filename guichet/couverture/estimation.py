"""Le moteur d'estimation, embarqué (aucun téléchargement) : la distance à vol d'oiseau (grand cercle) du point
de la mairie au lieu le plus proche, × 1,3 pour les détours de la route, parcourue à 60 km/h.

Calcul vectorisé : les points sont posés sur la sphère unité (x, y, z) ; un arbre k-d (`scipy.spatial.cKDTree`)
donne la corde au lieu le plus proche, d'où l'angle au centre (2 asin(c/2)) puis la distance. Toutes les
communes de France vers tous les lieux : quelques dizaines de millisecondes (voir bench/couverture.py).
"""

import numpy as np
from scipy.spatial import cKDTree

RAYON_TERRE_KM = 6371.0088
DETOUR = 1.3
VITESSE_KMH = 60.0


def sur_la_sphere(lat, lon) -> np.ndarray:
    """Les points (degrés) en vecteurs unitaires (n × 3)."""
    phi, lam = np.radians(np.asarray(lat, dtype=float)), np.radians(np.asarray(lon, dtype=float))
    cos_phi = np.cos(phi)
    return np.column_stack((cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)))


def corde_en_km(corde) -> np.ndarray:
    return RAYON_TERRE_KM * 2.0 * np.arcsin(np.clip(np.asarray(corde) / 2.0, 0.0, 1.0))


def km_en_corde(km) -> float:
    return 2.0 * np.sin(min(km / RAYON_TERRE_KM, np.pi) / 2.0)


def distance_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Distance du grand cercle (haversine), vectorisée."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * RAYON_TERRE_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def km_en_minutes(km):
    return np.asarray(km) * DETOUR / VITESSE_KMH * 60.0


class Estimation:
    nom = "estimation"
    libelle = "estimation (vol d'oiseau × 1,3 à 60 km/h)"
    limite = None  # pas de borne : toute commune a un temps

    def preparer_origines(self, origines):
        """Rien à préparer : l'estimation part du point de la mairie."""
        return {"xyz": sur_la_sphere(origines.lat, origines.lon), "ecart_km": np.zeros(len(origines))}

    def plus_proche(self, prep, destinations, masque=None, limite=None):
        """(minutes, indice du lieu le plus proche) pour chaque origine (ou celles du `masque`)."""
        xyz = prep["xyz"] if masque is None else prep["xyz"][masque]
        n = len(xyz)
        if not len(destinations) or not n:
            return np.full(n, np.inf), np.full(n, -1, dtype=np.int64)
        arbre = cKDTree(sur_la_sphere(destinations.lat, destinations.lon))
        corde, indice = arbre.query(xyz, k=1)
        return km_en_minutes(corde_en_km(corde)), indice.astype(np.int64)

    def depuis(self, prep, lat, lon, limite=None):
        """Les minutes de chaque origine vers un seul lieu (lat, lon)."""
        corde = np.linalg.norm(prep["xyz"] - sur_la_sphere([lat], [lon])[0], axis=1)
        minutes = km_en_minutes(corde_en_km(corde))
        if limite is not None:
            minutes = np.where(minutes <= limite, minutes, np.inf)
        return minutes

    def rayon_km(self, minutes) -> float:
        """La distance à vol d'oiseau au-delà de laquelle un lieu est forcément à plus de `minutes`."""
        return minutes / 60.0 * VITESSE_KMH / DETOUR
