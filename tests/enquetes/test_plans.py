"""Les plans d'action ouverts depuis un résultat d'enquête, une note du back-office d'un opérateur ou une
visite mystère : qui les ouvre, qui les voit."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from guichet.comptes.models import Role
from guichet.plans_d_action import permissions as permissions_plans_d_action
from guichet.plans_d_action.models import PlanDAction
from guichet.plans_d_action.services import plans_de
from guichet.visites import services as visites
from guichet.visites.models import CampagneVisites, Grille, Visite
from tests.comptes.conftest import connecter
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory


def _envoi(titre="Améliorer l'accueil", jours=30):
    echeance = (timezone.localdate() + timedelta(days=jours)).isoformat()
    return {"plan-titre": titre, "plan-libelle": "Former l'équipe à l'accueil", "plan-echeance": echeance}


def test_plan_depuis_le_resultat_d_une_structure(client, enquete):
    m = enquete.monde
    niveau = {"niveau": "structure", "code": m.a1.matricule}
    url = reverse("enquetes:plan_resultat", args=[enquete.campagne.pk]) + f"?niveau=structure&code={m.a1.matricule}"
    # Ni la structure elle-même, ni l'auditeur, ni la préfecture d'un autre département n'ouvrent de plan.
    for personne in (m.gestionnaire_a1, m.conseiller_a1, m.auditeur_a):
        connecter(client, personne)
        assert client.post(url, _envoi()).status_code == 403
    connecter(client, m.prefecture_a)
    page = client.get(reverse("enquetes:resultats", args=[enquete.campagne.pk]), niveau)
    assert page.context["form_plan"] is not None
    assert client.post(url, _envoi(jours=-1)).status_code == 400  # échéance passée : rien d'ouvert
    assert not PlanDAction.objects.exists()
    reponse = client.post(url, _envoi())
    plan = PlanDAction.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == plan.get_absolute_url()
    assert (plan.origine, plan.structure, plan.departement) == ("enquete", m.a1, m.dep_a)
    assert list(plans_de(enquete.campagne)) == [plan]
    # Le responsable de la structure le voit depuis ses résultats (sans pouvoir en ouvrir).
    connecter(client, m.gestionnaire_a1)
    page = client.get(reverse("enquetes:resultats", args=[enquete.campagne.pk]), niveau)
    assert page.context["plans"] == [plan] and page.context["form_plan"] is None
    # Une autre structure n'en sait rien.
    connecter(client, m.conseiller_b)
    assert not permissions_plans_d_action.plans_visibles(m.conseiller_b).exists()


def test_plan_depuis_la_note_d_un_operateur(client, monde):
    m = monde
    responsable_caf = UtilisateurFactory()
    HabilitationFactory(
        utilisateur=responsable_caf, role=Role.RESPONSABLE_OPERATEUR, operateur=m.caf, departement=m.dep_a
    )
    url = reverse("enquetes:plan_operateur") + f"?operateur={m.caf.pk}&departement={m.dep_a.pk}"
    connecter(client, m.prefecture_a)
    assert client.get(url).status_code == 200
    assert client.post(url, _envoi("Back-office CAF de l'Ain")).status_code == 302
    plan = PlanDAction.objects.get()
    assert (plan.origine, plan.operateur, plan.departement, plan.structure) == (
        "evaluation_operateur",
        m.caf,
        m.dep_a,
        None,
    )
    # Le responsable départemental de la CAF le voit (et y répond, par les pages des plans d'action).
    assert list(permissions_plans_d_action.plans_visibles(responsable_caf)) == [plan]
    assert permissions_plans_d_action.peut_repondre_action(responsable_caf, plan.actions.get())
    connecter(client, responsable_caf)
    page = client.get(url)
    assert page.status_code == 200 and page.context["plans"] == [plan] and page.context["form_plan"] is None
    assert client.post(url, _envoi()).status_code == 403
    # Le référent d'un autre opérateur, ou d'un autre département : refusé.
    connecter(client, m.referent_local_b)
    assert client.get(url).status_code == 403
    autre = reverse("enquetes:plan_operateur") + f"?operateur={m.caf.pk}&departement={m.dep_b.pk}"
    connecter(client, m.prefecture_a)
    assert client.get(autre).status_code == 403
    assert client.get(reverse("enquetes:plan_operateur") + "?operateur=x").status_code == 404


def test_plan_depuis_une_visite(client, monde):
    m = monde
    evaluateur = UtilisateurFactory()
    HabilitationFactory(utilisateur=evaluateur, role=Role.AUDITEUR, departement=m.dep_b)
    jour = timezone.localdate()
    campagne = CampagneVisites.objects.create(
        titre="Ain", grille=Grille.objects.get(code="2026"), departement=m.dep_a, debut=jour, fin=jour
    )
    visite = Visite.objects.create(campagne=campagne, structure=m.a1, evaluateur=evaluateur, prevue_le=jour)
    url = reverse("visites:plan", args=[visite.pk])
    connecter(client, m.prefecture_a)
    assert client.post(url, _envoi()).status_code == 403  # pas encore réalisée
    visites.enregistrer_visite(visite, scenario="titre", realisee_le=jour, commentaire="", notes={})
    for personne in (evaluateur, m.auditeur_a):
        connecter(client, personne)
        assert client.post(url, _envoi()).status_code == 403
    connecter(client, m.gestionnaire_a1)
    assert client.post(url, _envoi()).status_code == 404  # campagne pas close : la visite n'existe pas pour lui
    connecter(client, m.prefecture_a)
    assert client.post(url, _envoi("Confidentialité à revoir")).status_code == 302
    plan = PlanDAction.objects.get()
    assert (plan.origine, plan.structure) == ("visite_mystere", m.a1) and list(plans_de(visite)) == [plan]
    visites.clore(campagne)
    connecter(client, m.gestionnaire_a1)
    page = client.get(reverse("visites:visite", args=[visite.pk]))
    assert page.context["plans"] == [plan] and "Confidentialité à revoir" in page.content.decode()
