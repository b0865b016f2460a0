"""Qui est formé, les inscriptions et la présence : les règles, par lots."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guichet.comptes.models import Role
from guichet.formation import services
from guichet.formation.models import Inscription, Presence
from guichet.reseau.models import Structure
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory
from tests.formation.factories import InscriptionFactory, SessionFactory, former, module
from tests.reseau.factories import StructureFactory

pytestmark = pytest.mark.django_db


def agent_de(structure, role=Role.CONSEILLER, **kwargs):
    return HabilitationFactory(role=role, structure=structure, utilisateur=UtilisateurFactory(**kwargs)).utilisateur


def test_un_nouvel_agent_commence_avec_un_parcours_vide():
    agent = agent_de(StructureFactory())
    etat = services.etat_du_parcours(agent)
    assert not etat.forme and etat.faits == 0
    assert {ligne.statut for ligne in etat.lignes} == {"a_faire"}
    assert etat.prochaine.module.code == "socle-accueil"
    assert etat.jours_presentiel == Decimal("5.5")


def test_present_a_tout_le_parcours_initial_forme_le_dernier_jour():
    structure = StructureFactory()
    agent = agent_de(structure)
    inscriptions = former(agent, structure)
    etat = services.etat_du_parcours(agent)
    assert etat.forme and etat.restants == []
    assert etat.forme_le == max(i.session.fin for i in inscriptions)


@pytest.mark.parametrize("presence, demi", [(Presence.ABSENT, 0), (Presence.PARTIEL, "1"), (Presence.INSCRIT, None)])
def test_absent_partiel_ou_non_saisi_ne_valide_pas_le_module(presence, demi):
    structure = StructureFactory()
    agent = agent_de(structure)
    former(agent, structure, sauf=["socle-accueil"])
    InscriptionFactory(
        session=SessionFactory(passee=True),
        agent=agent,
        structure=structure,
        presence=presence,
        demi_journees_presentes=demi,
    )
    etat = services.etat_du_parcours(agent)
    assert not etat.forme
    assert [ligne.module.code for ligne in etat.restants] == ["socle-accueil"]


def test_inscrit_a_une_session_a_venir_le_parcours_le_montre():
    structure = StructureFactory()
    agent = agent_de(structure)
    session = SessionFactory()
    services.inscrire(session, agent, structure, par=None)
    etat = services.etat_du_parcours(agent)
    assert etat.prochaine.statut == "inscrit"
    assert etat.prochaine.inscription.session == session


def test_agents_formes_par_structure_par_lots():
    def requetes(n):
        for _ in range(n):
            structure = StructureFactory()
            former(agent_de(structure), structure)
            agent_de(structure)  # pas formé
        with CaptureQueriesContext(connection) as capture:
            comptes = services.agents_formes_par_structure(Structure.objects.values("pk"))
        assert set(comptes.values()) == {1}
        return len(capture)

    assert requetes(2) == requetes(10)


def test_agents_formes_par_structure_compte_les_comptes_actifs_de_l_equipe():
    structure, autre = StructureFactory(), StructureFactory()
    for _ in range(2):
        former(agent_de(structure), structure)
    inactif = agent_de(structure, is_active=False)
    former(inactif, structure)
    former(agent_de(autre, role=Role.GESTIONNAIRE), autre)
    vide = StructureFactory()
    assert services.agents_formes_par_structure([structure.pk, autre.pk, vide.pk]) == {structure.pk: 2, autre.pk: 1}


# — inscriptions —


def test_agents_formes_meme_reponse_pour_une_longue_liste(monkeypatch):
    """Au-delà du seuil, la liste n'est plus passée à la base : tous les formés, puis l'intersection. Les deux
    chemins donnent la même réponse, et un formé hors de la liste n'y entre pas."""
    structure = StructureFactory()
    formes = [agent_de(structure) for _ in range(3)]
    for agent in formes:
        former(agent, structure)
    demi = agent_de(structure)
    former(demi, structure, sauf=["socle-accueil"])
    hors_liste = agent_de(structure)
    former(hors_liste, structure)
    demandes = [*formes, demi, agent_de(structure)]
    attendu = {a.pk for a in formes}
    assert services.agents_formes(demandes) == attendu
    monkeypatch.setattr(services, "LISTE_D_AGENTS_MAXIMUM", 2)
    assert services.agents_formes(demandes) == attendu
    assert services.agents_formes([a.pk for a in demandes]) == attendu


