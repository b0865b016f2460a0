"""L'habilitation de tiers de confiance : déduite du label de la structure et de la formation initiale complète,
jamais saisie ; elle prend fin avec le label ou le départ de l'agent. Le badge se vérifie publiquement par son
code (nom, France services, habilité oui / non : rien d'autre) ; le référent la voit sur chaque demande."""

import pytest

from guichet.comptes.models import Habilitation, Role
from guichet.mandats import services
from guichet.mandats.accreditation import accreditation, accreditations
from guichet.reseau.models import Structure
from tests.comptes.conftest import connecter
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory
from tests.formation.factories import former
from tests.reseau.factories import StructureFactory


@pytest.fixture
def agent(db):
    structure = StructureFactory(statut=Structure.Statut.LABELLISEE)
    user = UtilisateurFactory(first_name="Camille", last_name="Rousseau", email="camille.rousseau@example.fr")
    HabilitationFactory(utilisateur=user, role=Role.CONSEILLER, structure=structure)
    return user, structure


def test_habilite_quand_la_structure_est_labellisee_et_la_formation_complete(agent):
    user, structure = agent
    assert not accreditation(user).accreditee
    assert accreditation(user).raison == "Formation initiale pas encore complète."
    former(user, structure)
    assert accreditation(user).accreditee and accreditation(user).formee


def test_l_habilitation_prend_fin_avec_le_label_ou_le_depart(agent):
    user, structure = agent
    former(user, structure)
    structure.changer_statut(Structure.Statut.SUSPENDUE)
    assert not accreditation(user).accreditee
    assert "pas labellisée" in accreditation(user).raison
    structure.changer_statut(Structure.Statut.LABELLISEE)
    assert accreditation(user).accreditee
    Habilitation.objects.filter(utilisateur=user).delete()
    assert not accreditation(user).accreditee
    assert accreditation(user).raison == "N'exerce dans aucune France services."


def test_un_agent_forme_dont_le_compte_est_desactive_n_est_plus_habilite(agent):
    user, structure = agent
    former(user, structure)
    user.is_active = False
    user.save()
    assert not accreditation(user).accreditee


def test_par_lots_en_nombre_de_requetes_constant(agent, django_assert_max_num_queries):
    user, structure = agent
    former(user, structure)
    autres = [UtilisateurFactory() for _ in range(5)]
    for autre in autres:
        HabilitationFactory(utilisateur=autre, role=Role.CONSEILLER, structure=structure)
    with django_assert_max_num_queries(4):
        resultat = accreditations([user.pk, *(a.pk for a in autres)])
    assert resultat[user.pk].accreditee and not any(resultat[a.pk].accreditee for a in autres)


def test_la_verification_publique_du_badge_ne_dit_que_le_nom_le_site_et_l_habilitation(client, agent):
    user, structure = agent
    former(user, structure)
    carte = services.carte_de(user)
    assert services.carte_de(user) == carte  # une seule carte par agent
    reponse = client.get("/conseiller/verifier/", {"code": carte.code.lower().replace("-", " ")})
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Camille Rousseau est conseiller France Services" in contenu and structure.nom in contenu
    assert "Habilité tiers de confiance : <strong>oui</strong>" in contenu
    assert "camille.rousseau@example.fr" not in contenu and user.email not in contenu
    assert client.get("/conseiller/verifier/", {"code": "ZZZZ-ZZZZ"}).status_code == 404
    user.is_active = False
    user.save()
    assert client.get("/conseiller/verifier/", {"code": carte.code}).status_code == 404


def test_la_carte_est_celle_de_l_agent_connecte_et_refusee_aux_autres(client, agent):
    user, structure = agent
    connecter(client, user)
    contenu = client.get("/espace/mandats/carte/").content.decode()
    carte = services.carte_de(user)
    assert carte.code in contenu and "Non habilité" in contenu and 'role="img"' in contenu
    referent = UtilisateurFactory()
    HabilitationFactory(utilisateur=referent, referent=True)
    connecter(client, referent)
    assert client.get("/espace/mandats/carte/").status_code == 403
