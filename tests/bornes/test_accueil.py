import pytest
from django.urls import reverse

from guichet import navigation
from guichet.bornes import accueil
from tests.bornes.conftest import poser_avis
from tests.comptes.conftest import connecter

pytestmark = pytest.mark.django_db


def _chiffres(user):
    (bloc,) = accueil.blocs(user)
    return {c.libelle: c for c in bloc.chiffres}


def test_blocs_du_responsable_de_sa_seule_structure(monde):
    poser_avis(monde.a1, [5] * 8 + [1] * 2)
    poser_avis(monde.b, [1] * 20)
    chiffres = _chiffres(monde.gestionnaire_a1)
    assert chiffres["avis reçus (12 mois)"].valeur == 10
    assert chiffres["usagers satisfaits (12 mois)"].valeur == "80 %"
    assert chiffres["bornes actives"].valeur == 1


def test_blocs_de_la_prefecture_et_du_national(monde):
    poser_avis(monde.a2, [5, 5])
    poser_avis(monde.b, [1] * 6)
    chiffres = _chiffres(monde.prefecture_a)
    assert chiffres["avis reçus (12 mois)"].valeur == "moins de 5"
    assert "usagers satisfaits (12 mois)" not in chiffres and "bornes actives" not in chiffres
    national = _chiffres(monde.national)
    assert national["avis reçus (12 mois)"].valeur == 8
    assert national["usagers satisfaits (12 mois)"].alerte


@pytest.mark.parametrize("nom", ["conseiller_a1", "referent_caf_a", "auditeur_a", "sans_role", "staff"])
def test_pas_de_bloc_ni_d_outil_hors_des_roles(monde, nom):
    user = getattr(monde, nom)
    assert accueil.blocs(user) == []
    assert not {"satisfaction", "bornes"} & {o.code for o in navigation.outils_permis(user)}


@pytest.mark.parametrize(
    "nom, codes",
    [
        ("gestionnaire_a1", {"satisfaction", "bornes"}),
        ("prefecture_a", {"satisfaction"}),
        ("national", {"satisfaction", "bornes"}),
    ],
)
def test_outils_et_bloc_sur_mon_espace(client, monde, nom, codes):
    user = getattr(monde, nom)
    assert {"satisfaction", "bornes"} & {o.code for o in navigation.outils_permis(user)} == codes
    connecter(client, user)
    html = client.get(reverse("comptes:espace") + "?compte=1").content.decode()
    assert "Satisfaction des usagers" in html and reverse("bornes:resultats") in html
