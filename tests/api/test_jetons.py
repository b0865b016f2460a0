"""Jetons personnels d'API : vus une fois, seule l'empreinte est gardée, révocables par leur seul titulaire."""

import hashlib

import pytest
from django.urls import reverse

from guichet.api import jetons
from guichet.api.models import JetonApi
from tests.activite.conftest import lieux  # noqa: F401  (fixture partagée)
from tests.comptes.conftest import connecter

pytestmark = pytest.mark.django_db

JETONS = reverse("jetons:liste")


def test_seule_l_empreinte_est_gardee(lieux):  # noqa: F811
    jeton, clair = jetons.creer_jeton(lieux.conseiller, "Logiciel de la mairie")
    assert clair.startswith("gch_") and len(clair) > 40
    assert jeton.empreinte == hashlib.sha256(clair.encode()).hexdigest()
    assert clair not in {
        str(v) for v in JetonApi.objects.values_list(*[f.attname for f in JetonApi._meta.fields]).get()
    }
    assert jeton.prefixe == clair[:10]
    assert jetons.authentifier(clair) == lieux.conseiller
    assert JetonApi.objects.get().utilise_le is not None


def test_jeton_refuse_revoque_inconnu_ou_compte_desactive(lieux):  # noqa: F811
    jeton, clair = jetons.creer_jeton(lieux.conseiller, "Poste")
    assert jetons.authentifier("gch_autre") is None
    assert jetons.authentifier("") is None
    lieux.conseiller.is_active = False
    lieux.conseiller.save()
    assert jetons.authentifier(clair) is None
    lieux.conseiller.is_active = True
    lieux.conseiller.save()
    jetons.revoquer(jeton)
    assert jetons.authentifier(clair) is None


def test_nombre_de_jetons_actifs_borne(lieux):  # noqa: F811
    for i in range(jetons.MAX_JETONS_ACTIFS):
        jetons.creer_jeton(lieux.conseiller, f"jeton {i}")
    with pytest.raises(jetons.TropDeJetons):
        jetons.creer_jeton(lieux.conseiller, "de trop")
    jetons.revoquer(lieux.conseiller.jetons_api.first())
    jetons.creer_jeton(lieux.conseiller, "à la place")


def test_page_creer_voir_une_fois_lister_revoquer(client, lieux):  # noqa: F811
    connecter(client, lieux.conseiller)
    assert client.get(JETONS).status_code == 200
    reponse = client.post(JETONS, {"nom": "Logiciel de la mairie"})
    assert reponse.status_code == 200
    assert reponse["Cache-Control"] == "no-store"
    clair = reponse.context["nouveau"]
    assert clair in reponse.content.decode()
    # Plus jamais affiché ensuite : seul le début du jeton reste visible.
    html = client.get(JETONS).content.decode()
    assert clair not in html and clair[:10] in html and "Logiciel de la mairie" in html
    jeton = JetonApi.objects.get()
    reponse = client.post(reverse("jetons:revoquer", args=[jeton.pk]))
    assert reponse.status_code == 302
    jeton.refresh_from_db()
    assert jeton.revoque_le is not None
    assert jetons.authentifier(clair) is None


def test_revoquer_le_jeton_d_un_autre_refuse(client, lieux):  # noqa: F811
    jeton, clair = jetons.creer_jeton(lieux.collegue, "Le sien")
    connecter(client, lieux.conseiller)
    assert client.post(reverse("jetons:revoquer", args=[jeton.pk])).status_code == 404
    assert client.get(reverse("jetons:revoquer", args=[jeton.pk])).status_code == 405
    assert jetons.authentifier(clair) == lieux.collegue
    assert "Le sien" not in client.get(JETONS).content.decode()


@pytest.mark.parametrize("qui", ["referent", "sans_role"])
def test_page_des_jetons_refusee_sans_structure(client, lieux, qui):  # noqa: F811
    connecter(client, getattr(lieux, qui))
    assert client.get(JETONS).status_code == 403
    assert client.post(JETONS, {"nom": "x"}).status_code == 403
    assert not JetonApi.objects.exists()


def test_page_des_jetons_anonyme(client, db):
    assert client.get(JETONS).status_code == 302
