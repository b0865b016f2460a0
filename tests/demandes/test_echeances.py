from datetime import UTC, date, datetime, timedelta

import pytest

from guichet.demandes import echeances
from guichet.demandes.echeances import (
    DELAI_HEURES,
    RAPPEL_HEURES,
    ajouter_heures_ouvrees,
    echeance,
    heures_ouvrees_entre,
    jours_feries,
    ouvre,
)
from guichet.temps import PARIS


def paris(annee, mois, jour, heure=0, minute=0):
    return datetime(annee, mois, jour, heure, minute, tzinfo=PARIS)


def test_constantes():
    assert DELAI_HEURES == 72
    assert RAPPEL_HEURES == 48


@pytest.mark.parametrize(
    "envoi, departement, attendu",
    [
        # Un lundi ordinaire : trois jours pleins plus tard.
        (paris(2026, 1, 5, 10), "01", paris(2026, 1, 8, 10)),
        # Un vendredi après-midi : le week-end ne compte pas (9 h + 24 + 24 + 15).
        (paris(2026, 1, 9, 15), "01", paris(2026, 1, 14, 15)),
        # Un samedi : le décompte part du lundi 0 h.
        (paris(2026, 1, 10, 11), "01", paris(2026, 1, 15, 0)),
        # Un dimanche soir, de même.
        (paris(2026, 1, 11, 23, 30), "01", paris(2026, 1, 15, 0)),
        # Lundi de Pâques (6 avril 2026).
        (paris(2026, 4, 3, 10), "01", paris(2026, 4, 9, 10)),
        # Ascension (jeudi 14 mai 2026).
        (paris(2026, 5, 12, 10), "01", paris(2026, 5, 18, 10)),
        # Lundi de Pentecôte (25 mai 2026).
        (paris(2026, 5, 22, 12), "01", paris(2026, 5, 28, 12)),
        # 14 juillet 2026 (un mardi).
        (paris(2026, 7, 13, 9), "01", paris(2026, 7, 17, 9)),
        # 15 août 2025 (un vendredi).
        (paris(2025, 8, 14, 8), "01", paris(2025, 8, 20, 8)),
        # Veille de Noël 2025 : Noël (jeudi) chômé, pas le 26 hors Alsace-Moselle.
        (paris(2025, 12, 24, 12), "01", paris(2025, 12, 30, 12)),
        # En Alsace-Moselle, le 26 décembre (vendredi) l'est aussi.
        (paris(2025, 12, 24, 12), "67", paris(2025, 12, 31, 12)),
        (paris(2025, 12, 24, 12), "68", paris(2025, 12, 31, 12)),
        (paris(2025, 12, 24, 12), "57", paris(2025, 12, 31, 12)),
        # Vendredi saint (3 avril 2026) : jour ouvré dans l'Ain, férié en Moselle (envoi un jour férié).
        (paris(2026, 4, 3, 10), "57", paris(2026, 4, 10, 0)),
        # Veille de jour férié : le 13 juillet au soir.
        (paris(2026, 7, 13, 22), "01", paris(2026, 7, 17, 22)),
    ],
)
def test_echeance(envoi, departement, attendu):
    resultat = echeance(envoi, departement)
    assert resultat == attendu
    assert resultat.tzinfo is not None and resultat.utcoffset() == attendu.utcoffset()
    # La réciproque : exactement 72 heures ouvrées entre l'envoi et l'échéance.
    assert heures_ouvrees_entre(envoi, resultat, departement) == timedelta(hours=72)


def test_passage_a_l_heure_d_ete():
    # Dimanche 29 mars 2026 : 2 h → 3 h. Envoi vendredi 15 h (UTC+1), échéance mercredi 15 h (UTC+2).
    envoi = paris(2026, 3, 27, 15)
    resultat = echeance(envoi, "01")
    assert resultat == paris(2026, 4, 1, 15)
    assert resultat.astimezone(UTC) == datetime(2026, 4, 1, 13, tzinfo=UTC)
    assert envoi.astimezone(UTC) == datetime(2026, 3, 27, 14, tzinfo=UTC)
    assert heures_ouvrees_entre(envoi, resultat, "01") == timedelta(hours=72)


def test_passage_a_l_heure_d_hiver():
    # Dimanche 25 octobre 2026 : 3 h → 2 h.
    envoi = paris(2026, 10, 23, 15)
    resultat = echeance(envoi, "01")
    assert resultat == paris(2026, 10, 28, 15)
    assert resultat.utcoffset() == timedelta(hours=1)
    # Le dimanche de 25 heures ne compte pas ; la semaine réelle est d'une heure plus longue.
    assert resultat.astimezone(UTC) - envoi.astimezone(UTC) == timedelta(days=5, hours=1)
    assert heures_ouvrees_entre(envoi, resultat, "01") == timedelta(hours=72)


def test_une_echeance_donnee_en_utc_est_la_meme():
    envoi = paris(2026, 1, 9, 15).astimezone(UTC)
    assert echeance(envoi, "01") == paris(2026, 1, 14, 15)


def test_un_instant_naif_est_lu_a_l_heure_de_paris():
    assert echeance(datetime(2026, 1, 9, 15), "01") == paris(2026, 1, 14, 15)


