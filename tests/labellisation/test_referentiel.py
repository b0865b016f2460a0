import pytest
from django.db import IntegrityError

from guichet.labellisation import permissions as permissions_labellisation
from guichet.labellisation.models import (
    Critere,
    Famille,
    Preuve,
    Referentiel,
    ReferentielFige,
    StatutReferentiel,
)
from tests.comptes.conftest import connecter
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db


def circulaire_2019():
    return Referentiel.objects.get(code="circulaire-2019")


def arrete_2025():
    return Referentiel.objects.get(code="arrete-2025")


def test_les_deux_versions_sont_chargees_2025_en_vigueur():
    assert circulaire_2019().statut == StatutReferentiel.REMPLACE
    assert arrete_2025().statut == StatutReferentiel.PUBLIE
    assert Referentiel.objects.en_vigueur() == arrete_2025()
    assert arrete_2025().origine == circulaire_2019()


def test_la_circulaire_de_2019_a_trente_criteres_toutes_familles():
    criteres = circulaire_2019().criteres.all()
    assert criteres.count() == 30
    assert {c.famille for c in criteres} == set(Famille.values)
    assert {c.preuve for c in criteres} == set(Preuve.values)
    assert set(criteres.automatiques().values_list("code", flat=True)) == {"horaires", "agents", "operateurs", "outils"}
    assert criteres.filter(bloquant=True).count() >= 10
    assert all(c.titre for c in criteres)


def test_le_referentiel_2025_remplace_2019_et_le_fait_evoluer():
    operateurs = arrete_2025().criteres.get(code="operateurs")
    assert "douze" in operateurs.titre
    assert arrete_2025().criteres.count() > 30


@pytest.mark.parametrize("version", [circulaire_2019, arrete_2025])
def test_un_referentiel_publie_ou_remplace_ne_change_plus(version):
    referentiel = version()
    referentiel.titre = "Autre titre"
    with pytest.raises(ReferentielFige):
        referentiel.save()
    with pytest.raises(ReferentielFige):
        Referentiel.objects.filter(pk=referentiel.pk).update(titre="Autre titre")
    with pytest.raises(ReferentielFige):
        referentiel.delete()
    critere = referentiel.criteres.first()
    critere.titre = "Autre"
    with pytest.raises(ReferentielFige):
        critere.save()
    with pytest.raises(ReferentielFige):
        critere.delete()
    with pytest.raises(ReferentielFige):
        referentiel.criteres.update(bloquant=False)
    with pytest.raises(ReferentielFige):
        Critere.objects.create(
            referentiel=referentiel, code="nouveau", titre="Nouveau", famille="accueil", preuve="declaration"
        )
    referentiel.refresh_from_db()
    assert referentiel.titre != "Autre titre"
    assert referentiel.criteres.filter(titre="Autre").count() == 0


def test_un_critere_ne_passe_pas_d_un_brouillon_a_une_version_publiee():
    brouillon = arrete_2025().copier_en_brouillon("essai", "Essai")
    critere = brouillon.criteres.first()
    critere.referentiel = arrete_2025()
    with pytest.raises(ReferentielFige):
        critere.save()


def test_un_referentiel_nait_brouillon():
    with pytest.raises(ReferentielFige):
        Referentiel.objects.create(code="x", titre="X", date="2026-01-01", statut=StatutReferentiel.PUBLIE)


def test_copier_modifier_publier_remplace_la_version_en_vigueur():
    brouillon = arrete_2025().copier_en_brouillon("arrete-2027", "Référentiel 2027")
    assert brouillon.statut == StatutReferentiel.BROUILLON
    assert brouillon.origine == arrete_2025()
    assert sorted(brouillon.criteres.values_list("code", flat=True)) == sorted(
        arrete_2025().criteres.values_list("code", flat=True)
    )
    critere = brouillon.criteres.get(code="horaires")
    critere.titre = "Ouverture d'au moins 24 heures sur 5 jours, itinérance comprise"
    critere.save()
    brouillon.publier()
    assert Referentiel.objects.en_vigueur() == brouillon
    assert arrete_2025().statut == StatutReferentiel.REMPLACE
    assert Referentiel.objects.filter(statut=StatutReferentiel.PUBLIE).count() == 1
    # L'ancienne version garde son texte.
    assert arrete_2025().criteres.get(code="horaires").titre.startswith("Ouverture au public")
    with pytest.raises(ReferentielFige):
        brouillon.publier()


def test_un_brouillon_sans_critere_ne_se_publie_pas():
    vide = Referentiel.objects.create(code="vide", titre="Vide", date="2026-01-01")
    with pytest.raises(Exception, match="sans critère"):
        vide.publier()
    assert Referentiel.objects.en_vigueur() == arrete_2025()


def test_une_preuve_automatique_dit_ce_qu_elle_verifie():
    brouillon = arrete_2025().copier_en_brouillon("essai", "Essai")
    with pytest.raises(IntegrityError):
        Critere.objects.create(
            referentiel=brouillon, code="auto", titre="Auto", famille="outils", preuve=Preuve.AUTOMATIQUE
        )


# — l'administration : l'équipe nationale seulement, versions publiées en lecture —


def national(client):
    habilitation = HabilitationFactory(utilisateur=UtilisateurFactory(is_staff=True))
    return connecter(client, habilitation.utilisateur)


