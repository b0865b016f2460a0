"""Le fond de carte hors ligne : contours des communes et noms des villes, tirés de notre géographie.

Sans serveur de tuiles joignable, les cartes du site dessinent leur propre fond : les contours des
communes d'un département et le nom des communes, que la page montre selon le zoom (les plus peuplées
d'abord). Un fichier par département et par niveau de détail, pour ne charger que ce qui est vu :

- `NIVEAUX["large"]` pour les vues d'ensemble (contours très simplifiés, seules les villes nommées) ;
- `NIVEAUX["detail"]` pour les vues rapprochées (contours tels qu'importés, toutes les communes nommées).

Plus un index des départements (code, nom, emprise) et de leurs contours très simplifiés, pour les
vues les plus larges. Les fichiers sont calculés une fois puis gardés en cache : la géographie ne change
qu'à l'import des territoires (`oublier()` est appelé après).
"""

import hashlib
import json

import shapely
from django.core.cache import cache

from guichet.territoires.models import Commune, Departement

VERSION = 2  # à changer si le format des fichiers change
DUREE_CACHE = 7 * 86400

# Tolérance de simplification (degrés), précision des coordonnées, population minimale d'une commune
# nommée, pour chaque niveau.
NIVEAUX = {
    "large": {"tolerance": 0.006, "precision": 0.001, "population_nommee": 1000},
    "detail": {"tolerance": 0.0, "precision": 0.0002, "population_nommee": 0},
}
TOLERANCE_INDEX = 0.05


class DepartementInconnu(LookupError):
    pass


def _cle(*parties) -> str:
    return "guichet:fond:" + ":".join(str(p) for p in (VERSION, generation(), *parties))


def generation() -> int:
    """Le numéro de version de la géographie en cache : `oublier()` l'incrémente."""
    return cache.get_or_set("guichet:fond:generation", 1, None)


def oublier() -> None:
    """Après un import des territoires : les fichiers seront recalculés à la prochaine demande."""
    try:
        cache.incr("guichet:fond:generation")
    except ValueError:
        cache.set("guichet:fond:generation", 1, None)


def _geometrie(contour, tolerance, precision):
    geom = shapely.geometry.shape(contour)
    if tolerance:
        geom = shapely.simplify(geom, tolerance, preserve_topology=True)
    geom = shapely.set_precision(geom, precision)
    if geom.is_empty:
        return None
    return shapely.geometry.mapping(geom)


def _en_json(donnees) -> bytes:
    return json.dumps(donnees, separators=(",", ":"), ensure_ascii=False).encode()


def fichier_departement(code: str, niveau: str) -> tuple[bytes, str]:
    """Le GeoJSON (octets, empreinte) du fond d'un département à un niveau de détail.

    Chaque commune est une « Feature » : son contour (`contour` absent → pas de tracé) et, dans ses
    propriétés, son nom, sa population et le point de sa mairie (où poser l'étiquette)."""
    if niveau not in NIVEAUX:
        raise DepartementInconnu(niveau)

    def calculer():
        departement = Departement.objects.filter(code=code).only("pk").first()
        if departement is None:
            return None
        regles = NIVEAUX[niveau]
        features = []
        communes = (
            Commune.objects.filter(departement=departement)
            .order_by("-population", "code")
            .values_list("code", "nom", "population", "latitude", "longitude", "contour")
        )
        for code_commune, nom, population, lat, lon, contour in communes:
            geometrie = _geometrie(contour, regles["tolerance"], regles["precision"]) if contour else None
            proprietes = {"code": code_commune}
            if population >= regles["population_nommee"] and lat is not None:
                proprietes.update(
                    nom=nom,
                    population=population,
                    point=[round(lat, 4), round(lon, 4)],
                )
            elif geometrie is None:
                continue
            features.append({"type": "Feature", "properties": proprietes, "geometry": geometrie})
        contenu = _en_json({"type": "FeatureCollection", "features": features})
        return contenu, hashlib.sha256(contenu).hexdigest()[:20]

    resultat = cache.get_or_set(_cle("departement", code, niveau), calculer, DUREE_CACHE)
    if resultat is None:
        raise DepartementInconnu(code)
    return resultat


def fichier_index() -> tuple[bytes, str]:
    """Les départements : code, nom, emprise [ouest, sud, est, nord] et contour très simplifié."""

    def calculer():
        features = []
        for code, nom, contour in Departement.objects.exclude(contour=None).values_list("code", "nom", "contour"):
            geom = shapely.geometry.shape(contour)
            ouest, sud, est, nord = (round(v, 3) for v in geom.bounds)
            features.append(
                {
                    "type": "Feature",
                    "properties": {"code": code, "nom": nom, "emprise": [ouest, sud, est, nord]},
                    "geometry": _geometrie(contour, TOLERANCE_INDEX, 0.005),
                }
            )
        contenu = _en_json({"type": "FeatureCollection", "features": features})
        return contenu, hashlib.sha256(contenu).hexdigest()[:20]

    return cache.get_or_set(_cle("index"), calculer, DUREE_CACHE)
