import time

import pytest

from guichet.bornes import demo, services
from guichet.bornes.models import Avis, Borne, SatisfactionMois
from guichet.reseau import demo as demo_reseau
from guichet.reseau.models import Structure
from tests.territoires.factories import CantonFactory, CommuneFactory, DepartementFactory


@pytest.fixture
def reseau_demo(db):
    for code in ("01", "19"):
        departement = DepartementFactory(code=code)
        for i in range(6):
            commune = CommuneFactory(departement=departement, latitude=45 + i * 0.05, longitude=5 + i * 0.05)
            if i < 4:
                CantonFactory(departement=departement, bureau_centralisateur=commune)
    demo_reseau.peupler()


def test_une_borne_par_structure_du_departement_de_demo_et_un_an_d_avis(reseau_demo):
    debut = time.perf_counter()
    bilan = demo.peupler()
    duree = time.perf_counter() - debut
    structures = Structure.objects.filter(matricule__startswith=demo_reseau.PREFIXE, commune__departement__code="01")
    assert Borne.objects.count() == structures.count() == bilan["bornes de satisfaction"] > 0
    assert Avis.objects.count() == bilan["avis des bornes"]
    assert Avis.objects.filter(signale=True).count() == 6 * structures.count()
    # Un an d'avis, près de 92 % de satisfaits hors des structures au score faible.
    periode = services.periode_12_mois()
    sommes = services.sommes(periode, "structure_id")
    assert SatisfactionMois.objects.values("mois").distinct().count() >= 12
    premiere = sommes[structures.order_by("matricule").first().pk]
    assert premiere["reponses"] > 300 and 0.85 < premiere["satisfaits"] / premiere["reponses"] < 0.98
    assert duree < 15
    # Relancée, elle remplace la précédente.
    demo.peupler()
    assert Borne.objects.count() == structures.count()
