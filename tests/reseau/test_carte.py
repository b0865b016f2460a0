"""Le fond de carte hors ligne, les tuiles par réglage, les lieux et les liens d'itinéraire."""

import json
import os
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guichet.territoires import fond_de_carte
from tests.reseau.factories import PassageFactory, StructureFactory, france_services_de_tulle
from tests.territoires.factories import CommuneFactory, DepartementFactory

pytestmark = pytest.mark.django_db

CARRE = {
    "type": "Polygon",
    "coordinates": [[[1.70, 45.20], [1.85, 45.20], [1.85, 45.32], [1.70, 45.32], [1.70, 45.20]]],
}
# Un contour tortueux (800 sommets) : la simplification doit en retirer.
TORTUEUX = {
    "type": "Polygon",
    "coordinates": [
        [[1.90 + i * 0.0001, 45.30 + (0.00005 if i % 2 else 0)] for i in range(800)]
        + [[1.98, 45.25], [1.90, 45.25], [1.90, 45.30]]
    ],
}


@pytest.fixture
def correze():
    correze = DepartementFactory(code="19", nom="Corrèze", contour=CARRE)
    CommuneFactory(
        code="19272",
        nom="Tulle",
        departement=correze,
        population=14000,
        latitude=45.267,
        longitude=1.771,
        contour=CARRE,
    )
    CommuneFactory(
        code="19085",
        nom="Gimel-les-Cascades",
        departement=correze,
        population=800,
        latitude=45.30,
        longitude=1.85,
        contour=TORTUEUX,
    )
    return correze


def _geojson(reponse):
    return json.loads(b"".join(reponse) if reponse.streaming else reponse.content)


def test_fond_d_un_departement_noms_selon_le_niveau(client, correze):
    large = client.get("/carte/fond/19/large.geojson")
    assert large.status_code == 200 and large["Content-Type"] == "application/geo+json"
    features = {f["properties"]["code"]: f for f in _geojson(large)["features"]}
    assert features["19272"]["properties"] == {
        "code": "19272",
        "nom": "Tulle",
        "population": 14000,
        "point": [45.267, 1.771],
    }
    # Au niveau large, un village n'est pas nommé mais son contour est tracé, simplifié.
    assert "nom" not in features["19085"]["properties"]
    sommets_large = len(features["19085"]["geometry"]["coordinates"][0])
    detail = {f["properties"]["code"]: f for f in _geojson(client.get("/carte/fond/19/detail.geojson"))["features"]}
    assert detail["19085"]["properties"]["nom"] == "Gimel-les-Cascades"
    assert sommets_large < len(detail["19085"]["geometry"]["coordinates"][0]) / 10


def test_fond_mis_en_cache_http_et_serveur(client, correze):
    premiere = client.get("/carte/fond/19/large.geojson")
    assert "public" in premiere["Cache-Control"] and "max-age=86400" in premiere["Cache-Control"]
    with CaptureQueriesContext(connection) as requetes:
        seconde = client.get("/carte/fond/19/large.geojson", HTTP_IF_NONE_MATCH=premiere["ETag"])
    assert seconde.status_code == 304 and not seconde.content
    assert not [q for q in requetes if "territoires_" in q["sql"]]
    compresse = client.get("/carte/fond/19/large.geojson", HTTP_ACCEPT_ENCODING="gzip")
    assert compresse["Content-Encoding"] == "gzip"
    assert client.get("/carte/fond/19/large.geojson", HTTP_IF_NONE_MATCH=compresse["ETag"]).status_code == 304


def test_fond_recalcule_apres_un_import(client, correze):
    client.get("/carte/fond/19/detail.geojson")
    from guichet.territoires.models import Commune

    Commune.objects.filter(code="19272").update(nom="Tulle-Nouvelle")
    assert "Tulle-Nouvelle" not in client.get("/carte/fond/19/detail.geojson").content.decode()
    fond_de_carte.oublier()
    assert "Tulle-Nouvelle" in client.get("/carte/fond/19/detail.geojson").content.decode()


def test_fond_inconnu_404(client, correze):
    assert client.get("/carte/fond/99/large.geojson").status_code == 404
    assert client.get("/carte/fond/19/enorme.geojson").status_code == 404
    assert client.post("/carte/fond/19/large.geojson").status_code == 405