def test_l_equipe_nationale_copie_puis_publie_dans_l_administration(client):
    national(client)
    reponse = client.post(
        "/admin/labellisation/referentiel/",
        {"action": "copier_en_brouillon", "_selected_action": [arrete_2025().pk]},
    )
    assert reponse.status_code == 302
    brouillon = Referentiel.objects.get(statut=StatutReferentiel.BROUILLON)
    assert brouillon.criteres.count() == arrete_2025().criteres.count()
    # Le brouillon se modifie, la version publiée se lit seulement.
    assert client.get(f"/admin/labellisation/referentiel/{brouillon.pk}/change/").context["has_change_permission"]
    page_publiee = client.get(f"/admin/labellisation/referentiel/{arrete_2025().pk}/change/")
    assert page_publiee.status_code == 200
    assert not page_publiee.context["has_change_permission"]
    refus = client.post(
        f"/admin/labellisation/referentiel/{arrete_2025().pk}/change/",
        {"code": "arrete-2025", "titre": "Modifié", "date": "2025-06-16"},
    )
    assert refus.status_code == 403
    assert arrete_2025().titre.startswith("Référentiel France services")
    reponse = client.post(
        "/admin/labellisation/referentiel/",
        {"action": "publier", "_selected_action": [brouillon.pk]},
    )
    assert reponse.status_code == 302
    assert Referentiel.objects.en_vigueur() == brouillon
    assert arrete_2025().statut == StatutReferentiel.REMPLACE


def test_publier_une_version_deja_publiee_est_refuse_avec_un_message(client):
    national(client)
    reponse = client.post(
        "/admin/labellisation/referentiel/",
        {"action": "publier", "_selected_action": [circulaire_2019().pk]},
        follow=True,
    )
    assert "ne peut plus être modifié" in reponse.content.decode()
    assert circulaire_2019().statut == StatutReferentiel.REMPLACE


def test_l_equipe_technique_sans_role_national_n_y_a_pas_acces(client):
    technicien = UtilisateurFactory(is_staff=True)
    connecter(client, technicien)
    assert client.get("/admin/labellisation/referentiel/").status_code == 403
    assert client.get(f"/admin/labellisation/referentiel/{arrete_2025().pk}/change/").status_code == 403
    reponse = client.post(
        "/admin/labellisation/referentiel/",
        {"action": "copier_en_brouillon", "_selected_action": [arrete_2025().pk]},
    )
    assert reponse.status_code == 403
    assert not Referentiel.objects.filter(statut=StatutReferentiel.BROUILLON).exists()


def test_une_prefecture_n_y_a_pas_acces(client):
    prefecture = HabilitationFactory(prefecture=True, utilisateur=UtilisateurFactory(is_staff=True))
    connecter(client, prefecture.utilisateur)
    assert client.get("/admin/labellisation/referentiel/").status_code == 403


def test_seule_l_equipe_nationale_gere_les_referentiels():
    from tests.comptes.monde import ATTENDU, construire_monde

    monde = construire_monde()
    for nom in ATTENDU:
        assert permissions_labellisation.peut_gerer_referentiels(getattr(monde, nom)) is (nom == "national"), nom


def test_une_version_publiee_ne_se_supprime_pas_dans_l_administration(client):
    national(client)
    url = f"/admin/labellisation/referentiel/{arrete_2025().pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Referentiel.objects.filter(code="arrete-2025").exists()


def test_un_brouillon_se_modifie_dans_l_administration(client):
    national(client)
    brouillon = arrete_2025().copier_en_brouillon("brouillon-2027", "Brouillon 2027")
    horaires = brouillon.criteres.get(code="horaires")
    donnees = {
        "code": "brouillon-2027",
        "titre": "Référentiel 2027",
        "date": "2027-01-01",
        "criteres-TOTAL_FORMS": "1",
        "criteres-INITIAL_FORMS": "1",
        "criteres-MIN_NUM_FORMS": "0",
        "criteres-MAX_NUM_FORMS": "1000",
        "criteres-0-id": horaires.pk,
        "criteres-0-referentiel": brouillon.pk,
        "criteres-0-ordre": "1",
        "criteres-0-code": "horaires",
        "criteres-0-titre": "Ouverture d'au moins 30 heures sur 5 jours",
        "criteres-0-famille": "accueil",
        "criteres-0-preuve": "automatique",
        "criteres-0-verification": "horaires",
        "criteres-0-bloquant": "on",
        "criteres-0-aide": "",
    }
    reponse = client.post(f"/admin/labellisation/referentiel/{brouillon.pk}/change/", donnees)
    assert reponse.status_code == 302, reponse.content.decode()[:2000]
    brouillon.refresh_from_db()
    assert brouillon.titre == "Référentiel 2027"
    assert brouillon.criteres.get(code="horaires").titre == "Ouverture d'au moins 30 heures sur 5 jours"
    # Une preuve automatique sans vérification est refusée, avec un message sur le champ.
    donnees["criteres-0-verification"] = ""
    reponse = client.post(f"/admin/labellisation/referentiel/{brouillon.pk}/change/", donnees)
    assert reponse.status_code == 200
    assert "Une preuve automatique dit ce que la plateforme vérifie." in reponse.content.decode()


def test_copie_d_une_copie_dans_l_administration(client):
    national(client)
    brouillon = arrete_2025().copier_en_brouillon("brouillon-a-copier", "Référentiel 2027 (brouillon)")
    reponse = client.post(
        "/admin/labellisation/referentiel/",
        {"action": "copier_en_brouillon", "_selected_action": [brouillon.pk]},
    )
    assert reponse.status_code == 302
    copie = Referentiel.objects.get(origine=brouillon)
    assert copie.titre == "Référentiel 2027 (brouillon)"
    assert copie.code.startswith("brouillon-")


def test_la_suppression_groupee_refuse_une_version_publiee(client):
    national(client)
    reponse = client.post(
        "/admin/labellisation/referentiel/",
        {"action": "delete_selected", "_selected_action": [arrete_2025().pk], "post": "yes"},
    )
    assert reponse.status_code == 403
    assert Referentiel.objects.filter(code="arrete-2025").exists()