def test_inscription_refusee_avec_un_message_clair():
    structure = StructureFactory()
    agent = agent_de(structure)
    session = SessionFactory(capacite=1)

    with pytest.raises(services.InscriptionRefusee, match="ne fait pas partie de l'équipe"):
        services.inscrire(session, agent, StructureFactory(), par=None)
    with pytest.raises(services.InscriptionRefusee, match="déjà commencé"):
        services.inscrire(SessionFactory(passee=True), agent, structure, par=None)

    services.inscrire(session, agent, structure, par=None)
    with pytest.raises(services.InscriptionRefusee, match="déjà inscrit à cette session"):
        services.inscrire(session, agent, structure, par=None)
    with pytest.raises(services.InscriptionRefusee, match="déjà inscrit à une session à venir de ce module"):
        services.inscrire(SessionFactory(), agent, structure, par=None)
    with pytest.raises(services.InscriptionRefusee, match="complète"):
        services.inscrire(session, agent_de(structure), structure, par=None)

    formee = agent_de(structure)
    former(formee, structure)
    with pytest.raises(services.InscriptionRefusee, match="a déjà suivi le module"):
        services.inscrire(SessionFactory(), formee, structure, par=None)


def test_sessions_ouvertes_sans_les_completes_ni_les_passees():
    structure = StructureFactory()
    pleine = SessionFactory(capacite=1)
    services.inscrire(pleine, agent_de(structure), structure, par=None)
    ouverte = SessionFactory()
    SessionFactory(passee=True)
    assert list(services.sessions_ouvertes()) == [ouverte]


# — présence —


def test_presences_tout_ou_rien_et_l_erreur_nomme_l_agent():
    structure = StructureFactory()
    session = SessionFactory(module=module("socle-accueil"), passee=True)  # 2 demi-journées
    a, b = (
        agent_de(structure, first_name="Aline", last_name="Durand"),
        agent_de(structure, first_name="Bruno", last_name="Petit"),
    )
    ia = InscriptionFactory(session=session, agent=a, structure=structure)
    ib = InscriptionFactory(session=session, agent=b, structure=structure)
    with pytest.raises(ValueError, match="Bruno Petit : une présence partielle compte de 0,5 à moins de 2"):
        services.enregistrer_presences(
            session, {ia.pk: (Presence.PRESENT, None), ib.pk: (Presence.PARTIEL, Decimal("2"))}, par=None
        )
    ia.refresh_from_db()
    assert ia.presence == Presence.INSCRIT  # rien n'est écrit

    assert (
        services.enregistrer_presences(
            session, {ia.pk: (Presence.PRESENT, None), ib.pk: (Presence.PARTIEL, Decimal("1"))}, par=a
        )
        == 2
    )
    ia.refresh_from_db(), ib.refresh_from_db()
    assert (ia.presence, ia.demi_journees_presentes) == (Presence.PRESENT, Decimal("2"))
    assert (ib.presence, ib.demi_journees_presentes) == (Presence.PARTIEL, Decimal("1"))


@pytest.mark.parametrize("demi", [None, "0", "0.3", "-1"])
def test_presence_partielle_refusee(demi):
    session = SessionFactory(module=module("socle-accueil"), passee=True)
    with pytest.raises(ValueError):
        services.valider_presence(session, Presence.PARTIEL, demi)


def test_presence_d_une_session_a_venir_refusee():
    structure = StructureFactory()
    session = SessionFactory()
    inscription = InscriptionFactory(session=session, agent=agent_de(structure), structure=structure)
    with pytest.raises(ValueError, match="se saisit à partir de ce jour"):
        services.enregistrer_presences(session, {inscription.pk: (Presence.PRESENT, None)}, par=None)
    assert Inscription.objects.get(pk=inscription.pk).presence == Presence.INSCRIT


def test_desinscrire_seulement_a_venir():
    structure = StructureFactory()
    agent = agent_de(structure)
    inscription = services.inscrire(SessionFactory(), agent, structure, par=None)
    services.desinscrire(inscription)
    assert not Inscription.objects.filter(pk=inscription.pk).exists()
    passee = InscriptionFactory(session=SessionFactory(passee=True), agent=agent, structure=structure)
    with pytest.raises(services.InscriptionRefusee):
        services.desinscrire(passee)
    assert Inscription.objects.filter(pk=passee.pk).exists()
