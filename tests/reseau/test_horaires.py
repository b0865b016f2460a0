import datetime
import io
import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command

from guichet.reseau.horaires import (
    JOURS,
    PARIS,
    CreneauRdv,
    Intervalle,
    Lecture,
    Semaine,
    lire_jour,
    lire_semaine,
    lire_texte,
)

UTC = datetime.UTC


def t(texte: str) -> datetime.time:
    return datetime.time.fromisoformat(texte)


def iv(texte: str) -> Intervalle:
    """ "09:00-12:00" -> Intervalle ; "09:00-12:00 rdv" -> sur rendez-vous."""
    heures, _, rdv = texte.partition(" ")
    debut, fin = heures.split("-")
    return Intervalle(t(debut), t(fin), sur_rdv=rdv == "rdv")


def courts(creneaux: list[Intervalle] | None) -> list[str] | None:
    if creneaux is None:
        return None
    return [intervalle.osm() + (" rdv" if intervalle.sur_rdv else "") for intervalle in creneaux]


MATIN_APRES_MIDI = ["09:00-12:00", "14:00-17:00"]


# --- lire_jour : ce qui se lit sans reste --------------------------------------------------------


@pytest.mark.parametrize(
    ("cellule", "attendu"),
    [
        ("9h - 12h / 14h – 17h", MATIN_APRES_MIDI),
        ("08:30 - 12:00 / 13:30 - 17:00", ["08:30-12:00", "13:30-17:00"]),
        ("8h30-12h/13h30-16h30", ["08:30-12:00", "13:30-16:30"]),
        ("9h-12h sur RDV", ["09:00-12:00 rdv"]),
        ("9h à 12h et 14h à 17h", MATIN_APRES_MIDI),
        ("9H00-12H00", ["09:00-12:00"]),
        ("9h-12h ; 14h-17h", MATIN_APRES_MIDI),
        ("9h-12h, 14h-17h", MATIN_APRES_MIDI),
        ("de 9h à 12h30", ["09:00-12:30"]),
        ("9h30 – 12h 13h30 – 17h", ["09:30-12:00", "13:30-17:00"]),
        ("9h - 12h30 13h30 - 17h", ["09:00-12:30", "13:30-17:00"]),
        ("9h-17h (journée continue)", ["09:00-17:00"]),
        ("14h-17h sur rendez-vous", ["14:00-17:00 rdv"]),
        ("Matin : 9h-12h", ["09:00-12:00"]),
        ("Matin : 9h-12h / Après-midi : 14h-17h", MATIN_APRES_MIDI),
        ("12h-14h", ["12:00-14:00"]),
        ("9 h - 12 h", ["09:00-12:00"]),
        ("De 9 heures à 12 heures", ["09:00-12:00"]),
        ("9h à midi", ["09:00-12:00"]),
        ("9-12h", ["09:00-12:00"]),
        ("9h00 - 12h00 / 13h30 - 16h30", ["09:00-12:00", "13:30-16:30"]),
        ("9h30-12h - 13h30-17h", ["09:30-12:00", "13:30-17:00"]),
        ("14h-17h / 9h-12h", MATIN_APRES_MIDI),  # remis dans l'ordre
        ("Sur RDV : 14h-17h", ["14:00-17:00 rdv"]),
        ("9h-12h (sur RDV)", ["09:00-12:00 rdv"]),
        ("10h-12h30 sur rendez-vous / 13h30-16h30", ["10:00-12:30 rdv", "13:30-16:30"]),
        ("9h-12h et de 14h à 17h uniquement sur rendez-vous", ["09:00-12:00", "14:00-17:00 rdv"]),
        # espaces insécables et fines, tirets de toutes sortes
        ("9h\u00a0-\u00a012h\u202f/\u202f14h-17h", MATIN_APRES_MIDI),
        ("9h\u201012h / 14h\u201117h", MATIN_APRES_MIDI),
        ("9h\u201212h \u2014 14h\u221217h", MATIN_APRES_MIDI),
        ("9h \u2013 12h\n14h \u2013 17h", MATIN_APRES_MIDI),
        # « 13 h 30 » de la liste nationale, avec des suites d'espaces dans le créneau
        ("13 h 30   \u2013 17 h", ["13:30-17:00"]),
        ("9 h 00 - 12 h 00 / 13 h 30   \u2013 17 h", ["09:00-12:00", "13:30-17:00"]),
        ("09 h 30\u00a0\u00a0-\u00a0\u00a012 h", ["09:30-12:00"]),
    ],
)
def test_lire_jour_creneaux(cellule, attendu):
    creneaux, non_lus = lire_jour(cellule)
    assert courts(creneaux) == attendu
    assert non_lus == []


@pytest.mark.parametrize(
    "cellule",
    [
        "-",
        "–",
        "—",
        "--",
        "Fermé",
        "fermé",
        "FERME",
        "Fermée",
        "Fermé au public",
        "Fermé.",
        "Espace fermé ce jour",
        "Espace fermé ce jour.",
        "ESPACE FERME CE JOUR",
        "Fermé ce jour",
        "Fermé toute la journée",
    ],
)
def test_lire_jour_ferme(cellule):
    assert lire_jour(cellule) == ([], [])


