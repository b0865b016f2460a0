"""Les chiffres des tableaux, comparés à des comptes faits sur les objets créés."""

from collections import Counter
from datetime import date

import pytest
from django.urls import reverse

from guichet.activite.models import Accompagnement
from guichet.statistiques import agregation, services
from guichet.statistiques.periodes import Periode
from tests.statistiques.comptage import compter, departement, jour, toutes_les_mesures
from tests.statistiques.factories import a_paris, accompagnements_au_hasard

pytestmark = pytest.mark.django_db

MESURES = toutes_les_mesures()


@pytest.fixture
def donnees(reseau):
    # Du 10 novembre 2025 au 18 mars 2026 (129 jours).
    accompagnements_au_hasard(reseau.structures, a_paris(2025, 11, 10, 0, 0), 129, 900)
    agregation.actualiser()
    return list(Accompagnement.objects.select_related("structure__commune"))


def dans(periode, a):
    return periode.debut <= jour(a) <= periode.fin


def total_attendu(objets, filtre):
    return compter([a for a in objets if filtre(a)], lambda a: None).get(None, Counter())


def sans_zero(d):
    return +Counter({k: v for k, v in d.items() if k in MESURES})


PERIODES = [
    Periode.mois(2026, 1),
    Periode.trimestre(2026, 1),
    Periode.dates(date(2025, 11, 20), date(2026, 3, 3)),  # mois entiers + bords au jour
    Periode.dates(date(2026, 2, 25), date(2026, 3, 2)),
    Periode.annee(2025),
]


@pytest.mark.parametrize("periode", PERIODES, ids=lambda p: p.libelle)
def test_totaux_a_chaque_echelle(donnees, reseau, periode):
    champs = {
        "national": (services.Champ.national(), lambda a: True),
        "ain": (services.Champ.du_departement(reseau.ain), lambda a: departement(a) == reseau.ain.pk),
        "caf_ain": (
            services.Champ.de_l_operateur(reseau.caf, frozenset({reseau.ain.pk})),
            lambda a: departement(a) == reseau.ain.pk and a.operateur_id == reseau.caf.pk,
        ),
        "titres_france": (
            services.Champ.de_l_operateur(reseau.titres),
            lambda a: a.operateur_id == reseau.titres.pk,
        ),
        "a1": (services.Champ.de_la_structure(reseau.a1), lambda a: a.structure_id == reseau.a1.pk),
    }
    for nom, (champ, filtre) in champs.items():
        attendu = total_attendu(donnees, lambda a, f=filtre: f(a) and dans(periode, a))
        assert attendu["nombre"] > 0, nom
        assert sans_zero(services.total(champ, periode)) == attendu, nom


@pytest.mark.parametrize("periode", PERIODES, ids=lambda p: p.libelle)
def test_repartitions(donnees, reseau, periode):
    objets = [a for a in donnees if dans(periode, a)]
    champ = services.Champ.national()
    cle_periode = (lambda a: jour(a)) if periode.grain == "jour" else (lambda a: jour(a).replace(day=1))
    for par, cle in [
        ("periode", cle_periode),
        ("operateur", lambda a: a.operateur_id),
        ("demarche", lambda a: a.demarche_id),
        ("departement", departement),
    ]:
        noms = MESURES if par != "demarche" else ["nombre", "resultat_resolu"]
        lu = {k: sans_zero({n: v[n] for n in noms}) for k, v in services.lire(champ, periode, par, noms).items()}
        attendu = {k: +Counter({n: v[n] for n in noms}) for k, v in compter(objets, cle).items()}
        assert lu == attendu, par
    # Une structure : lue dans les accompagnements eux-mêmes.
    a1 = services.Champ.de_la_structure(reseau.a1)
    lu = services.lire(a1, periode, "periode", ["nombre"])
    attendu = Counter(cle_periode(a) for a in objets if a.structure_id == reseau.a1.pk)
    assert {k: v["nombre"] for k, v in lu.items()} == attendu
    serie = services._bloc_serie(a1, periode)
    assert serie.total == sum(attendu.values()) > 0
    lu = services.lire(a1, periode, "operateur", ["nombre"])
    attendu = Counter(a.operateur_id for a in objets if a.structure_id == reseau.a1.pk)
    assert {k: v["nombre"] for k, v in lu.items()} == attendu
    # Par structure (tableau d'un département).
    lu = services.lire(services.Champ.du_departement(reseau.ain), periode, "structure", ["nombre"])
    attendu = Counter(a.structure_id for a in objets if departement(a) == reseau.ain.pk)
    assert {k: v["nombre"] for k, v in lu.items()} == attendu


