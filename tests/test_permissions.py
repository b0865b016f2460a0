"""Le module des droits, rôle par rôle, dedans et dehors de chaque périmètre."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from guichet import navigation, permissions
from guichet.comptes.models import Role
from tests.comptes.conftest import connecter
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory
from tests.comptes.monde import ATTENDU, TOUTES, construire_monde

pytestmark = pytest.mark.django_db


def roles(user) -> set[str]:
    return set(permissions.perimetre(user).roles)


@pytest.fixture
def monde():
    return construire_monde()


def noms(monde, structures):
    par_pk = {getattr(monde, nom).pk: nom for nom in TOUTES}
    return {par_pk[s.pk] for s in structures}


@pytest.mark.parametrize("personne", sorted(ATTENDU))
def test_structures_par_role(monde, personne):
    user = getattr(monde, personne)
    visibles, modifiables, statut, invitations = ATTENDU[personne]

    assert noms(monde, permissions.structures_visibles(user)) == visibles
    assert noms(monde, permissions.structures_modifiables(user)) == modifiables
    assert noms(monde, permissions.structures_dont_statut_modifiable(user)) == statut
    assert noms(monde, permissions.structures_ou_inviter(user)) == invitations
    ids = {getattr(monde, nom).pk: nom for nom in TOUTES}
    assert {ids[i] for i in permissions.ou_inviter_parmi(user, list(ids))} == invitations
    for nom in TOUTES:
        structure = getattr(monde, nom)
        assert permissions.peut_voir_structure(user, structure) is (nom in visibles)
        assert permissions.peut_voir_agents(user, structure) is (nom in visibles)
        assert permissions.peut_modifier_structure(user, structure) is (nom in modifiables)
        assert permissions.peut_changer_statut(user, structure) is (nom in statut)
        assert permissions.peut_inviter(user, structure) is (nom in invitations)


def test_anonyme_ne_voit_rien(monde):
    anonyme = AnonymousUser()
    assert not permissions.structures_visibles(anonyme).exists()
    assert not permissions.departements_visibles(anonyme).exists()
    assert roles(anonyme) == set()
    for nom in TOUTES:
        structure = getattr(monde, nom)
        assert not permissions.peut_voir_structure(anonyme, structure)
        assert not permissions.peut_modifier_structure(anonyme, structure)
        assert not permissions.peut_changer_statut(anonyme, structure)
        assert not permissions.peut_inviter(anonyme, structure)


def test_superutilisateur_a_les_droits_nationaux(monde):
    monde.staff.is_superuser = True
    monde.staff.save()
    for nom in TOUTES:
        structure = getattr(monde, nom)
        assert permissions.peut_modifier_structure(monde.staff, structure)
        assert permissions.peut_changer_statut(monde.staff, structure)


def test_structure_non_enregistree_n_est_visible_par_personne(monde):
    from guichet.reseau.models import Structure

    assert not permissions.peut_voir_structure(monde.national, Structure(nom="brouillon"))
    assert not permissions.peut_voir_structure(monde.national, None)


@pytest.mark.parametrize(
    "personne, attendus",
    [
        ("national", {"01", "02"}),
        ("auditeur_national", {"01", "02"}),
        ("staff", {"01", "02"}),
        ("prefecture_a", {"01"}),
        ("auditeur_a", {"01"}),
        ("referent_caf_a", {"01"}),
        ("referent_local_b", {"02"}),
        ("gestionnaire_a1", {"01"}),
        ("conseiller_b", {"02"}),
        ("sans_role", set()),
        ("inactif", set()),
    ],
)
def test_departements_visibles(monde, personne, attendus):
    codes = set(permissions.departements_visibles(getattr(monde, personne)).values_list("code", flat=True))
    # Les autres départements créés par les fabriques ne comptent que pour les rôles nationaux.
    if attendus == {"01", "02"}:
        assert {"01", "02"} <= codes
    else:
        assert codes == attendus


def test_prefecture_de_plusieurs_departements(monde):
    HabilitationFactory(utilisateur=monde.prefecture_a, role=Role.PREFECTURE, departement=monde.dep_b)
    assert noms(monde, permissions.structures_modifiables(monde.prefecture_a)) == TOUTES
    assert set(permissions.departements_visibles(monde.prefecture_a).values_list("code", flat=True)) == {
        "01",
        "02",
    }


def test_referent_hors_de_son_departement_ne_voit_pas_les_structures_de_son_operateur(monde):
    # b sert la CAF, mais elle est dans le département B : le référent CAF de A ne la voit pas.
    assert monde.caf in monde.b.operateurs.all()
    assert not permissions.peut_voir_structure(monde.referent_caf_a, monde.b)


def test_roles(monde):
    assert roles(monde.gestionnaire_a1) == {Role.GESTIONNAIRE}
    HabilitationFactory(utilisateur=monde.gestionnaire_a1, role=Role.CONSEILLER, structure=monde.b)
    assert roles(monde.gestionnaire_a1) == {Role.GESTIONNAIRE, Role.CONSEILLER}
    assert roles(monde.sans_role) == set()
    assert roles(monde.inactif) == set()


@pytest.mark.parametrize(
    "personne, attendu",
    [
        ("national", True),
        ("prefecture_a", True),
        ("referent_caf_a", True),
        ("gestionnaire_a1", False),
        ("conseiller_a1", False),
        ("auditeur_a", True),
        ("auditeur_national", True),
        ("staff", True),
        ("sans_role", False),
    ],
)
def test_exige_double_facteur(monde, personne, attendu):
    assert permissions.exige_double_facteur(getattr(monde, personne)) is attendu


def test_liste_en_deux_requetes(monde, django_assert_num_queries):
    # Une requête pour les habilitations, une pour la liste : quel que soit le nombre de structures.
    with django_assert_num_queries(2):
        list(permissions.structures_visibles(monde.prefecture_a))
    with django_assert_num_queries(2):
        list(permissions.structures_visibles(monde.gestionnaire_a1))


def test_nouvelle_habilitation_prise_en_compte_aussitot(monde):
    user = UtilisateurFactory()
    assert not permissions.peut_voir_structure(user, monde.b)
    HabilitationFactory(utilisateur=user, role=Role.CONSEILLER, structure=monde.b)
    assert permissions.peut_voir_structure(user, monde.b)


# La navigation, rôle par rôle : tout lien montré s'ouvre, tout outil qui s'ouvre est montré.

PERSONNES_CONNECTEES = sorted(set(ATTENDU) - {"inactif"}) + ["superutilisateur"]


def _personne(monde, nom):
    if nom == "superutilisateur":
        return UtilisateurFactory(email="super@example.fr", is_superuser=True, is_staff=True)
    return getattr(monde, nom)


def _s_ouvre(client, outil) -> bool:
    """La page de l'outil répond 200, au besoin après une redirection qui reste dans le même outil
    (l'accueil des statistiques mène au seul tableau de qui n'en a qu'un)."""
    reponse = client.get(outil.url, follow=True)
    return reponse.status_code == 200 and reponse.resolver_match.namespace == outil.espace


def _liens_du_menu(html) -> list[str]:
    menu = html.split('id="navigation-principale"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'class="fr-nav__link" href="([^"]+)"', menu)