@pytest.mark.parametrize("cellule", [None, "", "   ", "\u00a0", "NA", "N/A", "NC", "?", "Horaires non communiqués"])
def test_lire_jour_inconnu_sans_rien_rapporter(cellule):
    assert lire_jour(cellule) == (None, [])


# --- lire_jour : ce qui est rapporté -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cellule", "attendu", "non_lus"),
    [
        ("9h-12h / après-midi sur RDV", ["09:00-12:00"], ["après-midi sur RDV"]),
        ("9h-12h / 14h-17h (sauf 1er lundi du mois)", MATIN_APRES_MIDI, ["(sauf 1er lundi du mois)"]),
        ("9h-12h / 14h-17h sauf vacances scolaires", MATIN_APRES_MIDI, ["sauf vacances scolaires"]),
        ("9h-12h, 10h-11h", ["09:00-12:00"], ["10h-11h"]),  # chevauchement : rapporté, pas fusionné
        ("9h-12h / 9h-12h", ["09:00-12:00"], ["9h-12h"]),
        ("9h-12h / 14h-12h", ["09:00-12:00"], ["14h-12h"]),
        ("9h-12h 14h", ["09:00-12:00"], ["14h"]),
        ("Fermé le matin / 14h-17h", ["14:00-17:00"], ["Fermé le matin"]),
        ("9h-17h, fermé de 12h à 14h", ["09:00-17:00"], ["fermé de 12h à 14h"]),
    ],
)
def test_lire_jour_garde_ce_qui_est_lu_et_rapporte_le_reste(cellule, attendu, non_lus):
    creneaux, rapportes = lire_jour(cellule)
    assert courts(creneaux) == attendu
    assert rapportes == non_lus


@pytest.mark.parametrize(
    "cellule",
    [
        "24h/24",
        "14h-12h",  # fin avant début : pas retourné en silence
        "25h-26h",
        "9h-25h",
        "9h-12h75",
        "20h-minuit",
        "Sur RDV",
        "Uniquement sur rendez-vous",
        "1-5",  # heures nues ambiguës (13h-17h ?) : refusées
        "15-31",
        "Permanence CAF le jeudi",
        "Matin",
        "Fermé de 12h à 14h",  # jamais lu comme une ouverture
    ],
)
def test_lire_jour_rien_de_lu_donne_inconnu_et_rapporte_tout(cellule):
    assert lire_jour(cellule) == (None, [cellule])


def test_lire_jour_heures_nues_acceptees_mais_rapportees_comme_devinees():
    creneaux, non_lus = lire_jour("9-12 / 14-17")
    assert courts(creneaux) == MATIN_APRES_MIDI
    assert non_lus == ["9-12 (deviné : 09:00-12:00)", "14-17 (deviné : 14:00-17:00)"]


@pytest.mark.parametrize(
    ("cellule", "attendu"),
    [
        ("8h30/12h-13h30/17h", ["08:30-12:00", "13:30-17:00"]),
        ("9h00/12h00 et 14h00/17h00", MATIN_APRES_MIDI),
    ],
)
def test_lire_jour_barre_entre_debut_et_fin_est_devinee(cellule, attendu):
    creneaux, non_lus = lire_jour(cellule)
    assert courts(creneaux) == attendu
    assert non_lus == [f"{cellule} (deviné : {', '.join(attendu)})"]


def test_lire_jour_barre_impossible_n_est_pas_devinee():
    assert lire_jour("12h/9h") == (None, ["12h/9h"])


def test_lire_jour_rdv_se_rattache_au_creneau_qu_il_suit():
    creneaux, non_lus = lire_jour("9h-12h sur RDV 14h-17h")
    assert courts(creneaux) == ["09:00-12:00 rdv", "14:00-17:00"]
    assert non_lus == []


def test_lire_jour_rapporte_le_texte_normalise():
    assert lire_jour("9h-12h /\u00a0après-midi\u202fsur RDV") == ([iv("09:00-12:00")], ["après-midi sur RDV"])


# --- Intervalle, Lecture --------------------------------------------------------------------------


def test_intervalle_minutes_et_ordre():
    assert iv("08:30-12:15").minutes == 225
    assert sorted([iv("14:00-17:00"), iv("09:00-12:00")]) == [iv("09:00-12:00"), iv("14:00-17:00")]
    assert iv("09:00-12:00").contient(t("09:00"))
    assert not iv("09:00-12:00").contient(t("12:00"))


SEMAINE_ANCT = {
    "lundi": "9h - 12h / 14h – 17h",
    "mardi": "9h-12h / 14h-17h sur RDV",
    "mercredi": "9h-12h",
    "jeudi": "Fermé",
    "vendredi": "08:30 - 12:00 / 13:30 - 16:30",
    "samedi": "9h-12h",
    "dimanche": "-",
}