def test_rappel_a_48_heures():
    assert echeances.rappel(paris(2026, 1, 9, 15), "01") == paris(2026, 1, 13, 15)
    assert ajouter_heures_ouvrees(paris(2026, 1, 9, 15), 48, "01") == paris(2026, 1, 13, 15)


@pytest.mark.parametrize(
    "debut, fin, heures",
    [
        (paris(2026, 1, 9, 16), paris(2026, 1, 12, 10), 18),  # vendredi 16 h → lundi 10 h
        (paris(2026, 1, 10, 9), paris(2026, 1, 11, 18), 0),  # tout le week-end
        (paris(2026, 1, 5, 9), paris(2026, 1, 5, 9, 30), 0.5),
        (paris(2026, 4, 3, 0), paris(2026, 4, 7, 0), 24),  # vendredi (saint) 24 h, lundi de Pâques 0
        (paris(2026, 1, 5, 0), paris(2026, 1, 19, 0), 240),  # deux semaines pleines
    ],
)
def test_heures_ouvrees_entre(debut, fin, heures):
    assert heures_ouvrees_entre(debut, fin, "01") == timedelta(hours=heures)


def test_heures_ouvrees_entre_vendredi_saint_selon_le_departement():
    debut, fin = paris(2026, 4, 3, 0), paris(2026, 4, 7, 0)
    assert heures_ouvrees_entre(debut, fin, "01") == timedelta(hours=24)
    assert heures_ouvrees_entre(debut, fin, "57") == timedelta(0)


def test_heures_ouvrees_entre_negatif_si_inverse():
    assert heures_ouvrees_entre(paris(2026, 1, 6, 10), paris(2026, 1, 5, 10), "01") == -timedelta(hours=24)


@pytest.mark.parametrize("departement", ["57", "67", "68"])
def test_alsace_moselle_vendredi_saint_et_saint_etienne(departement):
    feries = jours_feries(2026, departement)
    assert feries[date(2026, 4, 3)] == "Vendredi saint"
    assert date(2026, 12, 26) in feries
    assert not ouvre(date(2026, 4, 3), departement)


@pytest.mark.parametrize("departement", ["01", "75", "2A", "69"])
def test_hors_alsace_moselle_ni_vendredi_saint_ni_26_decembre(departement):
    feries = jours_feries(2026, departement)
    assert date(2026, 4, 3) not in feries
    assert date(2026, 12, 26) not in feries
    assert ouvre(date(2026, 4, 3), departement)


def test_jours_feries_nationaux_2026():
    feries = jours_feries(2026, "01")
    assert set(feries) == {
        date(2026, 1, 1),
        date(2026, 4, 6),
        date(2026, 5, 1),
        date(2026, 5, 8),
        date(2026, 5, 14),
        date(2026, 5, 25),
        date(2026, 7, 14),
        date(2026, 8, 15),
        date(2026, 11, 1),
        date(2026, 11, 11),
        date(2026, 12, 25),
    }
    assert feries[date(2026, 7, 14)] == "Fête nationale"
    # Une copie : la modifier ne touche pas le cache.
    feries.clear()
    assert len(jours_feries(2026, "01")) == 11


# Dimanches de Pâques connus (calendrier grégorien), dont le plus précoce (23 mars 2008) et le plus tardif
# (25 avril 2038) de notre époque.
PAQUES = [
    date(2008, 3, 23),
    date(2024, 3, 31),
    date(2025, 4, 20),
    date(2026, 4, 5),
    date(2027, 3, 28),
    date(2030, 4, 21),
    date(2038, 4, 25),
]


@pytest.mark.parametrize("departement", ["57", "67", "68"])
@pytest.mark.parametrize("paques", PAQUES)
def test_alsace_moselle_vendredi_saint_et_26_decembre_chaque_annee(departement, paques):
    feries = jours_feries(paques.year, departement)
    vendredi_saint = paques - timedelta(days=2)
    assert feries[vendredi_saint] == "Vendredi saint"
    assert feries[date(paques.year, 12, 26)] == "Saint-Étienne"
    assert feries[paques + timedelta(days=1)] == "Lundi de Pâques"
    assert not ouvre(vendredi_saint, departement)
    # Le Vendredi saint reste ouvré ailleurs en métropole.
    assert ouvre(vendredi_saint, "54")


def test_outre_mer():
    assert date(2026, 5, 22) in jours_feries(2026, "972")  # abolition de l'esclavage en Martinique
    assert date(2026, 5, 22) not in jours_feries(2026, "01")


def test_ouvre():
    assert ouvre(date(2026, 1, 5), "01")  # lundi
    assert not ouvre(date(2026, 1, 10), "01")  # samedi
    assert not ouvre(date(2026, 1, 11), "01")  # dimanche
    assert not ouvre(date(2026, 5, 1), "01")
    assert ouvre(date(2026, 5, 1) + timedelta(days=3), "1")  # code sans zéro


def test_temps_restant():
    envoi = paris(2026, 1, 5, 10)
    assert echeances.temps_restant(envoi, "01", maintenant=paris(2026, 1, 6, 10)) == timedelta(hours=48)
    # En retard : négatif, week-end non compté.
    assert echeances.temps_restant(envoi, "01", maintenant=paris(2026, 1, 12, 10)) == -timedelta(hours=14 + 24 + 10)
