"""Les bus et structures multisites dans la page « Trouver », et les entrées inscrites plusieurs fois."""

from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from guichet.reseau import services
from guichet.reseau.models import ExceptionHoraire
from guichet.territoires.services import distance_km
from tests.reseau.factories import CreneauFactory, PassageFactory, StructureFactory, france_services_de_tulle
from tests.territoires.factories import CommuneFactory

PARIS = ZoneInfo("Europe/Paris")
MARDI_10H = datetime(2026, 11, 24, 10, 0, tzinfo=PARIS)
MARDI_13H = datetime(2026, 11, 24, 13, 0, tzinfo=PARIS)

pytestmark = pytest.mark.django_db


@pytest.fixture
def bus():
    """Un bus dont le porteur est à Tulle (où il ne s'arrête jamais) et qui passe le mardi à Chaumeil,
    le jeudi à Gimel-les-Cascades."""
    tulle = france_services_de_tulle()
    correze = tulle.commune.departement
    bus = StructureFactory(
        nom="France services itinérante des Monédières",
        bus=True,
        commune=tulle.commune,
        latitude=tulle.latitude,
        longitude=tulle.longitude,
        adresse="2 rue du Porteur",
    )
    chaumeil = CommuneFactory(nom="Chaumeil", departement=correze, latitude=45.46, longitude=1.88)
    gimel = CommuneFactory(nom="Gimel-les-Cascades", departement=correze, latitude=45.30, longitude=1.85)
    PassageFactory(structure=bus, commune=chaumeil, lieu="Place de l'église", jour=1, debut="09:00", fin="12:00")
    PassageFactory(structure=bus, commune=gimel, lieu="Place du bourg", jour=3, debut="14:00", fin="17:00")
    return bus


def _resultat(recherche, structure):
    return next(r for r in recherche.resultats if r.structure.pk == structure.pk)


def test_le_bus_est_a_la_distance_de_son_arret_le_plus_proche_pas_de_son_porteur(bus):
    recherche = services.rechercher(code_commune="19272", maintenant=MARDI_13H)  # Tulle, où le porteur est
    r = _resultat(recherche, bus)
    assert r.arret.commune.nom == "Gimel-les-Cascades"
    assert r.distance_km == pytest.approx(distance_km(45.267, 1.771, 45.30, 1.85))
    assert r.distance_km > 5


def test_les_horaires_du_bus_sont_ceux_de_ses_arrets(bus):
    en_cours = _resultat(services.rechercher(code_commune="19272", maintenant=MARDI_10H), bus)
    assert en_cours.ouvert is True
    assert en_cours.passage_en_cours.passage.commune.nom == "Chaumeil"
    assert en_cours.prochain_passage.passage.commune.nom == "Gimel-les-Cascades"
    apres = _resultat(services.rechercher(code_commune="19272", maintenant=MARDI_13H), bus)
    assert apres.ouvert is False and apres.passage_en_cours is None
    assert apres.prochain_passage.date == date(2026, 11, 26)
    assert apres.prochaine_ouverture == datetime(2026, 11, 26, 14, 0, tzinfo=PARIS)


def test_un_jour_de_fermeture_saute_le_passage(bus):
    ExceptionHoraire.objects.create(structure=bus, date_debut=date(2026, 11, 26), date_fin=date(2026, 11, 26))
    r = _resultat(services.rechercher(code_commune="19272", maintenant=MARDI_13H), bus)
    assert r.prochain_passage.date == date(2026, 12, 1)
    assert r.prochain_passage.passage.commune.nom == "Chaumeil"


def test_carte_du_bus_dans_la_page(client, bus):
    with mock.patch("guichet.reseau.views.timezone.now", return_value=MARDI_13H):
        contenu = client.get("/trouver/", {"q": "Tulle"}).content.decode()
    debut = contenu.index(bus.nom)
    carte = contenu[debut : contenu.find('<li class="fr-card', debut)]
    assert "Horaires non communiqués" not in carte
    assert "à 0,0 km" not in carte and "2 rue du Porteur" not in carte
    assert "à 7,2 km (arrêt de Gimel-les-Cascades)" in carte
    assert "Prochain passage jeudi 26 novembre, 14h00–17h00, à Gimel-les-Cascades, Place du bourg." in carte
    assert "Arrêt le plus proche : Gimel-les-Cascades, Place du bourg, le jeudi de 14h00 à 17h00" in carte


def test_carte_du_bus_sur_place(client, bus):
    with mock.patch("guichet.reseau.views.timezone.now", return_value=MARDI_10H):
        contenu = client.get("/trouver/", {"q": "Tulle"}).content.decode()
    assert "Sur place maintenant à Chaumeil, Place de l&#x27;église, jusqu'à 12h00." in contenu
    assert "Sur place jusqu'à 12h00" in contenu


