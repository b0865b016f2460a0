import pytest

from guichet import permissions
from guichet.bureau import permissions as permissions_bureau
from guichet.comptes.models import Role
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db


def test_agents_et_professionnels(monde):
    assert permissions.est_agent(monde.conseiller_a1)
    assert permissions.est_agent(monde.gestionnaire_a1)
    assert not permissions.est_agent(monde.referent_caf_a)
    assert not permissions.est_agent(monde.national)
    assert permissions.seulement_agent(monde.conseiller_a1)
    assert not permissions.seulement_agent(monde.sans_role)
    assert not permissions.seulement_agent(monde.inactif)
    mixte = UtilisateurFactory()
    HabilitationFactory(utilisateur=mixte, role=Role.CONSEILLER, structure=monde.a1)
    HabilitationFactory(utilisateur=mixte, role=Role.REFERENT, operateur=monde.caf, departement=monde.dep_a)
    assert permissions.est_agent(mixte) and not permissions.seulement_agent(mixte)
    assert permissions.est_professionnel(monde.prefecture_a)
    assert permissions.est_professionnel(monde.staff)
    assert not permissions.est_professionnel(monde.sans_role)
    assert not permissions.est_professionnel(monde.inactif)


@pytest.mark.parametrize(
    "nom, attendu",
    [
        ("national", True),
        ("conseiller_a1", False),
        ("gestionnaire_a1", False),
        ("prefecture_a", False),
        ("referent_caf_a", False),
        ("auditeur_national", False),
        ("staff", False),
        ("sans_role", False),
    ],
)
def test_seule_l_equipe_nationale_gere_les_liens(monde, nom, attendu):
    assert permissions_bureau.peut_gerer_liens_operateurs(getattr(monde, nom)) is attendu


def test_structures_de_l_agent_pour_le_bureau(monde):
    assert set(permissions.structures_de_l_agent(monde.conseiller_a1)) == {monde.a1}
    assert set(permissions.structures_de_l_agent(monde.conseiller_b)) == {monde.b}
    assert not permissions.structures_de_l_agent(monde.prefecture_a).exists()
    assert not permissions.structures_de_l_agent(monde.sans_role).exists()


def test_annuaire_limite_aux_departements_suivis(monde):
    responsable_b = UtilisateurFactory(email="responsable-b@example.fr")
    HabilitationFactory(
        utilisateur=responsable_b, role=Role.RESPONSABLE_OPERATEUR, operateur=monde.caf, departement=monde.dep_b
    )
    parti = UtilisateurFactory(email="parti@example.fr", is_active=False)
    HabilitationFactory(utilisateur=parti, role=Role.REFERENT, operateur=monde.cpam, departement=monde.dep_a)

    def emails(user):
        return {h.utilisateur.email for h in permissions_bureau.referents_visibles(user)}

    a = {"referent-caf-a@example.fr"}
    b = {"referent-local-b@example.fr", "responsable-b@example.fr"}
    assert emails(monde.conseiller_a1) == a
    assert emails(monde.gestionnaire_a1) == a
    assert emails(monde.prefecture_a) == a
    assert emails(monde.referent_caf_a) == a
    assert emails(monde.conseiller_b) == b
    assert emails(monde.national) == a | b
    assert emails(monde.sans_role) == set()
    assert emails(monde.inactif) == set()