def test_lire_semaine_complete():
    lecture = lire_semaine(SEMAINE_ANCT)
    assert {JOURS[j]: courts(c) for j, c in lecture.jours.items()} == {
        "lundi": MATIN_APRES_MIDI,
        "mardi": ["09:00-12:00", "14:00-17:00 rdv"],
        "mercredi": ["09:00-12:00"],
        "jeudi": [],
        "vendredi": ["08:30-12:00", "13:30-16:30"],
        "samedi": ["09:00-12:00"],
        "dimanche": [],
    }
    assert lecture.non_lus == []
    assert lecture.weekly_minutes == 360 + 360 + 180 + 0 + 390 + 180
    assert lecture.days_open == 5
    assert lecture.by_appointment == [CreneauRdv(1, iv("14:00-17:00 rdv"))]
    assert lecture.opening_hours() == (
        'Mo 09:00-12:00,14:00-17:00; Tu,We,Sa 09:00-12:00; Fr 08:30-12:00,13:30-16:30, Tu 14:00-17:00 "sur rendez-vous"'
    )


def test_lire_semaine_jours_inconnus_et_non_lus_prefixes():
    lecture = lire_semaine(
        {"lundi": "9h-12h (sauf 1er lundi du mois)", "mardi": "NA", "mercredi": None, "jeudi": "24h/24"}
    )
    assert lecture.jours == {0: [iv("09:00-12:00")]}
    assert lecture.non_lus == ["lundi : (sauf 1er lundi du mois)", "jeudi : 24h/24"]
    assert lecture.weekly_minutes is None
    assert lecture.days_open == 1
    assert lecture.opening_hours() == "Mo 09:00-12:00; Tu-Su unknown"


def test_lire_semaine_de_la_liste_nationale_sans_dimanche_reste_inconnue_le_dimanche():
    cellules = {nom: "9h-12h" for nom in JOURS[:5]} | {"samedi": "Fermé"}
    lecture = lire_semaine(cellules)
    assert lecture.weekly_minutes is None
    assert lire_semaine(cellules | {"dimanche": "Fermé"}).weekly_minutes == 5 * 180


def test_lire_semaine_horaires_non_communiques_partout():
    lecture = lire_semaine({nom: "Horaires non communiqués" for nom in JOURS})
    assert lecture.jours == {}
    assert lecture.weekly_minutes is None
    assert lecture.days_open == 0
    assert lecture.opening_hours() == ""


@pytest.mark.parametrize(
    ("jours", "attendu"),
    [
        ({j: [iv("09:00-12:00")] for j in range(5)} | {5: [], 6: []}, "Mo-Fr 09:00-12:00"),
        (
            {j: [iv("09:00-12:00"), iv("14:00-17:00")] for j in range(5)} | {5: [iv("09:00-12:00")], 6: []},
            "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00",
        ),
        (
            {0: [iv("09:00-12:00")], 1: [], 2: [iv("09:00-12:00")], 3: [], 4: [], 5: [], 6: []},
            "Mo,We 09:00-12:00",
        ),
        ({j: [] for j in range(5)} | {5: [iv("10:00-12:00")], 6: [iv("10:00-12:00")]}, "Sa,Su 10:00-12:00"),
        ({0: [iv("09:00-12:00 rdv")]} | {j: [] for j in range(1, 7)}, 'Mo 09:00-12:00 "sur rendez-vous"'),
        (
            {0: [iv("09:00-12:00"), iv("14:00-17:00 rdv")], 1: [iv("09:00-12:00"), iv("14:00-17:00 rdv")]}
            | {j: [] for j in range(2, 7)},
            'Mo,Tu 09:00-12:00, Mo,Tu 14:00-17:00 "sur rendez-vous"',
        ),
        ({j: [] for j in range(7)}, "off"),
        ({j: [iv("09:00-12:00")] for j in range(5)}, "Mo-Fr 09:00-12:00; Sa,Su unknown"),
        ({}, ""),
    ],
)
def test_opening_hours(jours, attendu):
    assert Lecture(jours, []).opening_hours() == attendu


def test_lecture_d_un_seul_jour():
    lecture = Lecture({0: [iv("09:00-12:00"), iv("14:00-17:00 rdv")]}, [], portee=(0,))
    assert lecture.weekly_minutes == 360
    assert lecture.days_open == 1
    assert lecture.opening_hours() == 'Mo 09:00-12:00, Mo 14:00-17:00 "sur rendez-vous"'
    assert Lecture({2: []}, [], portee=(2,)).opening_hours() == "We off"
    assert Lecture({}, [], portee=(2,)).weekly_minutes is None


def test_to_json():
    lecture = Lecture(
        {0: [iv("09:00-12:00"), iv("14:00-17:00 rdv")], 1: [], 2: [], 3: [], 4: [], 5: []}, ["lundi : 24h/24"]
    )
    assert lecture.to_json() == {
        "opening_hours": 'Mo 09:00-12:00, Mo 14:00-17:00 "sur rendez-vous"; Su unknown',
        "weekly_minutes": None,
        "days_open": 1,
        "unparsed": ["lundi : 24h/24"],
        "by_appointment": [{"jour": "lundi", "debut": "14:00", "fin": "17:00"}],
        "jours": {
            "lundi": [
                {"debut": "09:00", "fin": "12:00", "sur_rdv": False},
                {"debut": "14:00", "fin": "17:00", "sur_rdv": True},
            ],
            "mardi": [],
            "mercredi": [],
            "jeudi": [],
            "vendredi": [],
            "samedi": [],
            "dimanche": None,
        },
    }


