"""Le module des droits, rôle par rôle, dedans et dehors de chaque périmètre."""

import pytest
from django.contrib.auth.models import AnonymousUser

from guichet import permissions
from guichet.comptes.models import Role
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory
from tests.comptes.monde import ATTENDU, TOUTES, construire_monde

pytestmark = pytest.mark.django_db


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
    assert permissions.roles(anonyme) == set()
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
    assert permissions.roles(monde.gestionnaire_a1) == {Role.GESTIONNAIRE}
    HabilitationFactory(utilisateur=monde.gestionnaire_a1, role=Role.CONSEILLER, structure=monde.b)
    assert permissions.roles(monde.gestionnaire_a1) == {Role.GESTIONNAIRE, Role.CONSEILLER}
    assert permissions.roles(monde.sans_role) == set()
    assert permissions.roles(monde.inactif) == set()


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
