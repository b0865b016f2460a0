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

    from guichet.comptes.models import Habilitation, Role, Utilisateur
    from guichet.demo.orchestration import creer_demo
    from guichet.labellisation.models import Audit, Dossier, Etape
    from guichet.reseau.demo import DEPARTEMENT_DEMO
    from guichet.reseau.models import Structure
    from tests.comptes.conftest import connecter

    creer_demo()
    assert set(Dossier.objects.values_list("etape", flat=True)) == set(Etape.values)
    # Le back-office hors du département de démonstration : des référents des opérateurs nationaux, des comptes
    # qui ne se connectent pas ; les sites de ces départements peuvent ouvrir des demandes.
    hors_demo = Habilitation.objects.filter(role=Role.REFERENT).exclude(departement__code=DEPARTEMENT_DEMO)
    assert hors_demo.exists() and not hors_demo.filter(operateur__national=False).exists()
    assert not any(h.utilisateur.has_usable_password() for h in hors_demo.select_related("utilisateur"))
    sortie = io.StringIO()
    call_command("conformite", "--json", stdout=sortie, stderr=io.StringIO())
    sites = {s["matricule"]: s["criteres"] for s in json.loads(sortie.getvalue())["sites"]}
    ailleurs = Structure.objects.filter(matricule__in=sites).exclude(commune__departement__code=DEPARTEMENT_DEMO)
    assert any(sites[s.matricule]["outils"] == "conforme" for s in ailleurs)
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
    nombre, referents = Dossier.objects.count(), hors_demo.count()
    creer_demo()
    assert Dossier.objects.count() == nombre
    assert hors_demo.count() == referents