def test_index_des_departements(client, correze):
    index = _geojson(client.get("/carte/fond/departements.geojson"))
    (dep,) = index["features"]
    assert dep["properties"] == {"code": "19", "nom": "Corrèze", "emprise": [1.7, 45.2, 1.85, 45.32]}


def test_page_trouver_sans_le_gros_fichier_des_departements(client):
    france_services_de_tulle()
    contenu = client.get("/trouver/", {"q": "Tulle"}).content.decode()
    assert 'departements.geojson"' not in contenu.replace("/carte/fond/departements.geojson", "")
    donnees = json.loads(contenu.split('id="donnees-carte" type="application/json">')[1].split("</script>")[0])
    assert donnees["tuiles"] == "" and donnees["fond_index"] == "/carte/fond/departements.geojson"
    assert donnees["fond_departement"] == "/carte/fond/CODE/NIVEAU.geojson"


def _donnees_carte(contenu):
    return json.loads(contenu.split('id="donnees-carte" type="application/json">')[1].split("</script>")[0])


def test_lieux_de_la_carte_par_type(client):
    france_services_de_tulle()
    bus = StructureFactory(nom="Bus des Monédières", bus=True, latitude=45.9, longitude=1.0)
    multisite = StructureFactory(nom="Permanences du plateau", multisite=True, latitude=45.9, longitude=1.0)
    PassageFactory(structure=bus, commune=CommuneFactory(nom="Chaumeil", latitude=45.46, longitude=1.88), lieu="Église")
    PassageFactory(
        structure=multisite, commune=CommuneFactory(nom="Corrèze", latitude=45.37, longitude=1.87), lieu="Mairie"
    )
    points = _donnees_carte(client.get("/trouver/", {"q": "Tulle"}).content.decode())["points"]
    par_type = {p["type"]: p for p in points}
    assert par_type["structure"]["nom"] == "France services de Tulle"
    assert par_type["arret"] == {
        "type": "arret",
        "nom": "Bus des Monédières — Chaumeil, Église",
        "lat": 45.46,
        "lon": 1.88,
        "url": bus.get_absolute_url(),
    }
    assert par_type["permanence"]["nom"] == "Permanences du plateau — Corrèze, Mairie"
    assert len(points) == 3  # un bus n'est jamais dessiné à l'adresse de son porteur


def test_liens_itineraire(client, settings):
    france_services_de_tulle()
    contenu = client.get("/trouver/", {"q": "Tulle"}).content.decode()
    assert 'href="geo:45.26700,1.77100?q=45.26700,1.77100(France%20services%20de%20Tulle)"' in contenu
    assert "Itinéraire en ligne" not in contenu  # aucun calculateur configuré
    settings.GUICHET_ITINERAIRE_URL = "https://itineraire.example/?arrivee={lat},{lon}&nom={nom}"
    cache.clear()  # un réglage change au redémarrage, qui vide le cache des pages
    contenu = client.get("/trouver/", {"q": "19000"}).content.decode()
    assert (
        'href="https://itineraire.example/?arrivee=45.26700,1.77100&amp;nom=France%20services%20de%20Tulle"' in contenu
    )
    page = client.get("/structures/FS-19-001/").content.decode()
    assert "geo:45.26700,1.77100" in page and "https://itineraire.example/?arrivee=45.26700" in page


def test_tuiles_configurees(client, settings):
    france_services_de_tulle()
    settings.GUICHET_CARTE_TUILES_URL = (
        "https://data.geopf.fr/wmts?LAYER=PLANIGN&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}"
    )
    donnees = _donnees_carte(client.get("/trouver/", {"q": "Tulle"}).content.decode())
    assert donnees["tuiles"].startswith("https://data.geopf.fr/wmts?")
    assert donnees["attribution"] == "© IGN – Plan IGN"


def _img_src(environnement):
    programme = "from django.conf import settings; print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
    sortie = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {programme}"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "guichet.settings", **environnement},
        capture_output=True,
        text=True,
        check=True,
    )
    return sortie.stdout.strip()


def test_la_politique_de_securite_suit_les_tuiles():
    assert _img_src({"GUICHET_CARTE_TUILES_URL": ""}) == "[\"'self'\", 'data:']"
    url = "https://data.geopf.fr/wmts?SERVICE=WMTS&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}"
    assert _img_src({"GUICHET_CARTE_TUILES_URL": url}) == "[\"'self'\", 'data:', 'https://data.geopf.fr']"