# --- lire_texte -------------------------------------------------------------------------------------

LUNDI_VENDREDI = {j: MATIN_APRES_MIDI for j in range(5)} | {5: [], 6: []}


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("Du lundi au vendredi de 9h à 12h et de 14h à 17h", LUNDI_VENDREDI),
        ("Lundi au vendredi : 9h-12h / 14h-17h", LUNDI_VENDREDI),
        ("De 9h à 12h et de 14h à 17h du lundi au vendredi", LUNDI_VENDREDI),
        ("Ouvert du lundi au vendredi, 9h - 12h / 14h – 17h.", LUNDI_VENDREDI),
        (
            "Lundi, mardi, jeudi : 9h-12h / 14h-17h ; mercredi : 9h-12h",
            {0: MATIN_APRES_MIDI, 1: MATIN_APRES_MIDI, 2: ["09:00-12:00"], 3: MATIN_APRES_MIDI} | {4: [], 5: [], 6: []},
        ),
        ("Lun-Ven 8h30-12h", {j: ["08:30-12:00"] for j in range(5)} | {5: [], 6: []}),
        ("Lu-Ve 8h30-12h", {j: ["08:30-12:00"] for j in range(5)} | {5: [], 6: []}),
        ("lun. au ven. 8h30-12h", {j: ["08:30-12:00"] for j in range(5)} | {5: [], 6: []}),
        (
            "Du mardi au samedi de 9h à 12h30 et de 13h30 à 17h",
            {0: []} | {j: ["09:00-12:30", "13:30-17:00"] for j in range(1, 6)} | {6: []},
        ),
        (
            "Lundi au jeudi 8h30-12h 13h30-17h, vendredi 8h30-12h",
            {j: ["08:30-12:00", "13:30-17:00"] for j in range(4)} | {4: ["08:30-12:00"], 5: [], 6: []},
        ),
        (
            "Lundi 9h-12h\nMardi 14h-17h\nMercredi fermé",
            {0: ["09:00-12:00"], 1: ["14:00-17:00"], 2: [], 3: [], 4: [], 5: [], 6: []},
        ),
        (
            "Mardi et jeudi : 9h-12h / 14h-17h sur RDV ; samedi : fermé",
            {0: [], 1: ["09:00-12:00", "14:00-17:00 rdv"], 2: [], 3: ["09:00-12:00", "14:00-17:00 rdv"]}
            | {4: [], 5: [], 6: []},
        ),
        (
            "Du lundi au vendredi 9h-12h. Fermé le samedi",
            {j: ["09:00-12:00"] for j in range(5)} | {5: [], 6: []},
        ),
        (
            "Fermé samedi et dimanche. Du lundi au vendredi 9h-12h",
            {j: ["09:00-12:00"] for j in range(5)} | {5: [], 6: []},
        ),
        # une mention d'un seul jour l'emporte sur la plage qui le comprend
        (
            "Du lundi au vendredi 9h-17h sauf le mercredi",
            {0: ["09:00-17:00"], 1: ["09:00-17:00"], 2: [], 3: ["09:00-17:00"], 4: ["09:00-17:00"]} | {5: [], 6: []},
        ),
        (
            "Du lundi au vendredi 9h-17h, mercredi 9h-12h",
            {0: ["09:00-17:00"], 1: ["09:00-17:00"], 2: ["09:00-12:00"], 3: ["09:00-17:00"]}
            | {4: ["09:00-17:00"], 5: [], 6: []},
        ),
        # deux mentions d'un même jour s'ajoutent
        (
            "Lundi matin 9h-12h, lundi après-midi 14h-17h",
            {0: MATIN_APRES_MIDI} | {j: [] for j in range(1, 7)},
        ),
        (
            "Du samedi au lundi 10h-12h",
            {0: ["10:00-12:00"], 5: ["10:00-12:00"], 6: ["10:00-12:00"]} | {j: [] for j in range(1, 5)},
        ),
        ("Fermé", {j: [] for j in range(7)}),
    ],
)
def test_lire_texte(texte, attendu):
    lecture = lire_texte(texte)
    assert lecture.non_lus == []
    assert {j: courts(c) for j, c in lecture.jours.items()} == attendu


@pytest.mark.parametrize("texte", ["", None, "Horaires non communiqués", "NA"])
def test_lire_texte_inconnu(texte):
    lecture = lire_texte(texte)
    assert lecture.jours == {}
    assert lecture.non_lus == []
    assert lecture.opening_hours() == ""


def test_lire_texte_seulement_une_fermeture_laisse_les_autres_jours_inconnus():
    lecture = lire_texte("Fermé le samedi")
    assert lecture.jours == {5: []}
    assert lecture.non_lus == []
    assert lecture.weekly_minutes is None


