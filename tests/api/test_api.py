import pytest

from tests.reseau.factories import PassageFactory, StructureFactory
from tests.territoires.factories import CommuneFactory


@pytest.fixture
def reseau(db):
    proche = StructureFactory(matricule="FS-A", latitude=45.0, longitude=5.0)
    moyen = StructureFactory(matricule="FS-B", latitude=45.2, longitude=5.0)
    loin = StructureFactory(matricule="FS-C", latitude=46.0, longitude=5.0)
    StructureFactory(matricule="FS-FERMEE", latitude=45.0, longitude=5.0, fermee=True)
    return proche, moyen, loin


def test_structures_proches(client, reseau):
    reponse = client.get("/api/v1/structures", {"near": "45.01,5.0", "limit": 2})
    assert reponse.status_code == 200
    donnees = reponse.json()
    assert [s["matricule"] for s in donnees] == ["FS-A", "FS-B"]
    assert donnees[0]["distance_km"] == pytest.approx(1.11, abs=0.01)
    assert donnees[0]["url"] == "/structures/FS-A/"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"near": "abc"}, "near invalide"),
        ({"near": "95,5"}, "hors limites"),
        ({"near": "45,5", "limit": 0}, "limit"),
        ({"near": "45,5", "limit": 1000}, "limit"),
        ({}, "near"),
    ],
)
def test_structures_parametres_invalides(client, reseau, params, message):
    reponse = client.get("/api/v1/structures", params)
    assert reponse.status_code == 422
    assert message in reponse.content.decode()


def test_structure_par_matricule(client, reseau):
    bus = StructureFactory(matricule="FS-BUS", bus=True)
    PassageFactory(structure=bus, commune=CommuneFactory(nom="Naves"), lieu="Place", jour=3)
    donnees = client.get("/api/v1/structures/FS-BUS").json()
    assert donnees["forme"] == "itinerante"
    assert donnees["passages"] == [
        {
            "commune": "Naves",
            "code_insee": donnees["passages"][0]["code_insee"],
            "lieu": "Place",
            "jour": "jeudi",
            "debut": "09:00",
            "fin": "12:00",
        }
    ]
    assert client.get("/api/v1/structures/INCONNU").status_code == 404


def test_document_openapi(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/structures" in schema["paths"]
    assert "/api/v1/structures/{matricule}" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_contours_des_departements(client, db):
    from tests.territoires.factories import DepartementFactory

    DepartementFactory(code="19", contour={"type": "Polygon", "coordinates": [[[1, 45], [2, 45], [2, 46], [1, 45]]]})
    donnees = client.get("/api/v1/departements.geojson").json()
    assert donnees["type"] == "FeatureCollection"
    assert donnees["features"][0]["properties"]["code"] == "19"
