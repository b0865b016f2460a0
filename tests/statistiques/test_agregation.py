"""Les agrégats comparés à des comptes faits à la main sur les objets créés."""

from collections import Counter
from datetime import date, timedelta

import pytest

from guichet.activite.models import Accompagnement
from guichet.statistiques import agregation
from guichet.statistiques.models import (
    ActiviteJour,
    ActiviteMois,
    DemarcheJour,
    DemarcheJourFrance,
    DemarcheMois,
    EtatAgregats,
    JourARecalculer,
    StructureDemarcheMois,
    StructureJour,
)
from tests.activite.factories import AccompagnementFactory
from tests.statistiques.comptage import compter, departement, jour, toutes_les_mesures
from tests.statistiques.factories import a_paris, accompagnements_au_hasard

pytestmark = pytest.mark.django_db

MESURES = toutes_les_mesures()


def lu(modele, cles, mesures=MESURES):
    """{clé: Counter} lu dans une table d'agrégats (les mesures nulles sont retirées)."""
    resultat = {}
    for ligne in modele.objects.values(*cles, *mesures):
        cle = tuple(ligne[c] for c in cles)
        assert cle not in resultat, f"ligne en double dans {modele.__name__} : {cle}"
        resultat[cle] = +Counter({m: ligne[m] for m in mesures})
    return resultat


def attendu(accompagnements, cle, mesures=MESURES):
    return {k: +Counter({m: v[m] for m in mesures}) for k, v in compter(accompagnements, cle).items()}


def mois(a):
    return jour(a).replace(day=1)


def verifier(accompagnements):
    vivants = list(Accompagnement.objects.select_related("structure__commune"))
    assert len(vivants) == len(accompagnements)
    courts = ["nombre", "resultat_resolu"]
    assert lu(ActiviteJour, ["jour", "departement_id", "operateur_id"]) == attendu(
        vivants, lambda a: (jour(a), departement(a), a.operateur_id)
    )
    assert lu(ActiviteMois, ["mois", "departement_id", "operateur_id"]) == attendu(
        vivants, lambda a: (mois(a), departement(a), a.operateur_id)
    )
    assert lu(DemarcheJour, ["jour", "departement_id", "operateur_id", "demarche_id"], courts) == attendu(
        vivants, lambda a: (jour(a), departement(a), a.operateur_id, a.demarche_id), courts
    )
    assert lu(DemarcheJourFrance, ["jour", "operateur_id", "demarche_id"], courts) == attendu(
        vivants, lambda a: (jour(a), a.operateur_id, a.demarche_id), courts
    )
    assert lu(DemarcheMois, ["mois", "departement_id", "operateur_id", "demarche_id"], courts) == attendu(
        vivants, lambda a: (mois(a), departement(a), a.operateur_id, a.demarche_id), courts
    )
    assert lu(StructureJour, ["jour", "structure_id", "departement_id"]) == attendu(
        vivants, lambda a: (jour(a), a.structure_id, departement(a))
    )
    cles = ["mois", "structure_id", "departement_id", "operateur_id", "demarche_id"]
    assert lu(StructureDemarcheMois, cles, courts) == attendu(
        vivants, lambda a: (mois(a), a.structure_id, departement(a), a.operateur_id, a.demarche_id), courts
    )


def test_recalcul_complet_egal_aux_comptes_faits_a_la_main(reseau):
    objets = accompagnements_au_hasard(reseau.structures, a_paris(2025, 12, 20, 0, 0), 45, 600)
    bilan = agregation.actualiser()
    assert bilan.complet
    assert bilan.lignes > 0
    verifier(objets)
    # Quelques chiffres écrits en clair, pour que l'égalité ci-dessus ne soit pas vide.
    assert ActiviteJour.objects.count() > 50
    assert sum(ActiviteMois.objects.values_list("nombre", flat=True)) == 600
    assert {m for m in ActiviteMois.objects.values_list("mois", flat=True)} == {
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    }


