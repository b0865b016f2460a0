"""Le réseau de démonstration montre des non-conformités réalistes, pas tout en vert."""

import io
import json

from django.core.management import call_command

from guichet.formation import demo as demo_formation
from guichet.reseau import demo
from tests.reseau.test_demo import geographie  # noqa: F401  (fixture)


def test_la_demonstration_montre_des_sites_sous_24_h_et_a_un_seul_agent(geographie):  # noqa: F811
    demo.peupler()
    demo_formation.peupler()  # les agents formés : le critère « deux agents » les compte
    sortie = io.StringIO()
    call_command("conformite", "--json", stdout=sortie, stderr=io.StringIO())
    rapport = json.loads(sortie.getvalue())
    assert len(rapport["sites"]) == 9
    par_critere = rapport["par_critere"]
    assert par_critere["horaires"]["non_conforme"] >= 2  # une antenne à 18 h, le bus
    assert par_critere["horaires"]["conforme"] >= 5
    assert par_critere["agents"]["non_conforme"] >= 1
    assert par_critere["agents"]["conforme"] >= 5


def test_la_demonstration_a_des_dossiers_a_chaque_etape(geographie, client):  # noqa: F811
    from django.urls import reverse

    from guichet.comptes.models import Utilisateur
    from guichet.demo.orchestration import creer_demo
    from guichet.labellisation.models import Audit, Dossier, Etape
    from tests.comptes.conftest import connecter

    creer_demo()
    assert set(Dossier.objects.values_list("etape", flat=True)) == set(Etape.values)
    auditeur = Utilisateur.objects.get(email="auditeur@demo.guichet.fr")
    assert Audit.objects.filter(auditeur=auditeur, statut=Audit.Statut.PLANIFIE).count() >= 3
    assert Audit.objects.filter(statut=Audit.Statut.REALISE, lignes__resultat="non_conforme").exists()
    # Les contrôles sont faits après la formation des agents de démonstration : des sites ont deux agents formés.
    assert Audit.objects.filter(
        nature=Audit.Nature.CONTROLE, lignes__critere__code="agents", lignes__resultat="conforme"
    ).exists()
    for compte, page in (
        ("prefecture", "labellisation:tableau"),
        ("national", "labellisation:tableau"),
        ("auditeur", "labellisation:liste"),
        ("gestionnaire", "labellisation:liste"),
    ):
        client.logout()
        connecter(client, Utilisateur.objects.get(email=f"{compte}@demo.guichet.fr"))
        reponse = client.get(reverse(page))
        assert reponse.status_code == 200
        if compte == "prefecture":  # les non-conformités des contrôles du département, dont des actions en retard
            assert reponse.context["tableau"].actions_en_retard
    tableau = client.get(reverse("labellisation:tableau"))  # encore le responsable : refusé
    assert tableau.status_code == 403
    # Relancée, la démonstration remplace la précédente.
    nombre = Dossier.objects.count()
    creer_demo()
    assert Dossier.objects.count() == nombre
