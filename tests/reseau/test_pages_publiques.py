import pytest

from tests.reseau.factories import PassageFactory, StructureFactory, france_services_de_tulle
from tests.territoires.factories import CommuneFactory


@pytest.fixture
def tulle(db):
    return france_services_de_tulle(fin="12:00", telephone="05 55 00 00 00")


def test_accueil(client, tulle):
    page = client.get("/")
    assert page.status_code == 200
    contenu = page.content.decode()
    assert "République<br>française" in contenu
    assert "Trouver une France services" in contenu
    assert "1 lieu labellisé" in contenu


def test_trouver_par_nom_de_commune(client, tulle):
    autre = StructureFactory(nom="France services lointaine", latitude=48.0, longitude=2.0)
    page = client.get("/trouver/", {"q": "tulle"})
    assert page.status_code == 200
    contenu = page.content.decode()
    assert "Les plus proches de Tulle (19)" in contenu
    assert contenu.index("France services de Tulle") < contenu.index(autre.nom)
    assert "à 0,0 km" in contenu or "à 0.0 km" in contenu


def test_trouver_par_code_postal_et_position(client, tulle):
    assert "France services de Tulle" in client.get("/trouver/", {"q": "19000"}).content.decode()
    page = client.get("/trouver/", {"lat": "45,27", "lon": "1.77"})
    assert "Les plus proches de votre position" in page.content.decode()
    assert "France services de Tulle" in page.content.decode()


def test_trouver_commune_inconnue_message_clair(client, tulle):
    page = client.get("/trouver/", {"q": "Zzyzx"})
    assert page.status_code == 200
    assert "Aucune commune ne correspond à « Zzyzx »" in page.content.decode()


def test_trouver_montre_les_bus_des_jours_a_venir(client, tulle):
    bus = StructureFactory(nom="France services itinérante du plateau", bus=True, latitude=45.5, longitude=1.9)
    PassageFactory(
        structure=bus,
        commune=CommuneFactory(nom="Gimel-les-Cascades", latitude=45.3, longitude=1.85),
        lieu="Place du bourg",
    )
    contenu = client.get("/trouver/", {"q": "tulle"}).content.decode()
    assert "Gimel-les-Cascades, Place du bourg" in contenu


def test_page_structure(client, tulle):
    bus = StructureFactory(bus=True)
    PassageFactory(structure=bus, commune=CommuneFactory(nom="Chamboulive"), lieu="Parking de la salle des fêtes")
    page = client.get(tulle.get_absolute_url())
    assert page.status_code == 200
    contenu = page.content.decode()
    for attendu in [
        "France services de Tulle",
        "19000 Tulle",
        "05 55 00 00 00",
        "Les Allocations familiales",
        "09h00–12h00",
    ]:
        assert attendu in contenu
    contenu_bus = client.get(bus.get_absolute_url()).content.decode()
    assert "Prochains arrêts du bus" in contenu_bus
    assert "Parking de la salle des fêtes" in contenu_bus
    assert client.get("/structures/INCONNU/").status_code == 404
