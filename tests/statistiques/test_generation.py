from collections import Counter
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from guichet.activite.models import Accompagnement
from guichet.reseau.models import Structure
from guichet.statistiques import agregation, generation
from guichet.statistiques.models import ActiviteMois
from guichet.temps import PARIS
from tests.comptes.factories import HabilitationFactory
from tests.reseau.factories import StructureFactory

pytestmark = pytest.mark.django_db


def test_generer_un_an_realiste(reseau):
    agent = HabilitationFactory(role="conseiller", structure=reseau.a1).utilisateur
    bilan = generation.generer(4000, annee=2025, graine=3)
    assert bilan.volume == 4000 and bilan.par_seconde > 0
    tous = list(
        Accompagnement.objects.values("le", "operateur__code", "resultat", "structure_id", "agent_id", "demarche_id")
    )
    assert len(tous) == 4000
    jours = {a["le"].astimezone(PARIS).date() for a in tous}
    assert min(jours) >= date(2025, 1, 1) and max(jours) <= date(2025, 12, 31)
    assert all(j.weekday() != 6 for j in jours)  # pas de dimanche
    assert date(2025, 7, 14) not in jours and date(2025, 12, 25) not in jours  # fériés
    heures = Counter(a["le"].astimezone(PARIS).hour for a in tous)
    assert set(heures) <= set(range(8, 18))
    parts = Counter(a["operateur__code"] for a in tous)
    assert abs(parts["france-titres"] / 4000 - 0.19) < 0.025
    assert abs(parts["caf"] / 4000 - 0.16) < 0.025
    assert abs(parts["finances-publiques"] / 4000 - 0.15) < 0.025
    assert abs(sum(a["resultat"] == "resolu" for a in tous) / 4000 - 0.80) < 0.03
    assert sum(a["demarche_id"] is not None for a in tous) == 4000  # le catalogue couvre tous les opérateurs
    # Les agents sont ceux de la structure.
    assert {a["agent_id"] for a in tous if a["structure_id"] == reseau.a1.pk} == {agent.pk}
    assert {a["agent_id"] for a in tous if a["structure_id"] == reseau.b.pk} == {None}
    # Et les agrégats suivent.
    agregation.actualiser()
    assert sum(ActiviteMois.objects.values_list("nombre", flat=True)) == 4000


def test_structures_de_banc_sans_toucher_aux_vraies(reseau):
    fermee = StructureFactory(fermee=True)
    generation.generer(200, annee=2025, structures=10)
    banc = Structure.objects.filter(matricule__startswith=generation.PREFIXE_BANC)
    assert banc.count() == 7
    assert set(banc.values_list("statut", flat=True)) == {Structure.Statut.LABELLISEE}
    assert not Accompagnement.objects.filter(structure=fermee).exists()
    # Relancer ne recrée pas ce qui existe.
    assert generation.creer_structures_banc(10, None) == 0


def test_commande(reseau, settings, capsys):
    settings.DEBUG = True
    call_command("generer_activite", "--volume", "50", "--annee", "2025")
    assert "Simulation" in capsys.readouterr().out
    assert not Accompagnement.objects.exists()
    call_command("generer_activite", "--volume", "50", "--annee", "2025", "--wet-run")
    sortie = capsys.readouterr().out
    assert "50 accompagnements créés" in sortie and "par seconde" in sortie
    assert Accompagnement.objects.count() == 50


def test_commande_refusee_hors_developpement(reseau, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=true"):
        call_command("generer_activite", "--volume", "50", "--wet-run")
    assert not Accompagnement.objects.exists()


def test_sans_structure(db, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="Aucune structure labellisée"):
        call_command("generer_activite", "--volume", "5", "--wet-run")


def test_agreger_activite(reseau, capsys):
    generation.generer(100, annee=2025)
    call_command("agreger_activite")
    assert "Simulation" in capsys.readouterr().out
    assert not ActiviteMois.objects.exists()
    call_command("agreger_activite", "--wet-run")
    assert "Recalcul complet" in capsys.readouterr().out
    assert sum(ActiviteMois.objects.values_list("nombre", flat=True)) == 100
    call_command("agreger_activite", "--wet-run")
    assert "Mise à jour" in capsys.readouterr().out
