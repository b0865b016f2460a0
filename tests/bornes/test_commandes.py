import json

import pytest
from django.core.management import CommandError, call_command

from guichet.bornes import services
from guichet.bornes.models import Borne
from tests.bornes.conftest import poser_avis

pytestmark = pytest.mark.django_db


def test_appairer_en_simulation_ne_cree_rien(monde, capsys):
    call_command("borne", "appairer", monde.a1.matricule)
    sortie = capsys.readouterr().out
    assert "Simulation" in sortie and "brn_" not in sortie
    assert not Borne.objects.exists()


def test_appairer_imprime_le_jeton_en_derniere_ligne(monde, capsys):
    call_command("borne", "appairer", monde.a1.matricule, "--wet-run", "--nom", "Sortie")
    derniere = capsys.readouterr().out.strip().splitlines()[-1]
    borne = services.authentifier(derniere)
    assert borne is not None and borne.structure == monde.a1 and borne.nom == "Sortie"


def test_appairer_plusieurs_tablettes(monde, capsys):
    call_command("borne", "appairer", monde.a1.matricule, "--wet-run", "--nombre", "3", "--json")
    rapport = json.loads(capsys.readouterr().out)
    assert len(rapport["jetons"]) == 3 and rapport["ecrit"] is True
    assert all(services.authentifier(j) for j in rapport["jetons"])


def test_appairer_structure_inconnue(monde):
    with pytest.raises(CommandError, match="FS-00-000"):
        call_command("borne", "appairer", "FS-00-000", "--wet-run")


def test_revoquer_par_le_prefixe(monde):
    borne, jeton = services.appairer(monde.a1, "Sortie")
    call_command("borne", "revoquer", borne.prefixe, "--wet-run")
    assert services.authentifier(jeton) is None


def test_satisfaction_json(monde, capsys):
    poser_avis(monde.a1, [5] * 9 + [2])
    poser_avis(monde.a2, [5, 5, 5, 5])
    call_command("satisfaction", "--departement", monde.dep_a.code, "--json")
    sites = {s["matricule"]: s for s in json.loads(capsys.readouterr().out)["sites"]}
    assert sites[monde.a1.matricule]["reponses"] == 10
    assert sites[monde.a1.matricule]["part_satisfaits"] == 0.9
    assert sites[monde.a2.matricule] == {
        "matricule": monde.a2.matricule,
        "nom": monde.a2.nom,
        "reponses": 4,
        "part_satisfaits": None,
    }
    assert monde.b.matricule not in sites


def test_satisfaction_departement_inconnu(monde):
    with pytest.raises(CommandError, match="inconnu"):
        call_command("satisfaction", "--departement", "999")
