from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from guichet.comptes.models import Role
from guichet.visites.models import CampagneVisites, Grille, Visite
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory
from tests.comptes.monde import construire_monde


@pytest.fixture
def visites(db):
    """Une campagne départementale (A) en cours : a1 visitée par l'évaluatrice, a2 par un autre auditeur."""
    v = SimpleNamespace(monde=construire_monde())
    m = v.monde
    v.evaluatrice = UtilisateurFactory(email="evaluatrice@example.fr")
    HabilitationFactory(utilisateur=v.evaluatrice, role=Role.AUDITEUR, departement=m.dep_b)
    v.autre_auditeur = UtilisateurFactory(email="autre-auditeur@example.fr")
    HabilitationFactory(utilisateur=v.autre_auditeur, role=Role.AUDITEUR, departement=m.dep_b)
    jour = timezone.localdate()
    v.grille = Grille.objects.get(code="2026")
    v.campagne = CampagneVisites.objects.create(
        titre="Visites de l'Ain",
        grille=v.grille,
        departement=m.dep_a,
        debut=jour - timedelta(days=20),
        fin=jour + timedelta(days=20),
        creee_par=m.prefecture_a,
    )
    v.prevue = jour + timedelta(days=3)
    v.visite_a1 = Visite.objects.create(
        campagne=v.campagne, structure=m.a1, evaluateur=v.evaluatrice, prevue_le=v.prevue
    )
    v.visite_a2 = Visite.objects.create(
        campagne=v.campagne, structure=m.a2, evaluateur=v.autre_auditeur, prevue_le=v.prevue
    )
    return v