def test_lire_texte_avec_non_lus_ne_ferme_pas_les_jours_non_nommes():
    lecture = lire_texte("Du lundi au vendredi 9h-12h (sauf 1er lundi du mois)")
    assert {j: courts(c) for j, c in lecture.jours.items()} == {j: ["09:00-12:00"] for j in range(5)}
    assert lecture.non_lus == ["(sauf 1er lundi du mois)"]
    assert lecture.opening_hours() == "Mo-Fr 09:00-12:00; Sa,Su unknown"


def test_lire_texte_jour_dit_inconnu_n_est_pas_ferme():
    lecture = lire_texte("Samedi : non communiqué ; du lundi au vendredi 9h-12h")
    assert 5 not in lecture.jours
    assert lecture.jours[6] == []
    assert lecture.non_lus == []


@pytest.mark.parametrize(
    ("texte", "non_lus"),
    [
        ("9h-12h", ["9h-12h"]),  # des heures sans jour
        ("Tous les jours 9h-12h", ["Tous les jours 9h-12h"]),
        ("Du lundi au vendredi", ["Du lundi au vendredi"]),  # des jours sans heures
        ("Du lundi au vendredi 9h-17h sauf le mercredi après-midi", ["sauf", "le mercredi après-midi"]),
        (
            "Lundi : 9h-12h ; lundi : fermé",
            ["lundi : indications contradictoires (« Lundi 9h-12h » / « lundi fermé »)"],
        ),
        (
            "Lundi 9h-12h, lundi 10h-11h",
            ["lundi : créneaux qui se chevauchent (« Lundi 9h-12h » / « lundi 10h-11h »)"],
        ),
        ("Accueil sur RDV du lundi au vendredi 9h-12h", ["Accueil sur RDV"]),
        ("Mardi : 14h-12h", ["Mardi 14h-12h"]),
    ],
)
def test_lire_texte_rapporte(texte, non_lus):
    assert lire_texte(texte).non_lus == non_lus


def test_lire_texte_contradiction_rend_le_jour_inconnu():
    lecture = lire_texte("Lundi : 9h-12h ; lundi : fermé ; mardi 9h-12h")
    assert 0 not in lecture.jours
    assert lecture.jours[1] == [iv("09:00-12:00")]
    assert 2 not in lecture.jours  # texte pas lu en entier : pas de fermeture déduite


def test_lire_texte_totaux_et_osm():
    lecture = lire_texte("Lun-Ven 8h30-12h")
    assert lecture.weekly_minutes == 5 * 210
    assert lecture.days_open == 5
    assert lecture.opening_hours() == "Mo-Fr 08:30-12:00"
    rdv = lire_texte("Lundi de 9h à 12h et le mercredi de 14h à 17h sur rendez-vous")
    assert rdv.weekly_minutes == 360  # les heures sur rendez-vous comptent
    assert rdv.days_open == 2
    assert rdv.by_appointment == [CreneauRdv(2, iv("14:00-17:00 rdv"))]
    assert rdv.opening_hours() == 'Mo 09:00-12:00, We 14:00-17:00 "sur rendez-vous"'


# --- Semaine ----------------------------------------------------------------------------------------

HEBDO = {j: [iv("09:00-12:00"), iv("14:00-17:00")] for j in range(5)} | {5: [iv("09:00-12:00")], 6: []}


def exception(debut, fin=None, ferme=True, heures=None, motif=""):
    ouverture, fermeture = (t(h) for h in heures.split("-")) if heures else (None, None)
    return SimpleNamespace(
        date_debut=debut, date_fin=fin or debut, ferme=ferme, debut=ouverture, fin=fermeture, motif=motif
    )


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("moment", "ouvert"),
    [
        (datetime.datetime(2025, 6, 2, 8, 59), False),  # lundi
        (datetime.datetime(2025, 6, 2, 9, 0), True),
        (datetime.datetime(2025, 6, 2, 11, 59), True),
        (datetime.datetime(2025, 6, 2, 12, 0), False),
        (datetime.datetime(2025, 6, 2, 13, 0), False),
        (datetime.datetime(2025, 6, 7, 10, 0), True),  # samedi matin
        (datetime.datetime(2025, 6, 7, 15, 0), False),  # samedi après-midi
        (datetime.datetime(2025, 6, 8, 10, 0), False),  # dimanche
    ],
)
def test_est_ouvert(moment, ouvert):
    assert Semaine(HEBDO).est_ouvert(moment) is ouvert


def test_est_ouvert_convertit_un_moment_utc_en_heure_de_paris():
    semaine = Semaine(HEBDO)
    # 11h30 UTC en juin = 13h30 à Paris : fermé pour le déjeuner (ouvert si on lisait 11h30 naïf)
    assert semaine.est_ouvert(datetime.datetime(2025, 6, 2, 11, 30, tzinfo=UTC)) is False
    assert semaine.est_ouvert(datetime.datetime(2025, 6, 2, 11, 30)) is True
    # 8h30 UTC en janvier = 9h30 à Paris
    assert semaine.est_ouvert(datetime.datetime(2025, 1, 6, 8, 30, tzinfo=UTC)) is True
    assert semaine.fermeture(datetime.datetime(2025, 1, 6, 8, 30, tzinfo=UTC)) == paris(2025, 1, 6, 12, 0)


