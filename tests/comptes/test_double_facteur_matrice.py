"""Matrice : chaque compte dont le périmètre couvre plus d'une structure, sans appareil vérifié dans sa session,
est renvoyé vers le second facteur sur chaque page du site (toutes les routes, parcourues une à une)."""

import uuid
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from guichet.comptes.models import Role
from tests.comptes.conftest import connecter
from tests.comptes.factories import HabilitationFactory, TOTPDeviceFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db

DOUBLE_FACTEUR = reverse("comptes:double_facteur")
EXEMPTEES = (DOUBLE_FACTEUR, reverse("comptes:deconnexion"))
VALEURS = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": str(uuid.uuid4())}


def _routes(motifs=None, prefixe=""):
    """Chaque route du site, ses paramètres remplis d'une valeur du bon type (les routes en expression
    régulière, celles de l'administration par application, sont couvertes par l'accueil de l'admin)."""
    for motif in get_resolver().url_patterns if motifs is None else motifs:
        if not isinstance(motif.pattern, RoutePattern):
            continue
        route = prefixe + str(motif.pattern)
        for convertisseur, valeur in VALEURS.items():
            while f"<{convertisseur}:" in route:
                debut = route.index(f"<{convertisseur}:")
                route = route[:debut] + valeur + route[route.index(">", debut) + 1 :]
        if "<" in route:  # un paramètre sans convertisseur : une chaîne
            debut = route.index("<")
            route = route[:debut] + "x" + route[route.index(">", debut) + 1 :]
        if isinstance(motif, URLResolver):
            yield from _routes(motif.url_patterns, route)
        elif isinstance(motif, URLPattern):
            yield "/" + route


def _retenue(route):
    # De l'administration, l'accueil et la liste de chaque modèle suffisent (le même site, la même garde).
    return not route.startswith(EXEMPTEES) and not (route.startswith("/admin/") and route.count("/") > 4)


ROUTES = sorted({r for r in _routes() if _retenue(r)})


def _comptes(monde):
    responsable = UtilisateurFactory(email="responsable-caf-a@example.fr")
    HabilitationFactory(
        utilisateur=responsable, role=Role.RESPONSABLE_OPERATEUR, operateur=monde.caf, departement=monde.dep_a
    )
    superutilisateur = UtilisateurFactory(email="super@example.fr", is_staff=True, is_superuser=True)
    return {
        "auditeur départemental": monde.auditeur_a,
        "auditeur national": monde.auditeur_national,
        "préfecture": monde.prefecture_a,
        "référent d'opérateur": monde.referent_caf_a,
        "responsable départemental d'opérateur": responsable,
        "équipe nationale": monde.national,
        "équipe technique (is_staff)": monde.staff,
        "superutilisateur": superutilisateur,
    }


def test_la_matrice_couvre_les_pages_du_site():
    for attendue in ("/comptes/espace/", "/admin/", "/admin/journal/entreejournal/", "/espace/structures/", "/"):
        assert attendue in ROUTES
    assert len(ROUTES) > 40


@pytest.mark.parametrize("avec_appareil", [False, True], ids=["sans appareil", "appareil non vérifié"])
def test_chaque_compte_a_large_perimetre_renvoye_vers_le_second_facteur(client, monde, avec_appareil):
    echecs = []
    for libelle, user in _comptes(monde).items():
        if avec_appareil:
            TOTPDeviceFactory(user=user)
        connecter(client, user, verifie=False)
        for url in ROUTES:
            reponse = client.get(url)
            attendu = f"{DOUBLE_FACTEUR}?next={quote(url, safe='')}"
            if reponse.status_code != 302 or reponse.url != attendu:
                echecs.append((libelle, url, reponse.status_code))
        reponse = client.post(reverse("gestion:statut", args=[monde.a1.pk]), {"statut": "fermee"})
        if reponse.status_code != 302 or not reponse.url.startswith(DOUBLE_FACTEUR):
            echecs.append((libelle, "POST statut", reponse.status_code))
        client.logout()
    assert echecs == []


def test_une_fois_verifies_ils_passent(client, monde):
    for user in _comptes(monde).values():
        connecter(client, user)
        assert client.get(reverse("comptes:espace") + "?compte=1").status_code == 200
        client.logout()


@pytest.mark.parametrize("personne", ["gestionnaire_a1", "conseiller_a1", "conseiller_b", "sans_role"])
def test_les_comptes_d_une_seule_structure_n_y_sont_pas_tenus(client, monde, personne):
    connecter(client, getattr(monde, personne), verifie=False)
    reponse = client.get(reverse("comptes:espace") + "?compte=1")
    assert reponse.status_code == 200
