"""Les plans d'action : ouverts tout ou rien, suivis action par action, clos quand tout est fait ; chacun ne voit
et ne répond qu'à ce qui le concerne."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from guichet.comptes.models import Role
from guichet.journal.models import EntreeJournal
from guichet.plans_d_action import permissions as permissions_plans_d_action
from guichet.plans_d_action import services
from guichet.plans_d_action.models import Action, Origine, PlanDAction
from guichet.temps import jour_local
from tests.comptes.conftest import connecter
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory
from tests.reseau.factories import OperateurFactory, StructureFactory

AUJOURD_HUI = jour_local(timezone.now())
DANS_UN_MOIS = AUJOURD_HUI + datetime.timedelta(days=30)


def _habilite(role, **kwargs):
    user = UtilisateurFactory()
    HabilitationFactory(utilisateur=user, role=role, **kwargs)
    return user


@pytest.fixture
def monde(db):
    structure = StructureFactory()
    autre = StructureFactory()
    dep = structure.commune.departement
    caf = OperateurFactory()
    national = _habilite(Role.NATIONAL)
    prefecture = _habilite(Role.PREFECTURE, departement=dep)
    prefecture_autre = _habilite(Role.PREFECTURE, departement=autre.commune.departement)
    gestionnaire = _habilite(Role.GESTIONNAIRE, structure=structure)
    gestionnaire_autre = _habilite(Role.GESTIONNAIRE, structure=autre)
    conseiller = _habilite(Role.CONSEILLER, structure=structure)
    responsable_caf = _habilite(Role.RESPONSABLE_OPERATEUR, operateur=caf, departement=dep)
    plan_site = services.ouvrir_plan(
        titre="Accueil à améliorer",
        origine=Origine.BORNE,
        departement=dep,
        auteur=prefecture,
        structure=structure,
        actions=[{"libelle": "Former l'équipe à l'accueil", "echeance": DANS_UN_MOIS}],
    )
    plan_caf = services.ouvrir_plan(
        titre="Délais du back-office",
        origine=Origine.EVALUATION_OPERATEUR,
        departement=dep,
        auteur=national,
        operateur=caf,
        actions=[
            {"libelle": "Nommer un second référent", "echeance": DANS_UN_MOIS},
            {"libelle": "Répondre sous 72 heures", "echeance": DANS_UN_MOIS.isoformat()},
        ],
    )
    return locals()


def test_un_plan_s_ouvre_avec_ses_actions_et_se_journalise(monde):
    plan = monde["plan_caf"]
    assert list(plan.actions.values_list("libelle", flat=True)) == [
        "Nommer un second référent",
        "Répondre sous 72 heures",
    ]
    assert plan.actions.get(libelle="Répondre sous 72 heures").echeance == DANS_UN_MOIS
    assert EntreeJournal.objects.filter(action="creation", objet_type="plans_d_action.plandaction").count() == 2


@pytest.mark.parametrize(
    "changement, champ, message",
    [
        ({"titre": " "}, "titre", "Donnez un titre"),
        ({"origine": "inventee"}, "origine", "Origine inconnue"),
        ({"actions": []}, "actions", "au moins une action"),
        (
            {"actions": [{"libelle": "A", "echeance": DANS_UN_MOIS}, {"libelle": "", "echeance": DANS_UN_MOIS}]},
            "libelle",
            "Action 2",
        ),
        ({"actions": [{"libelle": "A", "echeance": "2026-02-30"}]}, "echeance", "n'est pas une date"),
        ({"actions": [{"libelle": "A", "echeance": AUJOURD_HUI - datetime.timedelta(days=1)}]}, "echeance", "passée"),
    ],
)
def test_un_plan_invalide_n_est_pas_cree_du_tout(monde, changement, champ, message):
    avant = (PlanDAction.objects.count(), Action.objects.count())
    arguments = {
        "titre": "Plan",
        "origine": Origine.AUTRE,
        "departement": monde["dep"],
        "auteur": monde["national"],
        "actions": [{"libelle": "Une action", "echeance": DANS_UN_MOIS}],
    } | changement
    with pytest.raises(ValidationError) as erreur:
        services.ouvrir_plan(**arguments)
    assert champ in erreur.value.message_dict
    assert message in " ".join(erreur.value.message_dict[champ])
    assert (PlanDAction.objects.count(), Action.objects.count()) == avant


def test_une_structure_d_un_autre_departement_est_refusee(monde):
    with pytest.raises(ValidationError, match="pas dans le département"):
        services.ouvrir_plan(
            titre="Plan",
            origine=Origine.AUTRE,
            departement=monde["dep"],
            auteur=monde["national"],
            structure=monde["autre"],
            actions=[{"libelle": "Une action", "echeance": DANS_UN_MOIS}],
        )


def test_le_plan_se_clot_quand_tout_est_fait_et_se_rouvre_si_besoin(monde):
    plan = monde["plan_caf"]
    premiere, seconde = plan.actions.all()
    with pytest.raises(ValidationError):
        services.repondre(premiere, auteur=monde["responsable_caf"], texte="  ", statut=Action.Statut.FAITE)
    services.repondre(premiere, auteur=monde["responsable_caf"], texte="Nommée", statut=Action.Statut.FAITE)
    plan.refresh_from_db()
    assert plan.clos_le is None
    services.repondre(seconde, auteur=monde["responsable_caf"], texte="Abandon", statut=Action.Statut.ABANDONNEE)
    plan.refresh_from_db()
    premiere.refresh_from_db()
    assert plan.clos_le is not None and premiere.faite_le == AUJOURD_HUI
    services.repondre(premiere, auteur=monde["prefecture"], texte="À reprendre", statut=Action.Statut.EN_COURS)
    plan.refresh_from_db()
    premiere.refresh_from_db()
    assert plan.clos_le is None and premiere.faite_le is None


def test_actions_en_retard_et_plans_d_une_source(monde):
    action = monde["plan_site"].actions.get()
    Action.objects.filter(pk=action.pk).update(echeance=AUJOURD_HUI - datetime.timedelta(days=2))
    assert list(services.actions_en_retard([monde["dep"]])) == [action]
    assert not services.actions_en_retard([monde["autre"].commune.departement]).exists()
    Action.objects.filter(pk=action.pk).update(statut=Action.Statut.FAITE)
    assert not services.actions_en_retard().exists()
    source = monde["structure"]
    plan = services.ouvrir_plan(
        titre="Depuis une source",
        origine=Origine.LABELLISATION,
        departement=monde["dep"],
        auteur=monde["prefecture"],
        source=source,
        actions=[{"libelle": "Afficher les horaires", "echeance": DANS_UN_MOIS}],
    )
    assert list(services.plans_de(source)) == [plan]


def test_qui_voit_quels_plans(monde):
    site, caf = monde["plan_site"], monde["plan_caf"]

    def vus(user):
        return set(permissions_plans_d_action.plans_visibles(user))

    assert vus(monde["national"]) == {site, caf}
    assert vus(monde["prefecture"]) == {site, caf}
    assert vus(monde["gestionnaire"]) == {site}
    assert vus(monde["responsable_caf"]) == {caf}
    assert vus(monde["prefecture_autre"]) == set()
    assert vus(monde["gestionnaire_autre"]) == set()
    assert vus(monde["conseiller"]) == set()
    assert not permissions_plans_d_action.peut_voir_plans(monde["conseiller"])


@pytest.mark.parametrize(
    "qui, plan, attendu",
    [
        ("national", "plan_site", 200),
        ("prefecture", "plan_caf", 200),
        ("gestionnaire", "plan_site", 200),
        ("gestionnaire", "plan_caf", 404),
        ("responsable_caf", "plan_caf", 200),
        ("responsable_caf", "plan_site", 404),
        ("prefecture_autre", "plan_site", 404),
        ("gestionnaire_autre", "plan_site", 404),
        ("conseiller", "plan_site", 404),
    ],
)
def test_la_page_d_un_plan_n_est_ouverte_qu_a_qui_le_voit(client, monde, qui, plan, attendu):
    connecter(client, monde[qui])
    assert client.get(monde[plan].get_absolute_url()).status_code == attendu


@pytest.mark.parametrize("qui, attendu", [("conseiller", 403), ("prefecture_autre", 200), ("national", 200)])
def test_la_liste_est_refusee_a_qui_n_a_pas_de_role_de_suivi(client, monde, qui, attendu):
    connecter(client, monde[qui])
    assert client.get("/espace/plans-d-action/").status_code == attendu


def test_la_liste_d_une_autre_structure_ne_montre_aucun_plan_d_ailleurs(client, monde):
    connecter(client, monde["gestionnaire_autre"])
    contenu = client.get("/espace/plans-d-action/?etat=tous").content.decode()
    assert "Accueil à améliorer" not in contenu and "Délais du back-office" not in contenu
    assert "Aucun plan d'action" in contenu


def test_la_liste_filtre_et_marque_le_filtre_actif(client, monde):
    Action.objects.filter(plan=monde["plan_site"]).update(echeance=AUJOURD_HUI - datetime.timedelta(days=1))
    connecter(client, monde["prefecture"])
    contenu = client.get("/espace/plans-d-action/?etat=retard").content.decode()
    assert "Accueil à améliorer" in contenu and "Délais du back-office" not in contenu
    assert 'href="?etat=retard" aria-current="true"' in contenu
    assert "Ouvrir un plan d'action" in contenu
    connecter(client, monde["gestionnaire"])
    assert "Ouvrir un plan d'action" not in client.get("/espace/plans-d-action/").content.decode()


def test_le_gestionnaire_repond_a_son_plan_mais_pas_a_celui_de_l_operateur(client, monde):
    action_site = monde["plan_site"].actions.get()
    action_caf = monde["plan_caf"].actions.first()
    connecter(client, monde["gestionnaire"])
    url = f"/espace/plans-d-action/{monde['plan_site'].pk}/actions/{action_site.pk}/suivi/"
    reponse = client.post(
        url, {f"a{action_site.pk}-texte": "Formation faite le 12", f"a{action_site.pk}-statut": "faite"}
    )
    assert reponse.status_code == 302
    action_site.refresh_from_db()
    assert action_site.statut == "faite" and action_site.suivis.get().texte == "Formation faite le 12"
    url_caf = f"/espace/plans-d-action/{monde['plan_caf'].pk}/actions/{action_caf.pk}/suivi/"
    assert client.post(url_caf, {f"a{action_caf.pk}-texte": "x"}).status_code == 404
    # Une action d'un autre plan, passée sous l'adresse d'un plan visible : refusée aussi.
    url_melange = f"/espace/plans-d-action/{monde['plan_site'].pk}/actions/{action_caf.pk}/suivi/"
    assert client.post(url_melange, {f"a{action_caf.pk}-texte": "x"}).status_code == 404
    assert not action_caf.suivis.exists()


def test_le_responsable_de_l_operateur_lit_mais_n_ajoute_pas_d_action(client, monde):
    plan = monde["plan_caf"]
    connecter(client, monde["responsable_caf"])
    contenu = client.get(plan.get_absolute_url()).content.decode()
    assert "Enregistrer le suivi" in contenu and "Ajouter l'action" not in contenu
    reponse = client.post(
        f"/espace/plans-d-action/{plan.pk}/actions/", {"ajout-libelle": "x", "ajout-echeance": "2030-01-01"}
    )
    assert reponse.status_code == 403
    assert plan.actions.count() == 2


def test_un_suivi_sans_texte_est_refuse_avec_un_message_et_rien_ne_change(client, monde):
    action = monde["plan_site"].actions.get()
    connecter(client, monde["gestionnaire"])
    reponse = client.post(
        f"/espace/plans-d-action/{monde['plan_site'].pk}/actions/{action.pk}/suivi/",
        {f"a{action.pk}-texte": "", f"a{action.pk}-statut": "faite"},
    )
    assert reponse.status_code == 400
    assert "Le formulaire contient 1 erreur" in reponse.content.decode()
    action.refresh_from_db()
    assert action.statut == "a_faire"


def test_la_prefecture_ouvre_un_plan_dans_son_departement_seulement(client, monde):
    connecter(client, monde["prefecture"])
    donnees = {
        "titre": "Signalétique",
        "departement": monde["dep"].pk,
        "structure": monde["structure"].matricule,
        "libelle": "Poser le panneau France services",
        "echeance": DANS_UN_MOIS.isoformat(),
    }
    reponse = client.post("/espace/plans-d-action/ouvrir/", donnees)
    plan = PlanDAction.objects.get(titre="Signalétique")
    assert reponse.status_code == 302 and reponse["Location"] == plan.get_absolute_url()
    assert plan.structure == monde["structure"] and plan.origine == "autre"
    # Un autre département n'est pas proposé : le choix est refusé, rien n'est créé.
    reponse = client.post(
        "/espace/plans-d-action/ouvrir/",
        donnees | {"titre": "Ailleurs", "departement": monde["autre"].commune.departement.pk, "structure": ""},
    )
    assert reponse.status_code == 400 and not PlanDAction.objects.filter(titre="Ailleurs").exists()
    # Une date qui n'existe pas : l'erreur nomme le champ.
    reponse = client.post("/espace/plans-d-action/ouvrir/", donnees | {"titre": "Date", "echeance": "2030-02-30"})
    assert reponse.status_code == 400 and "Saisissez une date qui existe" in reponse.content.decode()
    connecter(client, monde["gestionnaire"])
    assert client.get("/espace/plans-d-action/ouvrir/").status_code == 403
