"""Les blocs de « Mon espace » pour la labellisation, rôle par rôle."""

from datetime import timedelta

import pytest
from django.utils import timezone

from guichet.labellisation import accueil, services
from guichet.labellisation.models import Audit, Etape
from tests.labellisation.factories import mettre_a, monde_labellisation

pytestmark = pytest.mark.django_db


def chiffres(user):
    return {c.libelle: c.valeur for bloc in accueil.blocs(user) for c in bloc.chiffres}


def test_blocs_par_role():
    m = monde_labellisation()
    mettre_a(m.dossier, Etape.CANDIDATURE)
    audit = services.planifier_audit(
        m.dossier, m.prefecture, auditeur=m.auditeur, date_prevue=timezone.localdate() + timedelta(days=3)
    )
    Audit.objects.filter(pk=audit.pk).update(date_prevue=timezone.localdate() - timedelta(days=1))

    assert chiffres(m.auditeur) == {"audits à réaliser": 1, "dont date passée": 1}
    assert chiffres(m.prefecture) == {"sites labellisés": 0, "dossiers à instruire": 0, "audits en retard": 1}
    mettre_a(m.dossier, Etape.AUDIT_REALISE)
    assert chiffres(m.national)["avis de l'ANCT attendus"] == 1
    assert chiffres(m.prefecture_ailleurs)["audits en retard"] == 0
    for nom in ("conseiller", "referent", "sans_role", "autre_auditeur", "gestionnaire"):
        assert accueil.blocs(getattr(m, nom)) == [], nom