def test_tableau_complet(donnees, reseau):
    periode = Periode.trimestre(2026, 1)
    t = services.tableau(services.Champ.du_departement(reseau.ain), periode)
    objets = [a for a in donnees if dans(periode, a) and departement(a) == reseau.ain.pk]
    precedents = [a for a in donnees if dans(periode.precedente(), a) and departement(a) == reseau.ain.pk]
    assert t.nombre == len(objets)
    assert t.total_precedent["nombre"] == len(precedents)
    assert t.evolution == round(100 * (len(objets) - len(precedents)) / len(precedents), 1)
    resolus = sum(a.resultat == "resolu" for a in objets)
    assert t.taux_resolu == round(100 * resolus / len(objets), 1)
    # La courbe a un point par mois, zéros compris, et somme au total.
    assert [ligne.libelle for ligne in t.serie.lignes] == ["janv. 2026", "févr. 2026", "mars 2026"]
    assert t.serie.total == len(objets)
    blocs = {b.code: b for b in t.blocs}
    assert blocs["operateur"].total == len(objets)
    assert blocs["demarche"].total == len(objets)
    canal = {ligne.libelle: ligne.nombre for ligne in blocs["canal"].lignes}
    assert canal["Téléphone"] == sum(a.canal == "telephone" for a in objets)
    age = {ligne.libelle: ligne.nombre for ligne in blocs["tranche_age"].lignes}
    assert age["Non renseignée"] == sum(a.tranche_age == "" for a in objets)
    assert sum(age.values()) == len(objets)
    # Comparaison : le département, puis la moyenne nationale par structure labellisée (3).
    dep, nat = t.comparaisons
    assert (dep.nombre, dep.structures) == (len(objets), 2)
    tous = [a for a in donnees if dans(periode, a)]
    assert (nat.nombre, nat.structures, nat.par_structure) == (len(tous), 3, round(len(tous) / 3))
    assert {ligne.cle for ligne in t.repartition.lignes} == {reseau.a1.pk, reseau.a2.pk}


def test_tableau_structure_compare_au_departement_et_au_pays(donnees, reseau):
    periode = Periode.mois(2026, 2)
    t = services.tableau(services.Champ.de_la_structure(reseau.a1), periode)
    structure, dep, nat = t.comparaisons
    objets = [a for a in donnees if dans(periode, a)]
    assert structure.nombre == sum(a.structure_id == reseau.a1.pk for a in objets)
    assert dep.nombre == sum(departement(a) == reseau.ain.pk for a in objets)
    assert dep.structures == 2
    assert nat.nombre == len(objets)
    assert t.repartition is None


def test_operateur_ne_voit_que_ses_demarches(donnees, reseau):
    t = services.tableau(services.Champ.de_l_operateur(reseau.caf, frozenset({reseau.ain.pk})), Periode.annee(2026))
    blocs = {b.code: b for b in t.blocs}
    assert [ligne.libelle for ligne in blocs["operateur"].lignes] == [reseau.caf.nom]
    assert {ligne.detail for ligne in blocs["demarche"].lignes} <= {reseau.caf.nom, ""}
    assert [ligne.libelle for ligne in t.repartition.lignes] == [str(reseau.ain)]


def test_moyennes_par_structure_active_de_meme_forme(donnees, reseau):
    from guichet.reseau.models import Structure
    from tests.reseau.factories import StructureFactory

    periode = Periode.mois(2026, 2)
    avant = services.tableau(services.Champ.de_la_structure(reseau.a1), periode).comparaisons
    # Une structure labellisée sans aucune saisie ne fait pas baisser la moyenne des structures actives.
    StructureFactory(commune=reseau.a1.commune, statut=Structure.Statut.LABELLISEE)
    apres = services.tableau(services.Champ.de_la_structure(reseau.a1), periode).comparaisons
    assert [(c.nombre, c.structures) for c in apres] == [(c.nombre, c.structures) for c in avant]
    assert "actives" in apres[1].libelle and "fixe" in apres[1].libelle


