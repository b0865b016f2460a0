"""L'engagement de réponse est une donnée par opérateur et par période : chaque demande garde celui qui
était en vigueur quand elle a été adressée à l'opérateur (échéance, rappels, « en retard », qualité)."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from guichet.demandes import relances, services
from guichet.demandes.models import Demande, EngagementDeReponse, Relance
from guichet.qualite.permissions import PerimetreQualite
from guichet.qualite.services import calculer
from tests.demandes.factories import LUNDI, PARIS, ouvrir

MARDI_10H = datetime(2026, 3, 10, 10, 0, tzinfo=PARIS)


@pytest.fixture
def charte(m):
    """La charte raccourcit l'engagement de la CAF à 48 heures ouvrées à partir du 10 mars 2026."""
    return EngagementDeReponse.objects.create(operateur=m.caf, heures=48, debut=date(2026, 3, 10), source="Charte")


def test_72_heures_pour_tous_par_la_migration(m):
    assert EngagementDeReponse.objects.get(operateur=None).heures == 72
    assert EngagementDeReponse.en_vigueur(m.caf.pk, LUNDI) == 72


def test_la_demande_garde_l_engagement_en_vigueur_a_son_routage(m, charte):
    avant = ouvrir(m)  # lundi 9 mars : 72 h
    apres = ouvrir(m, maintenant=MARDI_10H)  # mardi 10 mars : 48 h pour la CAF
    cpam = ouvrir(m, operateur=m.cpam, maintenant=MARDI_10H)  # la CPAM garde l'engagement commun
    assert (avant.delai_heures, apres.delai_heures, cpam.delai_heures) == (72, 48, 72)
    assert avant.echeance_le == datetime(2026, 3, 12, 10, 0, tzinfo=PARIS)
    assert apres.echeance_le == datetime(2026, 3, 12, 10, 0, tzinfo=PARIS)
    # Un engagement plus tard modifié ne change pas les échéances passées (pas de recalcul sans routage).
    charte.heures = 24
    charte.save()
    apres.appliquer_fil()
    assert Demande.objects.get(pk=apres.pk).delai_heures == 48
    # En retard à l'échéance propre à chacune.
    jeudi_midi = datetime(2026, 3, 12, 12, 0, tzinfo=PARIS)
    assert set(Demande.objects.en_retard(jeudi_midi)) == {avant, apres}


def test_reorientation_prend_l_engagement_du_nouvel_operateur(m, charte):
    demande = ouvrir(m, operateur=m.cpam, maintenant=MARDI_10H)
    services.rerouter(demande, m.referent_cpam_a, m.caf, maintenant=MARDI_10H + timedelta(hours=1))
    demande.refresh_from_db()
    assert (demande.operateur, demande.delai_heures) == (m.caf, 48)


def test_rappel_aux_deux_tiers_du_delai_en_vigueur(m, charte, django_capture_on_commit_callbacks):
    demande = ouvrir(m, maintenant=MARDI_10H)  # 48 h : rappel à 32 h ouvrées (mercredi 18 h)
    with django_capture_on_commit_callbacks(execute=True):
        assert relances.relancer(datetime(2026, 3, 11, 17, 59, tzinfo=PARIS)).rappels_48h == 0
        assert relances.relancer(datetime(2026, 3, 11, 18, 1, tzinfo=PARIS)).rappels_48h == 1
    assert Relance.objects.get(demande=demande).nature == Relance.Nature.RAPPEL_48H


def test_la_qualite_mesure_l_engagement_en_vigueur(m, charte):
    # Répondue 60 h ouvrées après : dans les 72 h de lundi, hors des 48 h de la charte.
    lundi = ouvrir(m)
    services.ecrire(lundi, m.referent_caf_a, "Réponse", maintenant=LUNDI + timedelta(hours=60))
    mardi = ouvrir(m, maintenant=MARDI_10H)
    services.ecrire(mardi, m.referent_caf_a, "Réponse", maintenant=MARDI_10H + timedelta(hours=60))
    t = calculer(
        PerimetreQualite(tout=True), date(2026, 3, 1), date(2026, 3, 31), maintenant=datetime(2026, 3, 20, tzinfo=PARIS)
    )
    assert (t.total.a_temps, t.total.issue_connue) == (1, 2)


def test_engagements_qui_se_chevauchent_refuses(m, charte):
    autre = EngagementDeReponse(operateur=m.caf, heures=24, debut=date(2026, 6, 1))
    with pytest.raises(ValidationError, match="couvre déjà"):
        autre.full_clean()
    charte.fin = date(2026, 5, 31)
    charte.save()
    autre.full_clean()
    with pytest.raises(ValidationError, match="précède"):
        EngagementDeReponse(operateur=m.caf, heures=24, debut=date(2027, 1, 2), fin=date(2027, 1, 1)).full_clean()
