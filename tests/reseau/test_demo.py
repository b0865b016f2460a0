"""Le réseau de démonstration : une structure par ville, des passages dans d'autres communes, aux bons points."""

import pytest
import shapely

from guichet.reseau import demo
from guichet.reseau.models import Passage, Structure
from tests.territoires.factories import CantonFactory, CommuneFactory, DepartementFactory


@pytest.fixture
def geographie(db):
    for code in ("01", "19", "74"):
        departement = DepartementFactory(code=code)
        for i in range(8):
            commune = CommuneFactory(departement=departement, latitude=45 + i * 0.05, longitude=5 + i * 0.05)
            if i < 3:
                CantonFactory(departement=departement, bureau_centralisateur=commune)


def structures_demo():
    return Structure.objects.filter(matricule__startswith=demo.PREFIXE)


def test_une_structure_par_ville_meme_si_elle_centralise_plusieurs_cantons(geographie):
    brive = CommuneFactory(
        nom="Brive-la-Gaillarde", departement=DepartementFactory(code="19"), latitude=45.16, longitude=1.53
    )
    for _ in range(4):
        CantonFactory(departement=brive.departement, bureau_centralisateur=brive)
    bilan = demo.peupler()
    assert bilan["structures"] == 10 == structures_demo().count()
    assert structures_demo().filter(commune=brive).count() == 1
    adresses = list(structures_demo().values_list("commune", "adresse"))
    assert len(adresses) == len(set(adresses))


def test_bus_et_permanences_dans_des_communes_distinctes_sans_france_services(geographie):
    bilan = demo.peupler()
    passages = Passage.objects.filter(structure__in=structures_demo())
    assert bilan["arrêts et permanences"] == passages.count() == 10
    communes = list(passages.values_list("commune", flat=True))
    assert len(communes) == len(set(communes))  # chaque commune servie une fois
    assert not set(communes) & set(structures_demo().values_list("commune", flat=True))
    arrets = passages.filter(structure__forme=Structure.Forme.ITINERANTE)
    assert len(set(arrets.values_list("lieu", flat=True))) > 1  # pas tous « Place de la mairie »
    assert set(arrets.values_list("lieu", flat=True)) <= set(demo.LIEUX_ARRET)
    permanences = passages.filter(structure__forme=Structure.Forme.MULTISITE)
    assert set(permanences.values_list("lieu", flat=True)) <= set(demo.LIEUX_PERMANENCE)
    assert not passages.filter(latitude=None).exists()


def test_structure_posee_au_point_verifie_de_sa_commune(geographie):
    # Une mairie au signe de longitude perdu (comme Carnac dans les données) : la structure va en Bretagne.
    carre = shapely.box(-3.12, 47.55, -3.03, 47.65)
    carnac = CommuneFactory(
        nom="Carnac",
        departement=DepartementFactory(code=demo.DEPARTEMENT_DEMO),
        latitude=47.584606,
        longitude=3.078243,
        contour=shapely.geometry.mapping(carre),
    )
    CantonFactory(departement=carnac.departement, bureau_centralisateur=carnac)
    demo.peupler()
    structure = structures_demo().get(commune=carnac)
    assert (structure.latitude, structure.longitude) == (47.584606, -3.078243)


def test_relancer_remplace_sans_doublon(geographie):
    premier = demo.peupler()
    assert demo.peupler() == premier
    assert structures_demo().count() == premier["structures"]


def test_sans_geographie_message_clair(db):
    with pytest.raises(RuntimeError, match="import_territoires"):
        demo.peupler()


def test_indicatif_telephonique_de_la_region():
    from types import SimpleNamespace

    def departement(code, region):
        return SimpleNamespace(code=code, region=SimpleNamespace(code=region))

    assert demo.indicatif(departement("75", "11")) == "01"
    assert demo.indicatif(departement("35", "53")) == "02"
    assert demo.indicatif(departement("67", "44")) == "03"
    assert demo.indicatif(departement("01", "84")) == "04"
    assert demo.indicatif(departement("34", "76")) == "04"  # l'est de l'Occitanie
    assert demo.indicatif(departement("31", "76")) == "05"
    assert demo.indicatif(departement("19", "75")) == "05"


def test_telephones_des_structures_a_l_indicatif_de_leur_region(geographie):
    demo.peupler()
    for structure in structures_demo().select_related("commune__departement__region"):
        assert structure.telephone.startswith(demo.indicatif(structure.commune.departement) + " ")
