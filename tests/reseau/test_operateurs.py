"""Les opérateurs joignables dans un département : une seule règle, pour la saisie, les demandes et
la fiche d'une structure."""

import pytest

from guichet.reseau.models import Operateur
from tests.reseau.factories import OperateurFactory
from tests.territoires.factories import DepartementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operateurs():
    ain, aisne = DepartementFactory(code="01"), DepartementFactory(code="02")
    return {
        "ain": ain,
        "aisne": aisne,
        "caf": OperateurFactory(code="caf-test", national=True),
        "mission_locale_ain": OperateurFactory(code="ml-ain", national=False, departement=ain),
        "mission_locale_aisne": OperateurFactory(code="ml-aisne", national=False, departement=aisne),
        "sans_departement": OperateurFactory(code="sans-dep", national=False, departement=None),
    }


def _codes(qs):
    return set(qs.filter(code__in=["caf-test", "ml-ain", "ml-aisne", "sans-dep"]).values_list("code", flat=True))


def test_nationaux_et_partenaires_du_departement(operateurs):
    assert _codes(Operateur.objects.joignables_dans([operateurs["ain"]])) == {"caf-test", "ml-ain"}
    assert _codes(Operateur.objects.joignables_dans([operateurs["aisne"].pk])) == {"caf-test", "ml-aisne"}


def test_plusieurs_departements(operateurs):
    deux = [operateurs["ain"].pk, operateurs["aisne"].pk]
    assert _codes(Operateur.objects.joignables_dans(deux)) == {"caf-test", "ml-ain", "ml-aisne"}


def test_sans_departement_les_nationaux_seulement(operateurs):
    assert _codes(Operateur.objects.joignables_dans([])) == {"caf-test"}
    assert _codes(Operateur.objects.joignables_dans([None])) == {"caf-test"}


def test_la_meme_regle_pour_un_operateur_deja_lu(operateurs):
    for departement in (operateurs["ain"], operateurs["aisne"]):
        joignables = set(Operateur.objects.joignables_dans([departement]))
        for nom in ("caf", "mission_locale_ain", "mission_locale_aisne", "sans_departement"):
            operateur = operateurs[nom]
            assert operateur.joignable_dans(departement) is (operateur in joignables)
            assert operateur.joignable_dans(departement.pk) is (operateur in joignables)
