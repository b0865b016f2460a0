"""La migration qui signe le journal : l'ancienne chaîne (SHA-256) est vérifiée puis signée avec la clé ;
une ancienne chaîne déjà rompue arrête la migration en nommant l'entrée."""

import hashlib
import json
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from guichet.journal.services import journal_deverrouille, premiere_rupture

AVANT = [("journal", "0002_ajout_seul")]
APRES = [("journal", "0003_cle_de_signature")]


def _migrer(cible):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(cible)


def _ancienne_chaine(n, falsifier=None):
    precedent = "0" * 64
    lignes = []
    for numero in range(1, n + 1):
        horodatage = datetime(2026, 11, 1, 12, numero, tzinfo=UTC)
        contenu = {
            "numero": numero,
            "horodatage": horodatage.isoformat(timespec="microseconds"),
            "acteur": "système",
            "action": "lecture",
            "objet_type": "demandes.demande",
            "objet_id": str(numero),
            "details": {},
            "precedent": precedent,
        }
        texte = json.dumps(contenu, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        empreinte = hashlib.sha256(texte.encode()).hexdigest()
        action = "export" if numero == falsifier else "lecture"
        lignes.append(
            (numero, horodatage, "système", action, "demandes.demande", str(numero), "{}", precedent, empreinte)
        )
        precedent = empreinte
    with connection.cursor() as curseur:
        for ligne in lignes:
            curseur.execute(
                "INSERT INTO journal_entreejournal (numero, horodatage, acteur_libelle, action, objet_type, objet_id, "
                "details, precedent, empreinte) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                ligne,
            )


@pytest.fixture
def avant_signature(transactional_db):
    _migrer(AVANT)
    yield
    _migrer(APRES)


def test_l_ancienne_chaine_est_signee(avant_signature):
    from guichet.journal.models import EntreeJournal

    _ancienne_chaine(4)
    _migrer(APRES)
    assert EntreeJournal.objects.count() == 4
    assert set(EntreeJournal.objects.values_list("cle", flat=True)) == {"test"}
    assert premiere_rupture() is None


def test_une_ancienne_chaine_rompue_arrete_la_migration(avant_signature):
    _ancienne_chaine(4, falsifier=3)
    with pytest.raises(RuntimeError, match="entrée n° 3"):
        _migrer(APRES)
    _migrer(AVANT)
    with journal_deverrouille(), connection.cursor() as curseur:
        curseur.execute("DELETE FROM journal_entreejournal")