def test_horaires_inconnus():
    semaine = Semaine({})
    moment = datetime.datetime(2025, 6, 2, 10, 0)
    assert semaine.est_ouvert(moment) is None
    assert semaine.prochaine_ouverture(moment) is None
    assert semaine.fermeture(moment) is None


def test_prochaine_ouverture_apres_le_week_end():
    semaine = Semaine(HEBDO)
    vendredi_soir = datetime.datetime(2025, 6, 6, 18, 0)
    prochaine = semaine.prochaine_ouverture(vendredi_soir)
    assert prochaine == paris(2025, 6, 7, 9, 0)  # samedi matin
    samedi_midi = datetime.datetime(2025, 6, 7, 12, 0)
    assert semaine.prochaine_ouverture(samedi_midi) == paris(2025, 6, 9, 9, 0)  # lundi
    assert semaine.prochaine_ouverture(samedi_midi).tzinfo == PARIS


def test_prochaine_ouverture_pendant_la_pause_et_quand_c_est_ouvert():
    semaine = Semaine(HEBDO)
    assert semaine.prochaine_ouverture(datetime.datetime(2025, 6, 2, 12, 30)) == paris(2025, 6, 2, 14, 0)
    assert semaine.prochaine_ouverture(datetime.datetime(2025, 6, 2, 8, 0)) == paris(2025, 6, 2, 9, 0)
    assert semaine.prochaine_ouverture(datetime.datetime(2025, 6, 2, 10, 0)) is None


def test_prochaine_ouverture_s_arrete_a_un_jour_inconnu_ou_apres_quatorze_jours():
    assert Semaine({0: [iv("09:00-12:00")]}).prochaine_ouverture(datetime.datetime(2025, 6, 2, 13, 0)) is None
    jamais = Semaine({j: [] for j in range(7)})
    assert jamais.prochaine_ouverture(datetime.datetime(2025, 6, 2, 13, 0)) is None
    dans_quatorze_jours = Semaine(HEBDO, [exception(datetime.date(2025, 6, 3), datetime.date(2025, 6, 15))])
    assert dans_quatorze_jours.prochaine_ouverture(datetime.datetime(2025, 6, 2, 18, 0)) == paris(2025, 6, 16, 9)
    trop_loin = Semaine(HEBDO, [exception(datetime.date(2025, 6, 3), datetime.date(2025, 6, 16))])
    assert trop_loin.prochaine_ouverture(datetime.datetime(2025, 6, 2, 18, 0)) is None


def test_fermeture():
    semaine = Semaine(HEBDO)
    assert semaine.fermeture(datetime.datetime(2025, 6, 2, 10, 0)) == paris(2025, 6, 2, 12, 0)
    assert semaine.fermeture(datetime.datetime(2025, 6, 2, 13, 0)) is None
    continus = Semaine({0: [iv("09:00-12:00"), iv("12:00-14:00"), iv("15:00-16:00")]})
    assert continus.fermeture(datetime.datetime(2025, 6, 2, 10, 0)) == paris(2025, 6, 2, 14, 0)


def test_les_creneaux_sur_rendez_vous_ne_sont_pas_ouverts():
    semaine = Semaine({0: [iv("09:00-12:00 rdv"), iv("14:00-17:00")]} | {j: [] for j in range(1, 7)})
    assert semaine.est_ouvert(datetime.datetime(2025, 6, 2, 10, 0)) is False
    assert semaine.fermeture(datetime.datetime(2025, 6, 2, 10, 0)) is None
    assert semaine.prochaine_ouverture(datetime.datetime(2025, 6, 2, 8, 0)) == paris(2025, 6, 2, 14, 0)


def test_exception_fermee():
    # lundi de Pentecôte fermé
    semaine = Semaine(HEBDO, [exception(datetime.date(2025, 6, 9), motif="Pentecôte")])
    lundi = datetime.datetime(2025, 6, 9, 10, 0)
    assert semaine.est_ouvert(lundi) is False
    assert semaine.prochaine_ouverture(lundi) == paris(2025, 6, 10, 9, 0)
    assert semaine.prochaine_ouverture(datetime.datetime(2025, 6, 7, 12, 0)) == paris(2025, 6, 10, 9, 0)
    assert semaine.est_ouvert(datetime.datetime(2025, 6, 10, 10, 0)) is True


def test_exception_sur_plusieurs_jours():
    conges = Semaine(HEBDO, [exception(datetime.date(2025, 8, 4), datetime.date(2025, 8, 15))])
    assert conges.est_ouvert(datetime.datetime(2025, 8, 11, 10, 0)) is False
    assert conges.prochaine_ouverture(datetime.datetime(2025, 8, 1, 18, 0)) == paris(2025, 8, 2, 9, 0)
    assert conges.prochaine_ouverture(datetime.datetime(2025, 8, 2, 12, 0)) == paris(2025, 8, 16, 9, 0)