def test_page_du_bus_sans_horaires_non_communiques(client, bus):
    with mock.patch("guichet.reseau.views.timezone.now", return_value=MARDI_13H):
        contenu = client.get(bus.get_absolute_url()).content.decode()
    assert "Horaires non communiqués" not in contenu
    assert "Prochain passage jeudi 26 novembre à 14h00, Gimel-les-Cascades" in contenu


def test_structure_multisite_a_ses_permanences():
    porteur = CommuneFactory(nom="Ussel", latitude=45.548, longitude=2.31)
    village = CommuneFactory(nom="Meymac", latitude=45.536, longitude=2.146)
    multisite = StructureFactory(multisite=True, commune=porteur)
    PassageFactory(structure=multisite, commune=village, lieu="Mairie", jour=1, debut="09:00", fin="12:00")
    r = services.rechercher(latitude=45.536, longitude=2.146, maintenant=MARDI_10H).resultats[0]
    assert r.structure == multisite
    assert r.distance_km == pytest.approx(0.0)
    assert r.ouvert is True and r.passage_en_cours.passage.lieu == "Mairie"


def test_une_structure_fixe_garde_ses_creneaux_et_son_adresse():
    s = StructureFactory(latitude=45.0, longitude=5.0)
    CreneauFactory(structure=s, jour=1, debut="09:00", fin="12:00")
    r = services.rechercher(latitude=45.0, longitude=5.0, maintenant=MARDI_10H).resultats[0]
    assert (r.arret, r.ouvert, r.distance_km) == (None, True, 0.0)


def _site(nom, adresse="7 place Jean-Charbonnel", lat=45.158, lon=1.532, commune=None):
    return StructureFactory(nom=nom, adresse=adresse, latitude=lat, longitude=lon, commune=commune)


def test_entrees_a_la_meme_adresse_regroupees():
    brive = CommuneFactory(nom="Brive-la-Gaillarde", latitude=45.158, longitude=1.532)
    sites = [_site(f"France services Brive {i}", commune=brive) for i in range(4)]
    # Même texte d'adresse à la casse et aux accents près, à quelques mètres : le même lieu.
    sites.append(_site("France services Brive bis", adresse="7 Place Jean Charbonnel", lat=45.1581, commune=brive))
    autre = _site("France services de Malemort", adresse="14 avenue Jean-Jaurès", lat=45.17, commune=brive)
    recherche = services.rechercher(latitude=45.158, longitude=1.532, maintenant=MARDI_10H)
    assert [r.structure for r in recherche.resultats] == [sites[0], autre]
    assert recherche.resultats[0].memes_adresses == sites[1:]


def test_meme_adresse_dans_deux_communes_ou_loin_non_regroupees():
    a, b = CommuneFactory(), CommuneFactory()
    un = _site("Un", commune=a)
    deux = _site("Deux", commune=b, lon=1.5321)
    trois = _site("Trois", commune=a, lat=45.2)  # même texte, à 4,6 km : une erreur de saisie, pas un doublon
    recherche = services.rechercher(latitude=45.158, longitude=1.532, maintenant=MARDI_10H)
    assert [r.structure for r in recherche.resultats] == [un, deux, trois]
    assert all(not r.memes_adresses for r in recherche.resultats)


def test_doublons_signales_dans_la_page(client):
    brive = CommuneFactory(nom="Brive-la-Gaillarde", code="19031", latitude=45.158, longitude=1.532)
    for i in range(4):
        _site(f"France services Brive {i}", commune=brive)
    contenu = client.get("/trouver/", {"commune": "19031"}).content.decode()
    assert contenu.count('<li class="fr-card') == 1
    assert "Même adresse que 3 autres" in contenu
    assert "Inscrite plusieurs fois à cette adresse" in contenu
    for i in (1, 2, 3):
        assert f"France services Brive {i}</a>" in contenu


def test_les_dix_resultats_malgre_les_doublons():
    commune = CommuneFactory()
    for i in range(12):
        _site(f"Doublon {i}", commune=commune)
    distincts = [
        _site(f"Site {i}", adresse=f"{i} rue Haute", lat=45.158 + 0.01 * (i + 1), commune=commune) for i in range(10)
    ]
    recherche = services.rechercher(latitude=45.158, longitude=1.532, maintenant=MARDI_10H)
    assert len(recherche.resultats) == 10
    assert [r.structure for r in recherche.resultats][1:] == distincts[:9]
