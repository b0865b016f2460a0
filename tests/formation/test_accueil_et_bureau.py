"""Les blocs de « Mon espace » et le bloc du bureau de l'agent ; la démonstration."""

import pytest
from django.urls import reverse

from guichet.comptes.models import Role
from guichet.formation import accueil, services
from guichet.formation import demo as demo_formation
from guichet.formation.models import Session
from guichet.reseau import demo as demo_reseau
from tests.comptes.conftest import connecter
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory
from tests.comptes.monde import construire_monde
from tests.formation.factories import former
from tests.reseau.test_demo import geographie  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def monde():
    m = construire_monde()
    former(m.gestionnaire_a1, m.a1)
    return m


def chiffres(blocs):
    return {c.libelle: c.valeur for b in blocs for c in b.chiffres}


def test_blocs_par_role(monde):
    gestionnaire = chiffres(accueil.blocs(monde.gestionnaire_a1))
    assert gestionnaire["Agents à former"] == 1  # le conseiller de a1 (le compte inactif ne compte pas)
    assert gestionnaire[f"Agents formés — {monde.a1.nom}"] == "1 sur 2"

    prefecture = accueil.blocs(monde.prefecture_a)
    assert [b.titre for b in prefecture] == ["Formation des conseillers — Ain"]
    assert chiffres(prefecture)["Structures à moins de deux agents formés"] == 2

    national = accueil.blocs(monde.national)
    assert [b.titre for b in national] == ["Formation des conseillers — national"]
    assert chiffres(national)["Agents formés"] == "1 sur 3"

    for personne in ("conseiller_a1", "referent_caf_a", "sans_role"):
        assert accueil.blocs(getattr(monde, personne)) == []


def test_le_bureau_montre_la_prochaine_etape_puis_plus_rien(client, monde):
    connecter(client, monde.conseiller_a1)
    html = client.get(reverse("bureau:accueil")).content.decode()
    assert "Ma formation" in html
    assert "Prochaine étape : Posture d&#x27;accueil" in html
    assert reverse("formation:parcours", args=[monde.conseiller_a1.pk]) in html

    former(monde.conseiller_a1, monde.a1)
    html = client.get(reverse("bureau:accueil")).content.decode()
    assert "Ma formation" not in html


def test_la_demonstration_forme_la_plupart_des_agents(geographie):  # noqa: F811
    demo_reseau.peupler()
    bilan = demo_formation.peupler()
    assert bilan["sessions de formation"] == Session.objects.count() > 0
    from django.utils import timezone

    assert Session.objects.filter(debut__lt=timezone.localdate()).exists()
    assert Session.objects.filter(debut__gt=timezone.localdate()).exists()
    sites = services.sites_en_formation(demo_reseau.Structure.objects.filter(matricule__startswith=demo_reseau.PREFIXE))
    agents = sum(s.agents for s in sites)
    formes = sum(s.formes for s in sites)
    assert formes > agents * 0.7
    assert any(s.sous_le_seuil and s.agents >= 2 for s in sites)  # un agent encore en formation
    conseiller = UtilisateurFactory._meta.model.objects.get(email=f"conseiller@{demo_reseau.DOMAINE}")
    etat = services.etat_du_parcours(conseiller)
    assert not etat.forme and etat.prochaine.statut == "inscrit"

    # Relancée, elle remplace la précédente.
    demo_formation.nettoyer()
    assert not Session.objects.exists()
    assert HabilitationFactory._meta.model.objects.filter(role=Role.CONSEILLER).exists()
