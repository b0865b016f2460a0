from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from guichet.reseau.templatetags.reseau_tags import jour_relatif


def test_jour_relatif():
    maintenant = timezone.localtime()
    assert jour_relatif(maintenant) == "aujourd'hui"
    assert jour_relatif(maintenant + timedelta(days=1)) == "demain"
    assert jour_relatif(datetime(2030, 1, 3, 9, tzinfo=maintenant.tzinfo)) == "jeudi 3 janvier"
    assert jour_relatif(None) == ""


@pytest.mark.parametrize("decalage", [2, 5])
def test_jour_relatif_plus_loin_donne_le_nom_du_jour(decalage):
    moment = timezone.localtime() + timedelta(days=decalage)
    assert jour_relatif(moment).split()[1:] == [str(moment.day), date_format(moment, "F")]