def _liens_des_outils(html) -> list[str]:
    if "guichet-outils" not in html:
        return []
    outils = html.split('class="fr-mb-3w guichet-outils"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="([^"]+)"', outils)


@pytest.mark.parametrize("nom", PERSONNES_CONNECTEES)
def test_navigation_montre_exactement_les_outils_permis(client, monde, nom):
    user = _personne(monde, nom)
    connecter(client, user)
    montres = navigation.outils_permis(user)
    for outil in navigation.OUTILS:
        assert _s_ouvre(client, outil) is (outil in montres), (nom, outil.code)

    # Ce que les pages affichent est bien cette liste : le menu sur toute page, « Mes outils » sur « Mon espace ».
    html = client.get(reverse("comptes:espace") + "?compte=1").content.decode()
    publics = [reverse("accueil"), reverse("reseau:trouver")]
    assert _liens_du_menu(html) == publics + [o.url for o in montres if o.menu]
    assert _liens_des_outils(html) == [o.url for o in montres if o.outils]


def test_navigation_de_l_anonyme(client, monde):
    assert navigation.outils_permis(AnonymousUser()) == []
    html = client.get(reverse("accueil")).content.decode()
    assert _liens_du_menu(html) == [reverse("accueil"), reverse("reseau:trouver")]


# Les outils de suivi d'un auditeur ou de l'équipe technique, auxquels chaque rôle ajoute les siens.
OUTILS_DE_SUIVI = {
    "espace",
    "demandes",
    "statistiques",
    "qualite",
    "connaissances",
    "guides",
    "annuaire",
    "plans_d_action",
}


# Ce que chaque domaine ajoute à ces outils de base, rôle par rôle.
EN_PLUS = {
    "auditeur_a": {"couverture", "enquetes", "formation", "labellisation", "visites"},
    "auditeur_national": {
        "couverture",
        "enquetes",
        "formation",
        "labellisation",
        "tableau_labellisation",
        "verifier_mandat",
        "visites",
    },
    "staff": {
        "couverture",
        "enquetes",
        "formation",
        "labellisation",
        "tableau_labellisation",
        "verifier_mandat",
        "visites",
    },
    "conseiller_a1": {"carte", "enquetes", "formation", "mandats", "visites"},
    "sans_role": set(),
}


@pytest.mark.parametrize(
    "nom, codes",
    [
        # L'auditeur ouvre le tableau de qualité et les plans d'action de son périmètre : il en a les liens.
        ("auditeur_a", OUTILS_DE_SUIVI),
        # L'auditeur national vérifie aussi les références de mandat (état et portée, sans l'usager).
        ("auditeur_national", OUTILS_DE_SUIVI),
        # L'équipe technique sans rôle garde les liens des outils qu'elle peut ouvrir.
        ("staff", OUTILS_DE_SUIVI),
        ("conseiller_a1", {"bureau", "saisie", "demandes", "statistiques", "connaissances", "guides", "annuaire"}),
        ("sans_role", {"espace"}),
    ],
)
def test_navigation_des_roles_oublies_par_les_gabarits(monde, nom, codes):
    assert {o.code for o in navigation.outils_permis(getattr(monde, nom))} == codes | EN_PLUS[nom]


@pytest.mark.parametrize("nom, racine", [("conseiller_a1", "bureau:accueil"), ("prefecture_a", "comptes:espace")])
def test_fil_d_ariane_part_du_bureau_ou_de_l_espace(client, monde, nom, racine):
    connecter(client, getattr(monde, nom))
    html = client.get(reverse("bureau:guides")).content.decode()
    fil = html.split('class="fr-breadcrumb__list"', 1)[1].split("</ol>", 1)[0]

    # L'accueil du site ouvre toujours le fil du DSFR ; vient ensuite la racine de l'espace professionnel.
    assert re.findall(r'href="([^"]+)"', fil)[:2] == [reverse("accueil"), reverse(racine)]
