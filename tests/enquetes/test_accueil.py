"""Les blocs de « Mon espace » : campagnes (national), questionnaires à remplir (agent), visites à faire
(évaluateur)."""

from datetime import timedelta

from django.utils import timezone

from guichet.accueil import blocs_pour
from guichet.comptes.models import Role
from guichet.visites.models import CampagneVisites, Grille, Visite
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory
from tests.enquetes.factories import CampagneFactory


def _chiffres(user, titre):
    bloc = next((b for b in blocs_pour(user) if b.titre == titre), None)
    return {c.libelle: c.valeur for c in bloc.chiffres} if bloc else None


def test_blocs_d_accueil(monde):
    CampagneFactory()
    CampagneFactory(a_venir=True)
    CampagneFactory(agents=True)
    assert _chiffres(monde.national, "Enquêtes annuelles") == {"campagnes ouvertes": 2, "campagnes à venir": 1}
    assert _chiffres(monde.conseiller_a1, "Enquêtes annuelles") == {"questionnaires à remplir": 1}
    assert _chiffres(monde.referent_caf_a, "Enquêtes annuelles") is None

    evaluateur = UtilisateurFactory()
    HabilitationFactory(utilisateur=evaluateur, role=Role.AUDITEUR, departement=monde.dep_b)
    jour = timezone.localdate()
    campagne = CampagneVisites.objects.create(
        titre="c",
        grille=Grille.objects.get(code="2026"),
        departement=monde.dep_a,
        debut=jour,
        fin=jour + timedelta(days=9),
    )
    Visite.objects.create(campagne=campagne, structure=monde.a1, evaluateur=evaluateur, prevue_le=jour)
    assert _chiffres(evaluateur, "Visites mystères") == {"visites à faire": 1, "visites saisies, corrigibles": 0}
    assert _chiffres(monde.prefecture_a, "Visites mystères") == {"campagnes de visites en cours": 1}
    assert _chiffres(monde.conseiller_a1, "Visites mystères") is None  # la structure ne sait rien d'avance
