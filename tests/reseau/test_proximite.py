import random
from datetime import datetime, time

import pytest

from guichet.reseau import services
from guichet.reseau.models import Structure
from guichet.temps import PARIS
from guichet.territoires.services import distance_km
from tests.reseau.factories import PassageFactory, StructureFactory
from tests.territoires.factories import CommuneFactory


@pytest.mark.django_db
def test_structures_proches_egale_le_tri_exhaustif():
    hasard = random.Random(7)
    commune = CommuneFactory()
    for _ in range(300):
        StructureFactory(commune=commune, latitude=hasard.uniform(42, 51), longitude=hasard.uniform(-4, 8))
    StructureFactory(commune=commune, latitude=45.0, longitude=5.0, fermee=True)
    for lat, lon in [(45.0, 5.0), (48.85, 2.35), (43.3, -1.5), (50.9, 7.9), (20.0, 20.0)]:
        attendus = sorted(
            Structure.objects.ouvertes_au_public(),
            key=lambda s: distance_km(lat, lon, s.latitude, s.longitude),
        )[:10]
        obtenus = services.structures_proches(lat, lon, limite=10)
        assert [r.structure for r in obtenus] == attendus
        assert [r.distance_km for r in obtenus] == sorted(r.distance_km for r in obtenus)


@pytest.mark.django_db
def test_structure_fermee_jamais_proposee():
    StructureFactory(latitude=45.0, longitude=5.0, fermee=True)
    ouverte = StructureFactory(latitude=46.0, longitude=5.0)
    assert [r.structure for r in services.structures_proches(45.0, 5.0, limite=5)] == [ouverte]


@pytest.mark.django_db
def test_prochains_passages_du_bus_dans_la_semaine():
    village = CommuneFactory(latitude=45.1, longitude=5.1)
    loin = CommuneFactory(latitude=47.0, longitude=5.1)
    mercredi = PassageFactory(commune=village, jour=2, debut=time(9), fin=time(12))
    PassageFactory(commune=loin, jour=2)
    lundi_midi = datetime(2026, 11, 23, 12, 0, tzinfo=PARIS)  # un lundi
    passages = services.passages_proches(45.0, 5.0, rayon_km=20, depuis=lundi_midi)
    assert [(p.passage, p.date.isoformat()) for p in passages] == [(mercredi, "2026-11-25")]
    assert passages[0].distance_km == pytest.approx(distance_km(45.0, 5.0, 45.1, 5.1))
    # Le mercredi à 11 h le passage du jour est encore en cours ; à 13 h c'est celui de la semaine suivante.
    assert services.prochaines_dates([mercredi], datetime(2026, 11, 25, 11, tzinfo=PARIS))[0].date.day == 25
    assert services.prochaines_dates([mercredi], datetime(2026, 11, 25, 13, tzinfo=PARIS))[0].date.day == 2