def test_tableau_d_operateur_divise_par_les_structures_actives(donnees, reseau):
    from guichet.reseau.models import Structure
    from tests.reseau.factories import StructureFactory

    periode = Periode.mois(2026, 2)
    champ = services.Champ.de_l_operateur(reseau.caf, frozenset({reseau.ain.pk}))
    avant = services.tableau(champ, periode).comparaisons
    # Des structures labellisées sans saisie ne comptent pas : ni dans l'Ain, ni dans le pays.
    StructureFactory(commune=reseau.a1.commune, statut=Structure.Statut.LABELLISEE)
    StructureFactory(commune=reseau.b.commune, statut=Structure.Statut.LABELLISEE)
    ain, nat = services.tableau(champ, periode).comparaisons
    assert [(c.nombre, c.structures) for c in (ain, nat)] == [(c.nombre, c.structures) for c in avant]
    objets = [a for a in donnees if dans(periode, a)]
    caf = [a for a in objets if a.operateur_id == reseau.caf.pk]
    actives_ain = {a.structure_id for a in objets if departement(a) == reseau.ain.pk}
    assert (ain.nombre, ain.structures) == (sum(departement(a) == reseau.ain.pk for a in caf), len(actives_ain))
    assert (nat.nombre, nat.structures) == (len(caf), len({a.structure_id for a in objets}))
    assert "structure active" in nat.libelle


def test_repartition_par_departement_sur_les_structures_actives(donnees, reseau):
    from guichet.reseau.models import Structure
    from tests.reseau.factories import StructureFactory

    StructureFactory(commune=reseau.b.commune, statut=Structure.Statut.LABELLISEE)  # sans activité
    periode = Periode.mois(2026, 1)
    t = services.tableau(services.Champ.national(), periode)
    objets = [a for a in donnees if dans(periode, a)]
    lignes = {ligne.cle: ligne for ligne in t.repartition.lignes}
    for dep in (reseau.ain, reseau.aisne):
        actives = {a.structure_id for a in objets if departement(a) == dep.pk}
        nombre = sum(departement(a) == dep.pk for a in objets)
        assert (lignes[dep.code].structures, lignes[dep.code].nombre) == (len(actives), nombre)
        assert lignes[dep.code].par_structure == round(nombre / len(actives))


def test_carte_des_departements(donnees, reseau):
    from guichet.statistiques.carte import COULEURS, SANS_ACTIVITE

    periode = Periode.mois(2026, 1)
    t = services.tableau(services.Champ.national(), periode)
    donnees_carte = t.carte.donnees()
    assert donnees_carte["fond"] == reverse("reseau:fond_index")
    assert set(donnees_carte["departements"]) == {"01", "02"}
    ain = donnees_carte["departements"]["01"]
    par_structure = next(ligne for ligne in t.repartition.lignes if ligne.cle == "01").par_structure
    assert ain["couleur"] in COULEURS and f"{par_structure} accompagnements par structure active" in ain["texte"]
    # Deux valeurs, deux classes : la plus claire et la plus foncée.
    assert [c.couleur for c in t.carte.classes] == sorted(
        {d["couleur"] for d in donnees_carte["departements"].values()}, key=COULEURS.index
    )
    assert SANS_ACTIVITE not in COULEURS
    # Ni le tableau d'un département, ni celui d'un opérateur dans un département n'ont de carte.
    assert services.tableau(services.Champ.du_departement(reseau.ain), periode).carte is None
    champ = services.Champ.de_l_operateur(reseau.caf, frozenset({reseau.ain.pk}))
    assert services.tableau(champ, periode).carte is None
    assert services.tableau(services.Champ.de_l_operateur(reseau.caf), periode).carte is not None


@pytest.mark.parametrize(
    ("valeurs", "attendu"),
    [
        ([], []),
        ([7, 7, 7], [(7, 7)]),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10)]),
        ([5, 1, 1, 1, 1, 1, 1, 1, 1, 40], [(1, 1), (5, 40)]),
        # Une valeur répétée à la limite de deux tranches ne fait pas perdre une classe.
        ([1, 2, 3, 3, 3, 4, 5, 6, 7, 8], [(1, 2), (3, 3), (4, 4), (5, 6), (7, 8)]),
    ],
)
def test_classes_de_la_carte(valeurs, attendu):
    from guichet.statistiques.carte import COULEURS, classes

    resultat = classes(valeurs)
    assert [(c.minimum, c.maximum) for c in resultat] == attendu
    if len(resultat) > 1:
        assert (resultat[0].couleur, resultat[-1].couleur) == (COULEURS[0], COULEURS[-1])
    # Chaque valeur tombe dans une classe et une seule.
    for v in valeurs:
        assert sum(c.minimum <= v <= c.maximum for c in resultat) == 1


def test_onglets_du_detail_rangent_chaque_bloc_une_fois(donnees, reseau):
    t = services.tableau(services.Champ.national(), Periode.mois(2026, 1))
    ranges = [bloc.code for _, _, blocs in t.onglets for bloc in blocs]
    assert sorted(ranges) == sorted(bloc.code for bloc in t.blocs)
    assert [code for code, _, _ in t.onglets] == ["demarches", "accompagnement", "usagers"]
