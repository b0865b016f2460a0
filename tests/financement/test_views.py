"""Les pages de la subvention : qui voit quoi (chaque refus), la saisie d'un versement et ses erreurs, les exports."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from guichet.financement.models import SourceFinancement, Versement
from guichet.journal.models import EntreeJournal
from tests.comptes.conftest import connecter

pytestmark = pytest.mark.django_db


def url_site(structure, annee=2026):
    return reverse("financement:site", args=[structure.matricule]) + f"?annee={annee}"


def url_dep(departement, annee=2026):
    return reverse("financement:departement", args=[departement.code]) + f"?annee={annee}"


def versement(client, structure, **donnees):
    donnees = {
        "source": SourceFinancement.objects.get(code="fnadt").pk,
        "date": "2026-03-16",
        "montant": "7500,00",
        "reference": "MDT-2026-001",
    } | donnees
    return client.post(url_site(structure), donnees)


@pytest.mark.parametrize(
    "personne",
    ["conseiller_a1", "referent_caf_a", "auditeur_a", "auditeur_national", "staff", "sans_role"],
)
def test_les_autres_roles_sont_refuses(client, monde, personne):
    connecter(client, getattr(monde, personne))
    assert client.get(reverse("financement:tableau")).status_code == 403
    assert client.get(url_dep(monde.dep_a)).status_code == 403
    assert client.get(url_site(monde.a1)).status_code == 403
    assert client.get(reverse("financement:export_departement", args=["01", "csv"])).status_code == 403
    assert client.get(reverse("financement:export_national", args=["csv"])).status_code == 403
    assert versement(client, monde.a1).status_code == 403
    assert not Versement.objects.exists()


def test_anonyme_renvoye_a_la_connexion(client, monde):
    reponse = client.get(reverse("financement:tableau"))
    assert reponse.status_code == 302 and "/comptes/connexion/" in reponse["Location"]


def test_prefecture_voit_son_departement_seulement(client, monde):
    connecter(client, monde.prefecture_a)
    reponse = client.get(reverse("financement:tableau") + "?annee=2026", follow=True)
    assert reponse.redirect_chain[-1][0] == url_dep(monde.dep_a)
    html = reponse.content.decode()
    assert monde.a1.nom in html and monde.a2.nom in html and monde.b.nom not in html
    assert "45\u202f123,29\u00a0€" in html  # 15 123,29 + 30 000
    assert client.get(url_dep(monde.dep_b)).status_code == 403
    assert client.get(url_site(monde.b)).status_code == 403
    assert versement(client, monde.b).status_code == 403
    assert client.get(reverse("financement:export_departement", args=["02", "csv"])).status_code == 403
    assert client.get(reverse("financement:export_national", args=["csv"])).status_code == 403


def test_prefecture_enregistre_un_versement_et_le_reste_baisse(client, monde):
    connecter(client, monde.prefecture_a)
    reponse = versement(client, monde.a1)
    assert reponse.status_code == 302
    v = Versement.objects.get()
    assert (v.structure, v.annee, v.montant, v.date, v.saisi_par) == (
        monde.a1,
        2026,
        Decimal("7500.00"),
        date(2026, 3, 16),
        monde.prefecture_a,
    )
    html = client.get(url_site(monde.a1)).content.decode()
    assert 'id="montant-reste">7\u202f623,29\u00a0€' in html  # 15 123,29 − 7 500
    assert EntreeJournal.objects.filter(action="creation", objet_type="financement.versement").exists()


@pytest.mark.parametrize(
    "donnees, champ, message",
    [
        ({"montant": "0"}, "montant", "supérieur à zéro"),
        ({"montant": "-5"}, "montant", "supérieur à zéro"),
        ({"montant": "abc"}, "montant", "Saisissez un montant en euros"),
        ({"montant": "10,001"}, "montant", "centime"),
        ({"montant": "15123,30"}, "montant", "dépasse le reste dû"),
        ({"date": "2026-02-30"}, "date", "date qui existe"),
        ({"date": "2099-01-01"}, "date", "futur"),
        ({"date": "2020-01-01"}, "date", "au plus tôt de 2025"),
        ({"reference": "   "}, "reference", "obligatoire"),
        ({"source": "999999"}, "source", "Sélectionnez un choix valide"),
    ],
)
def test_versement_invalide_message_en_francais(client, monde, donnees, champ, message):
    connecter(client, monde.prefecture_a)
    reponse = versement(client, monde.a1, **donnees)
    assert reponse.status_code == 200
    erreurs = reponse.context["form"].errors
    assert message in " ".join(erreurs[champ]), erreurs
    assert not Versement.objects.exists()


def test_meme_reference_refusee_deux_fois(client, monde):
    connecter(client, monde.prefecture_a)
    assert versement(client, monde.a2).status_code == 302
    reponse = versement(client, monde.a2)
    assert "déjà cette référence" in " ".join(reponse.context["form"].errors["reference"])
    assert Versement.objects.count() == 1


def test_responsable_lit_la_ligne_de_sa_structure_sans_saisir(client, monde):
    connecter(client, monde.gestionnaire_a1)
    html = client.get(reverse("financement:tableau") + "?annee=2026").content.decode()
    assert monde.a1.nom in html and monde.a2.nom not in html
    reponse = client.get(url_site(monde.a1))
    assert reponse.status_code == 200 and reponse.context["form"] is None
    assert "Enregistrer un versement" not in reponse.content.decode()
    assert versement(client, monde.a1).status_code == 403
    assert client.get(url_site(monde.a2)).status_code == 403
    assert client.get(url_dep(monde.dep_a)).status_code == 403
    assert client.get(reverse("financement:export_departement", args=["01", "csv"])).status_code == 403
    assert not Versement.objects.exists()


def test_national_voit_les_totaux_par_source_et_par_region(client, monde):
    connecter(client, monde.national)
    reponse = client.get(reverse("financement:tableau") + "?annee=2026")
    html = reponse.content.decode()
    assert "Par source de financement" in html and "Par région" in html
    assert "Banque des Territoires" in html and "FNADT" in html
    assert "90\u202f246,58\u00a0€" in html
    assert client.get(url_dep(monde.dep_b)).status_code == 200
    assert versement(client, monde.b).status_code == 302


def test_annee_sans_bareme_message_sans_erreur(client, monde):
    connecter(client, monde.national)
    reponse = client.get(reverse("financement:tableau") + "?annee=2031")
    assert reponse.status_code == 200
    assert "Aucun barème de la subvention pour 2031" in reponse.content.decode()
    connecter(client, monde.prefecture_a)
    reponse = client.get(url_site(monde.a1, 2031))
    assert reponse.status_code == 200 and reponse.context["form"] is None
    assert client.get(reverse("financement:export_departement", args=["01", "csv"]) + "?annee=2031").status_code == 404


def test_exports_csv_et_xlsx_neutralises(client, monde):
    monde.a1.nom = '=HYPERLINK("http://exemple.invalid")'
    monde.a1.save()
    connecter(client, monde.prefecture_a)
    versement(client, monde.a2, montant="10000")
    csv = client.get(reverse("financement:export_departement", args=["01", "csv"]) + "?annee=2026")
    assert csv["Content-Type"].startswith("text/csv")
    texte = csv.content.decode("utf-8-sig")
    lignes = texte.strip().splitlines()
    assert lignes[0].startswith("Année;Département;Matricule")
    assert "'=HYPERLINK" in texte
    assert lignes[-1].endswith("45123,29;10000,00;35123,29")
    xlsx = client.get(reverse("financement:export_departement", args=["01", "xlsx"]) + "?annee=2026")
    feuille = load_workbook(io.BytesIO(xlsx.content)).active
    valeurs = [[c.value for c in ligne] for ligne in feuille.iter_rows()]
    assert valeurs[0][0] == "Année"
    assert any(v and str(v).startswith("'=HYPERLINK") for ligne in valeurs for v in ligne)
    assert client.get(reverse("financement:export_departement", args=["01", "pdf"])).status_code == 404
    connecter(client, monde.national)
    assert client.get(reverse("financement:export_national", args=["xlsx"]) + "?annee=2026").status_code == 200