def test_exception_avec_horaires_remplace_ceux_du_jour():
    ete = exception(datetime.date(2025, 7, 1), datetime.date(2025, 7, 31), ferme=False, heures="08:00-13:00")
    semaine = Semaine(HEBDO, [ete])
    assert semaine.est_ouvert(datetime.datetime(2025, 7, 7, 8, 30)) is True
    assert semaine.est_ouvert(datetime.datetime(2025, 7, 7, 15, 0)) is False
    assert semaine.fermeture(datetime.datetime(2025, 7, 7, 8, 30)) == paris(2025, 7, 7, 13, 0)
    assert semaine.est_ouvert(datetime.datetime(2025, 7, 6, 10, 0)) is True  # dimanche ouvert exceptionnellement
    sans_heures = Semaine(HEBDO, [exception(datetime.date(2025, 7, 7), ferme=False)])
    assert sans_heures.est_ouvert(datetime.datetime(2025, 7, 7, 15, 0)) is True  # ne change rien


def test_exception_vaut_meme_si_la_semaine_est_inconnue():
    semaine = Semaine({}, [exception(datetime.date(2025, 6, 9))])
    assert semaine.est_ouvert(datetime.datetime(2025, 6, 9, 10, 0)) is False
    assert semaine.est_ouvert(datetime.datetime(2025, 6, 10, 10, 0)) is None


def test_prochaine_ouverture_apres_le_passage_a_l_heure_d_ete():
    # dimanche 30 mars 2025 : 2h -> 3h ; vendredi 18h CET, lundi 9h CEST
    prochaine = Semaine(HEBDO).prochaine_ouverture(datetime.datetime(2025, 3, 28, 17, 0, tzinfo=UTC))
    assert prochaine == paris(2025, 3, 29, 9, 0)
    assert prochaine.utcoffset() == datetime.timedelta(hours=1)
    lundi = Semaine(HEBDO).prochaine_ouverture(datetime.datetime(2025, 3, 29, 11, 0, tzinfo=UTC))
    assert lundi.astimezone(UTC) == datetime.datetime(2025, 3, 31, 7, 0, tzinfo=UTC)
    assert lundi.utcoffset() == datetime.timedelta(hours=2)


def test_passage_a_l_heure_d_hiver():
    # dimanche 26 octobre 2025 : 3h -> 2h ; lundi 9h CET = 8h UTC
    lundi = Semaine(HEBDO).prochaine_ouverture(datetime.datetime(2025, 10, 25, 12, 0))
    assert lundi.astimezone(UTC) == datetime.datetime(2025, 10, 27, 8, 0, tzinfo=UTC)


def test_jour_du_changement_d_heure_ouvert():
    dimanche = Semaine({j: [] for j in range(6)} | {6: [iv("01:00-05:00")]})
    # 1h30 UTC = 3h30 CEST le 30 mars : ouvert ; 0h30 UTC = 1h30 CET : ouvert aussi
    assert dimanche.est_ouvert(datetime.datetime(2025, 3, 30, 1, 30, tzinfo=UTC)) is True
    assert dimanche.est_ouvert(datetime.datetime(2025, 3, 30, 0, 30, tzinfo=UTC)) is True
    fermeture = dimanche.fermeture(datetime.datetime(2025, 3, 30, 0, 30, tzinfo=UTC))
    # de 1h30 CET à 5h CEST il ne s'écoule que 2h30
    assert fermeture - datetime.datetime(2025, 3, 30, 0, 30, tzinfo=UTC) == datetime.timedelta(hours=2, minutes=30)
    nuit = Semaine({j: [] for j in range(6)} | {6: [iv("02:30-04:00")]})
    # 2h30 n'existe pas ce jour-là : l'ouverture a lieu à 3h30 CEST (1h30 UTC)
    ouverture = nuit.prochaine_ouverture(datetime.datetime(2025, 3, 29, 12, 0))
    assert ouverture.astimezone(UTC) == datetime.datetime(2025, 3, 30, 1, 30, tzinfo=UTC)
    assert (ouverture.hour, ouverture.minute, ouverture.utcoffset()) == (3, 30, datetime.timedelta(hours=2))


def test_semaine_depuis_une_lecture():
    lecture = lire_texte("Du lundi au vendredi de 9h à 12h et de 14h à 17h")
    semaine = Semaine(lecture.jours)
    assert semaine.est_ouvert(datetime.datetime(2025, 6, 6, 16, 0)) is True
    assert semaine.prochaine_ouverture(datetime.datetime(2025, 6, 6, 17, 0)) == paris(2025, 6, 9, 9, 0)


# --- La commande ------------------------------------------------------------------------------------


def horaires(*args: str) -> str:
    sortie = io.StringIO()
    call_command("horaires", *args, stdout=sortie)
    return sortie.getvalue()


