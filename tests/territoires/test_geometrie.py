"""Un point posé au point d'une commune doit tomber dans son contour (ou tout près)."""

import pytest
import shapely

from guichet.territoires.geometrie import (
    POINT_FAUX,
    SANS_POINT,
    SIGNE_LONGITUDE,
    distance_au_contour_km,
    point_dans_commune,
    verifier_point,
)
from tests.territoires.factories import CommuneFactory

# Un carré d'environ 7 × 11 km autour de Carnac (longitude ouest).
CARRE = shapely.box(-3.12, 47.55, -3.03, 47.65)


def test_point_dans_le_contour_garde():
    point = verifier_point(CARRE, 47.6, -3.08)
    assert (point.latitude, point.longitude, point.correction) == (47.6, -3.08, None)
    assert not point.corrige


def test_point_a_moins_de_la_tolerance_garde():
    # 0,005° de longitude à 47,6° de latitude ≈ 375 m hors du bord ouest.
    assert verifier_point(CARRE, 47.6, -3.125).correction is None
    assert verifier_point(CARRE, 47.6, -3.125, tolerance_km=0.1).correction == POINT_FAUX


def test_signe_de_la_longitude_retrouve():
    point = verifier_point(CARRE, 47.584606, 3.078243)
    assert (point.latitude, point.longitude, point.correction) == (47.584606, -3.078243, SIGNE_LONGITUDE)


def test_point_faux_remplace_par_un_point_du_contour():
    point = verifier_point(CARRE, 45.69, 4.88)  # près de Lyon
    assert point.correction == POINT_FAUX
    assert CARRE.contains(shapely.Point(point.longitude, point.latitude))


def test_point_manquant_remplace_par_un_point_du_contour():
    point = verifier_point(CARRE, None, None)
    assert point.correction == SANS_POINT
    assert CARRE.contains(shapely.Point(point.longitude, point.latitude))


def test_sans_contour_le_point_est_rendu_tel_quel():
    assert verifier_point(None, 45.0, 5.0).correction is None
    assert verifier_point(None, None, None) is None


def test_commune_en_croissant_jamais_au_centroide_hors_du_contour():
    croissant = shapely.box(0, 45, 1, 46).difference(shapely.box(0.1, 45.1, 1, 45.9))
    assert not croissant.contains(croissant.centroid)
    point = verifier_point(croissant, None, None)
    assert croissant.contains(shapely.Point(point.longitude, point.latitude))


def test_distance_en_kilometres():
    # 0,1° de latitude au sud du bord : ~11,1 km.
    assert distance_au_contour_km(CARRE, 47.45, -3.08) == pytest.approx(11.1, abs=0.1)
    assert distance_au_contour_km(CARRE, 47.6, -3.08) == 0


@pytest.mark.django_db
def test_point_dans_commune_lit_le_contour_enregistre():
    commune = CommuneFactory(latitude=47.584606, longitude=3.078243, contour=shapely.geometry.mapping(CARRE))
    point = point_dans_commune(commune, commune.latitude, commune.longitude)
    assert (point.longitude, point.correction) == (-3.078243, SIGNE_LONGITUDE)
