from types import SimpleNamespace

import pytest

from guichet.reseau.models import Operateur
from tests.reseau.factories import StructureFactory
from tests.territoires.factories import CommuneFactory, DepartementFactory


@pytest.fixture
def reseau(db):
    """L'Ain (a1, a2) et l'Aisne (b), et trois opérateurs du catalogue."""
    r = SimpleNamespace()
    r.ain = DepartementFactory(code="01", nom="Ain")
    r.aisne = DepartementFactory(code="02", nom="Aisne")
    r.a1 = StructureFactory(nom="France services A1", commune=CommuneFactory(departement=r.ain))
    r.a2 = StructureFactory(nom="France services A2", commune=CommuneFactory(departement=r.ain))
    r.b = StructureFactory(nom="France services B", commune=CommuneFactory(departement=r.aisne))
    r.structures = [r.a1, r.a2, r.b]
    r.caf = Operateur.objects.get(code="caf")
    r.titres = Operateur.objects.get(code="france-titres")
    r.msa = Operateur.objects.get(code="msa")
    return r