def test_commande_jour_json():
    resultat = json.loads(horaires("--day", "lundi", "--json", "9h - 12h / 14h – 17h sur RDV"))
    assert resultat.pop("duree_s") >= 0  # la durée, comme toute commande
    assert resultat == {
        "opening_hours": 'Mo 09:00-12:00, Mo 14:00-17:00 "sur rendez-vous"',
        "weekly_minutes": 360,
        "days_open": 1,
        "unparsed": [],
        "by_appointment": [{"jour": "lundi", "debut": "14:00", "fin": "17:00"}],
    }


def test_commande_jour_json_avec_non_lus_et_inconnu():
    assert json.loads(horaires("--day", "Mardi", "--json", "9h-12h / après-midi sur RDV"))["unparsed"] == [
        "après-midi sur RDV"
    ]
    inconnu = json.loads(horaires("--day", "mardi", "--json", "Horaires non communiqués"))
    del inconnu["duree_s"]
    assert inconnu == {
        "opening_hours": "",
        "weekly_minutes": None,
        "days_open": 0,
        "unparsed": [],
        "by_appointment": [],
    }


def test_commande_semaine_json():
    resultat = json.loads(horaires("--json", "Du lundi au vendredi de 9h à 12h et de 14h à 17h"))
    assert resultat["opening_hours"] == "Mo-Fr 09:00-12:00,14:00-17:00"
    assert resultat["weekly_minutes"] == 1800
    assert resultat["days_open"] == 5
    assert resultat["unparsed"] == []


def test_commande_resume_en_francais():
    sortie = horaires("Lundi, mardi, jeudi : 9h-12h / 14h-17h ; mercredi : 9h-12h (sauf 1er mercredi du mois)")
    assert "Lundi : 09:00-12:00, 14:00-17:00" in sortie
    assert "Mercredi : 09:00-12:00" in sortie
    assert "Samedi : inconnu" in sortie
    assert "Heures par semaine : inconnu" in sortie
    assert "OpenStreetMap : Mo,Tu,Th 09:00-12:00,14:00-17:00; We 09:00-12:00; Fr-Su unknown" in sortie
    assert "  - (sauf 1er mercredi du mois)" in sortie


def test_commande_resume_d_un_jour():
    sortie = horaires("--day", "samedi", "9h-12h")
    assert sortie.splitlines()[0] == "Samedi : 09:00-12:00"
    assert "Heures ce jour : 3 h 00" in sortie
    assert "OpenStreetMap : Sa 09:00-12:00" in sortie
    assert "Tout a été lu." in sortie


def test_commande_les_mots_sont_reunis():
    assert json.loads(horaires("--json", "--day", "lundi", "9h", "-", "12h"))["weekly_minutes"] == 180


def test_commande_jour_inconnu_est_une_erreur_d_usage():
    with pytest.raises(CommandError):
        horaires("--day", "lunid", "9h-12h")


def lancer(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "guichet", "horaires", *args],
        capture_output=True,
        text=True,
        env=os.environ | {"DEBUG": "1"},
        timeout=60,
    )


def test_commande_codes_de_sortie():
    avec_non_lus = lancer("--day", "lundi", "--json", "24h/24")
    assert avec_non_lus.returncode == 0
    assert json.loads(avec_non_lus.stdout)["unparsed"] == ["24h/24"]
    assert lancer("--day", "lunid", "9h-12h").returncode == 2
    assert lancer("--json").returncode == 2


def test_semaine_opening_hours():
    from guichet.reseau.horaires import Intervalle, Semaine

    matin = Intervalle(datetime.time(9), datetime.time(12))
    semaine = Semaine(jours={j: [matin] for j in range(5)} | {5: [], 6: []})
    assert semaine.opening_hours() == "Mo-Fr 09:00-12:00"
    assert Semaine(jours={}).opening_hours() == ""


def test_lire_jour_minutes_apres_un_h_espace_mais_pas_une_autre_heure():
    # « 12 h 13h30 » : « 13 » est le début d'une autre heure, pas les minutes de midi.
    assert lire_jour("12 h 13h30") == (None, ["12 h 13h30"])


def test_lire_semaine_de_la_liste_nationale_espaces_et_espace_ferme():
    lecture = lire_semaine(
        {
            "lundi": "9 h 00 - 12 h 00 / 13 h 30   – 17 h",
            "mardi": "Espace fermé ce jour",
            "mercredi": "Espace fermé ce jour",
            "jeudi": "13 h 30   – 17 h",
            "vendredi": "9 h - 12 h",
            "samedi": "Espace fermé ce jour",
            "dimanche": "Espace fermé ce jour",
        }
    )
    assert lecture.non_lus == []
    assert lecture.opening_hours() == "Mo 09:00-12:00,13:30-17:00; Th 13:30-17:00; Fr 09:00-12:00"
    assert lecture.days_open == 3


def test_lire_texte_espace_ferme_ce_jour():
    lecture = lire_texte("Lundi : 13 h 30   – 17 h ; mercredi : Espace fermé ce jour")
    assert lecture.non_lus == []
    assert lecture.jours[0] == [Intervalle(datetime.time(13, 30), datetime.time(17))]
    assert lecture.jours[2] == []
