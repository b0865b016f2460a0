import pytest

from guichet.territoires.models import Commune
from guichet.territoires.services import distance_km, normaliser_nom
from tests.territoires.factories import CommuneFactory


@pytest.mark.parametrize(
    ("brut", "attendu"),
    [
        ("Saint-Étienne", "st etienne"),
        ("SAINTE-Marie-aux-Mines", "ste marie aux mines"),
        ("L'Abergement-Clémenciat", "l abergement clemenciat"),
        ("  Tulle ", "tulle"),
        ("St Denis", "st denis"),
    ],
)
def test_normaliser_nom(brut, attendu):
    assert normaliser_nom(brut) == attendu


def test_distance_paris_lyon():
    assert distance_km(48.8566, 2.3522, 45.7640, 4.8357) == pytest.approx(392, abs=3)
    assert distance_km(45.0, 5.0, 45.0, 5.0) == 0


@pytest.mark.django_db
def test_recherche_de_commune_par_nom_et_code_postal():
    petite = CommuneFactory(nom="Saint-Priest-de-Gimel", population=700, codes_postaux=["19800"])
    grande = CommuneFactory(nom="Saint-Priest", population=47000, codes_postaux=["69800"])
    CommuneFactory(nom="Tulle", codes_postaux=["19000"])
    assert list(Commune.objects.recherche("saint priest")) == [grande, petite]
    assert list(Commune.objects.recherche("st-priest-de")) == [petite]
    assert list(Commune.objects.recherche("19800")) == [petite]
    assert list(Commune.objects.recherche("198")) == [petite]
    assert list(Commune.objects.recherche("   ")) == []
