"""Un point est-il bien dans sa commune ?

Le point de la mairie fourni par les données géographiques est faux pour un millier de communes :
signe de la longitude perdu (Carnac, Séné, Sainte-Rose en Guadeloupe…) ou point d'une autre commune
(Gex placée près de Lyon). Toute coordonnée posée « au point de la commune » (la mairie à l'import
des territoires, une structure ou un arrêt importés sans géocodage, la démo) passe par
`verifier_point` : gardée si elle tombe dans le contour ou à moins de `tolerance_km` de lui,
sinon corrigée — longitude retournée si c'est elle qui tombe dans le contour, à défaut un point
garanti à l'intérieur du contour (`point_on_surface`, jamais hors d'une commune en croissant comme
peut l'être un centroïde).
"""

import math
from dataclasses import dataclass

import shapely

# Le contour gardé est simplifié à ~100 m près ; 1 km de tolérance laisse aussi les mairies posées
# au bord de leur commune (en bord de mer, sur une rive) là où elles sont.
TOLERANCE_KM = 1.0
KM_PAR_DEGRE_DE_LATITUDE = 111.2

# Catégories de correction, reprises dans le bilan de l'import.
SIGNE_LONGITUDE = "signe de la longitude perdu"
POINT_FAUX = "point hors de la commune"
SANS_POINT = "point manquant"


@dataclass(frozen=True)
class PointVerifie:
    latitude: float
    longitude: float
    correction: str | None = None  # None : le point donné était bon

    @property
    def corrige(self) -> bool:
        return self.correction is not None


def contour_de(geojson) -> shapely.Geometry | None:
    """La géométrie shapely d'un contour GeoJSON enregistré (ou None)."""
    if not geojson:
        return None
    return shapely.geometry.shape(geojson)


def distance_au_contour_km(contour: shapely.Geometry, latitude: float, longitude: float) -> float:
    """Distance (km) du point au contour, 0 s'il est dedans ; degrés ramenés en km à la latitude du point."""
    point = shapely.Point(longitude, latitude)
    if contour.covers(point):
        return 0.0
    echelle_x = math.cos(math.radians(latitude))

    def en_km(coords):
        coords = coords.copy()
        coords[:, 0] *= echelle_x * KM_PAR_DEGRE_DE_LATITUDE
        coords[:, 1] *= KM_PAR_DEGRE_DE_LATITUDE
        return coords

    return shapely.distance(shapely.transform(contour, en_km), shapely.transform(point, en_km))


def _proche(contour, latitude, longitude, tolerance_km) -> bool:
    return distance_au_contour_km(contour, latitude, longitude) <= tolerance_km


def verifier_point(
    contour: shapely.Geometry | None,
    latitude: float | None,
    longitude: float | None,
    tolerance_km: float = TOLERANCE_KM,
) -> PointVerifie | None:
    """Le point s'il est dans le contour (ou à moins de `tolerance_km`), sinon un point corrigé.

    Sans contour, le point est rendu tel quel (rien pour en juger) ; sans point ni contour : None.
    """
    if contour is None or contour.is_empty:
        if latitude is None or longitude is None:
            return None
        return PointVerifie(latitude, longitude)
    if latitude is not None and longitude is not None:
        if _proche(contour, latitude, longitude, tolerance_km):
            return PointVerifie(latitude, longitude)
        if longitude and _proche(contour, latitude, -longitude, tolerance_km):
            return PointVerifie(latitude, -longitude, SIGNE_LONGITUDE)
        correction = POINT_FAUX
    else:
        correction = SANS_POINT
    interieur = contour.point_on_surface()
    return PointVerifie(round(interieur.y, 6), round(interieur.x, 6), correction)


def point_dans_commune(commune, latitude: float | None, longitude: float | None, tolerance_km: float = TOLERANCE_KM):
    """`verifier_point` contre le contour enregistré d'une commune (modèle `Commune`).

    Pour poser une structure ou un arrêt au point de sa commune : `point_dans_commune(commune,
    commune.latitude, commune.longitude)` ; pour contrôler une coordonnée géocodée : la passer.
    """
    return verifier_point(contour_de(commune.contour), latitude, longitude, tolerance_km)