def test_le_jour_est_celui_de_paris(reseau):
    # 31 décembre 23 h 30 à Paris = 22 h 30 UTC : jour du 31 ; 1er janvier 0 h 30 à Paris = 31 décembre UTC.
    AccompagnementFactory(structure=reseau.a1, le=a_paris(2025, 12, 31, 23, 30))
    AccompagnementFactory(structure=reseau.a1, le=a_paris(2026, 1, 1, 0, 30))
    agregation.actualiser()
    assert dict(ActiviteJour.objects.values_list("jour", "nombre")) == {date(2025, 12, 31): 1, date(2026, 1, 1): 1}
    assert dict(ActiviteMois.objects.values_list("mois", "nombre")) == {date(2025, 12, 1): 1, date(2026, 1, 1): 1}


def test_mise_a_jour_incrementale_ajouts_corrections_suppressions(reseau):
    objets = accompagnements_au_hasard(reseau.structures, a_paris(2026, 3, 1, 0, 0), 20, 300)
    agregation.actualiser()
    verifier(objets)
    etat = EtatAgregats.courant()
    # Le dernier calcul est ancien : les écritures qui suivent sont à prendre en compte.
    EtatAgregats.objects.filter(pk=1).update(jusqu_a=etat.jusqu_a - timedelta(hours=1))
    Accompagnement.objects.filter(pk__in=[a.pk for a in objets]).update(modifie_le=etat.jusqu_a - timedelta(hours=2))

    # Ajouts un par un et en masse (bulk_create), sur d'autres jours.
    ajoutes = [AccompagnementFactory(structure=reseau.b, le=a_paris(2026, 4, 2, 9))]
    ajoutes += accompagnements_au_hasard(reseau.structures, a_paris(2026, 4, 10), 3, 40, graine=2)
    # Correction : un accompagnement change de jour, de structure et de résultat.
    deplace = Accompagnement.objects.get(pk=objets[0].pk)
    ancien_jour = jour(deplace)
    deplace.le = a_paris(2026, 5, 5, 11)
    deplace.structure = reseau.b
    deplace.resultat = "non_resolu"
    deplace.save()
    assert JourARecalculer.objects.filter(jour=ancien_jour, structure=objets[0].structure).exists()
    # Suppressions une à une (signal post_delete).
    supprimes = objets[1:4]
    for a in supprimes:
        Accompagnement.objects.get(pk=a.pk).delete()
    assert JourARecalculer.objects.count() >= 1

    simulation = agregation.actualiser(ecrire=False)
    assert not simulation.complet
    jours_attendus = {ancien_jour, date(2026, 4, 2), date(2026, 5, 5)} | {jour(a) for a in supprimes}
    jours_attendus |= {jour(a) for a in ajoutes}
    jours_simules = {
        debut + timedelta(days=i) for debut, fin in simulation.plages for i in range((fin - debut).days + 1)
    }
    assert jours_simules == jours_attendus

    bilan = agregation.actualiser()
    assert not bilan.complet
    assert bilan.jours == len(jours_attendus)
    assert not JourARecalculer.objects.exists()
    verifier(objets[4:] + ajoutes + [deplace])


def test_simulation_n_ecrit_rien(reseau):
    accompagnements_au_hasard(reseau.structures, a_paris(2026, 3, 1, 0, 0), 5, 20)
    bilan = agregation.actualiser(ecrire=False)
    assert bilan.complet and bilan.jours == 5
    assert not ActiviteJour.objects.exists()
    assert EtatAgregats.courant().jusqu_a is None


def test_recalcul_sans_changement_ne_refait_rien(reseau):
    accompagnements_au_hasard(reseau.structures, a_paris(2026, 3, 1, 0, 0), 5, 20)
    agregation.actualiser()
    EtatAgregats.objects.filter(pk=1).update(jusqu_a=EtatAgregats.courant().jusqu_a + agregation.MARGE)
    assert agregation.actualiser().jours == 0


def test_base_vide(db):
    bilan = agregation.actualiser()
    assert bilan.jours == 0 and bilan.lignes == 0
    assert EtatAgregats.courant().jusqu_a is not None


def test_plages():
    j = date(2026, 1, 1)
    jours = [j, j + timedelta(days=1), j + timedelta(days=2), j + timedelta(days=6)]
    assert agregation.plages(jours) == [(j, j + timedelta(days=2)), (j + timedelta(days=6), j + timedelta(days=6))]
    assert agregation.plages([]) == []
