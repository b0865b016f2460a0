import pytest

from guichet.bureau import demo
from guichet.bureau.models import EtapeGuide, LienOperateur

pytestmark = pytest.mark.django_db


def test_peupler_compte_ce_qui_est_en_place():
    LienOperateur.objects.filter(operateur__code="urssaf").update(actif=False)
    comptes = demo.peupler()
    assert comptes["liens des opérateurs actifs"] == LienOperateur.objects.filter(actif=True).count()
    assert comptes["liens des opérateurs actifs"] < LienOperateur.objects.count()
    assert comptes["guides par événement de vie"] == len({e.evenement_id for e in EtapeGuide.objects.all()})
