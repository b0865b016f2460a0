"""Un octet nul dans l'adresse : 400 partout, jamais une erreur de la base (PostgreSQL le refuse)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/trouver/?commune=a%00b",
        "/trouver/?q=Tulle%00",
        "/structures/FS%00-01/",
        "/api/v1/structures?near=1%00,2",
        "/api/v1/structures/FS%00-01",
    ],
)
def test_octet_nul_refuse(client, url):
    reponse = client.get(url)
    assert reponse.status_code == 400
    assert "octet nul" in reponse.content.decode()


def test_adresse_ordinaire_servie(client):
    assert client.get("/trouver/?q=Tulle").status_code == 200
