"""Les visites mystères : la grille, la planification, la saisie de l'évaluateur désigné, et ce que voit la
structure (rien avant la clôture, jamais la date prévue)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from guichet.visites import permissions as permissions_visites
from guichet.visites.models import CampagneVisites, Grille, Visite
from tests.comptes.conftest import connecter


def _saisie(visites, jour=None, note=3):
    jour = jour or timezone.localdate()
    donnees = {"scenario": "demenagement", "realisee_le": jour.isoformat(), "commentaire": "Accueil chaleureux."}
    for critere in visites.grille.criteres.all():
        donnees[f"c{critere.pk}"] = str(note)
        donnees[f"c{critere.pk}_commentaire"] = f"Vu : {critere.code}"
    return donnees


def test_grille_2026_en_donnees(db):
    grille = Grille.objects.get(code="2026")
    codes = [c.code for c in grille.criteres.all()]
    assert codes[:6] == ["accueil", "attente", "reponse", "orientation", "accessibilite", "confidentialite"]
    attente = grille.criteres.get(code="attente")
    assert attente.maximum == 4 and attente.niveaux[0] == "Plus de 30 minutes"


def test_l_evaluatrice_designee_saisit_sa_visite(client, visites):
    connecter(client, visites.evaluatrice)
    accueil = client.get(reverse("visites:accueil")).content.decode()
    assert "France services A1" in accueil and "France services A2" not in accueil
    url = reverse("visites:visite", args=[visites.visite_a1.pk])
    assert client.get(url).status_code == 200
    reponse = client.post(url, _saisie(visites))
    assert reponse.status_code == 302
    visite = Visite.objects.get(pk=visites.visite_a1.pk)
    assert visite.realisee and visite.scenario == "demenagement" and visite.notes.count() == 7
    # Une autre visite, même de sa campagne : elle n'existe pas pour elle.
    assert client.get(reverse("visites:visite", args=[visites.visite_a2.pk])).status_code == 404
    assert client.post(reverse("visites:visite", args=[visites.visite_a2.pk]), _saisie(visites)).status_code == 404


def test_saisie_refusee_hors_periode_ou_dans_le_futur(client, visites):
    connecter(client, visites.evaluatrice)
    url = reverse("visites:visite", args=[visites.visite_a1.pk])
    futur = client.post(url, _saisie(visites, jour=timezone.localdate() + timedelta(days=1)))
    assert "dans le futur" in futur.content.decode()
    avant = client.post(url, _saisie(visites, jour=visites.campagne.debut - timedelta(days=1)))
    assert "dans la période de la campagne" in avant.content.decode()
    hors_echelle = client.post(url, {**_saisie(visites), f"c{visites.grille.criteres.first().pk}": "9"})
    assert hors_echelle.status_code == 200
    assert not Visite.objects.get(pk=visites.visite_a1.pk).realisee


def test_la_structure_ne_voit_rien_avant_la_cloture_ni_jamais_la_date(client, visites):
    m = visites.monde
    url = reverse("visites:visite", args=[visites.visite_a1.pk])
    connecter(client, visites.evaluatrice)
    client.post(url, _saisie(visites))
    date_prevue = visites.prevue.strftime("%d/%m/%Y")
    for personne in (m.gestionnaire_a1, m.conseiller_a1):
        connecter(client, personne)
        accueil = client.get(reverse("visites:accueil")).content.decode()
        assert "Visites de l" not in accueil and date_prevue not in accueil
        assert client.get(url).status_code == 404
        assert client.get(reverse("visites:campagne", args=[visites.campagne.pk])).status_code == 404
        assert client.get(reverse("visites:export", args=[visites.campagne.pk])).status_code == 404
    # Clôture par la préfecture.
    connecter(client, m.prefecture_a)
    assert client.post(reverse("visites:cloturer", args=[visites.campagne.pk])).status_code == 302
    connecter(client, m.gestionnaire_a1)
    accueil = client.get(reverse("visites:accueil")).content.decode()
    assert "Visites de l" in accueil
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "« Je déménage »" in html and "Vu : accueil" in html
    jour = timezone.localdate()
    for forme in (visites.prevue, jour):
        entete = html.split("<h1>", 1)[1].split("</p>")[0]
        # Le jour seul, pas un chiffre d'un autre nombre : le 1er du mois, « du 11 novembre » ne le contient pas.
        assert forme.strftime("%d/%m/%Y") not in html and not re.search(rf"(?<!\d){forme.day} ", entete)
    # a2 n'a pas été saisie : même close, rien à voir ; une autre structure non plus.
    assert client.get(reverse("visites:visite", args=[visites.visite_a2.pk])).status_code == 404
    connecter(client, m.conseiller_b)
    assert client.get(url).status_code == 404
    # Campagne close : l'évaluatrice ne corrige plus.
    connecter(client, visites.evaluatrice)
    assert client.post(url, _saisie(visites, note=1)).status_code == 403


def test_la_prefecture_planifie_dans_son_departement(client, visites):
    m = visites.monde
    connecter(client, m.prefecture_a)
    url = reverse("visites:nouvelle_campagne")
    jour = timezone.localdate()
    envoi = {"titre": "Printemps", "grille": visites.grille.pk, "debut": jour, "fin": jour + timedelta(days=30)}
    assert client.post(url, {**envoi, "departement": m.dep_b.pk}).status_code == 200  # hors choix
    assert client.post(url, {**envoi, "departement": ""}).status_code == 200  # nationale : non
    reponse = client.post(url, {**envoi, "departement": m.dep_a.pk})
    campagne = CampagneVisites.objects.get(titre="Printemps")
    assert reponse.status_code == 302 and campagne.departement == m.dep_a
    ajout = reverse("visites:campagne", args=[campagne.pk])
    # Une structure d'un autre département, un évaluateur qui n'est pas auditeur, une date hors période : refusés.
    refus = client.post(ajout, {"matricule": m.b.matricule, "evaluateur": visites.evaluatrice.pk, "prevue_le": jour})
    assert "Aucune structure" in refus.content.decode()
    refus = client.post(ajout, {"matricule": m.a1.matricule, "evaluateur": m.conseiller_b.pk, "prevue_le": jour})
    assert "Sélectionnez un choix valide" in refus.content.decode()
    refus = client.post(
        ajout,
        {"matricule": m.a1.matricule, "evaluateur": visites.evaluatrice.pk, "prevue_le": jour - timedelta(days=1)},
    )
    assert "dans la période de la campagne" in refus.content.decode()
    ok = client.post(ajout, {"matricule": m.a1.matricule, "evaluateur": visites.evaluatrice.pk, "prevue_le": jour})
    assert ok.status_code == 302 and campagne.visites.count() == 1


def test_l_evaluateur_ne_visite_pas_sa_propre_structure(client, visites):
    m = visites.monde
    from guichet.comptes.models import Role
    from tests.comptes.factories import HabilitationFactory

    HabilitationFactory(utilisateur=m.conseiller_a1, role=Role.AUDITEUR, departement=m.dep_b)
    campagne = CampagneVisites.objects.create(
        titre="Autre",
        grille=visites.grille,
        departement=m.dep_a,
        debut=visites.campagne.debut,
        fin=visites.campagne.fin,
    )
    connecter(client, m.prefecture_a)
    refus = client.post(
        reverse("visites:campagne", args=[campagne.pk]),
        {"matricule": m.a1.matricule, "evaluateur": m.conseiller_a1.pk, "prevue_le": visites.campagne.debut},
    )
    assert "travaille dans cette structure" in refus.content.decode()


@pytest.mark.parametrize("personne", ["prefecture_a", "auditeur_a", "national", "auditeur_national"])
def test_le_suivi_voit_les_dates(client, visites, personne):
    connecter(client, getattr(visites.monde, personne))
    page = client.get(reverse("visites:campagne", args=[visites.campagne.pk])).content.decode()
    assert visites.prevue.strftime("%d/%m/%Y") in page
    csv = client.get(reverse("visites:export", args=[visites.campagne.pk])).content.decode()
    assert visites.prevue.isoformat() in csv and visites.monde.a1.matricule in csv


def test_ni_la_prefecture_d_un_autre_departement_ni_l_operateur(client, visites):
    m = visites.monde
    from guichet.comptes.models import Role
    from tests.comptes.factories import HabilitationFactory, UtilisateurFactory

    prefecture_b = UtilisateurFactory()
    HabilitationFactory(utilisateur=prefecture_b, role=Role.PREFECTURE, departement=m.dep_b)
    connecter(client, prefecture_b)
    assert client.get(reverse("visites:campagne", args=[visites.campagne.pk])).status_code == 404
    assert client.get(reverse("visites:visite", args=[visites.visite_a1.pk])).status_code == 404
    assert client.post(reverse("visites:cloturer", args=[visites.campagne.pk])).status_code == 404
    connecter(client, m.referent_caf_a)
    assert client.get(reverse("visites:accueil")).status_code == 403
    assert client.get(reverse("visites:visite", args=[visites.visite_a1.pk])).status_code == 404
    # L'auditeur départemental suit sans planifier ni clore.
    connecter(client, m.auditeur_a)
    assert client.get(reverse("visites:nouvelle_campagne")).status_code == 403
    assert client.post(reverse("visites:cloturer", args=[visites.campagne.pk])).status_code == 403


def test_permissions_des_visites(visites):
    m = visites.monde
    assert permissions_visites.acces_visite(m.prefecture_a, visites.visite_a1) == "suivi"
    assert permissions_visites.acces_visite(visites.evaluatrice, visites.visite_a1) == "evaluateur"
    assert permissions_visites.acces_visite(m.gestionnaire_a1, visites.visite_a1) is None
    assert permissions_visites.peut_saisir_visite(visites.evaluatrice, visites.visite_a1)
    assert not permissions_visites.peut_saisir_visite(visites.autre_auditeur, visites.visite_a1)
    assert permissions_visites.peut_planifier_visites(m.national, None)
    assert not permissions_visites.peut_planifier_visites(m.prefecture_a, m.dep_b)
    assert not permissions_visites.peut_planifier_visites(m.auditeur_national)
