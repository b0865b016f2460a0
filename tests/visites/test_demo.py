"""Les démonstrations des enquêtes et des visites mystères, par `guichet demo` sur la petite géographie."""

from django.core.management import call_command

from guichet.comptes.models import Utilisateur
from guichet.enquetes import demo as demo_enquetes
from guichet.enquetes.models import Campagne, EvaluationOperateur, Reponse
from guichet.plans_d_action import permissions as permissions_plans_d_action
from guichet.plans_d_action.models import PlanDAction
from guichet.reseau.demo import DOMAINE
from guichet.visites import demo as demo_visites
from guichet.visites import permissions as permissions_visites
from guichet.visites.models import CampagneVisites, Visite
from tests.reseau.test_demo import geographie  # noqa: F401  (fixture)


def test_demo_enquetes_et_visites(geographie):  # noqa: F811
    call_command("demo", "--wet-run")
    close = Campagne.objects.get(titre=demo_enquetes.TITRE_CLOSE)
    assert close.etat() == "close" and close.reponses.exists()
    assert Campagne.objects.get(titre=demo_enquetes.TITRE_AGENTS).ouverte
    assert EvaluationOperateur.objects.exists()
    # Les visites : la campagne close montre ses résultats à la structure de démonstration, pas la campagne en cours.
    gestionnaire = Utilisateur.objects.get(email=f"gestionnaire@{DOMAINE}")
    resultats = permissions_visites.resultats_visites_de_la_structure(gestionnaire)
    assert resultats.exists() and {v.campagne.titre for v in resultats} == {demo_visites.TITRE_CLOSE}
    auditeur = Utilisateur.objects.get(email=f"auditeur@{DOMAINE}")
    a_faire = permissions_visites.visites_de_l_evaluateur(auditeur).filter(campagne__close_le__isnull=True)
    assert a_faire.filter(realisee_le__isnull=True).exists()
    # Des plans d'action : l'un depuis une visite (suivi par la structure), l'autre sur le back-office de la CAF
    # (la labellisation ouvre les siens depuis ses contrôles).
    assert {p.origine for p in PlanDAction.objects.all()} == {"visite_mystere", "evaluation_operateur", "labellisation"}
    assert permissions_plans_d_action.plans_visibles(gestionnaire).filter(origine="visite_mystere").exists()
    # Relancer remplace sans doublon.
    avant = (Reponse.objects.count(), Visite.objects.count(), PlanDAction.objects.count())
    call_command("demo", "--wet-run")
    assert (Reponse.objects.count(), Visite.objects.count(), PlanDAction.objects.count()) == avant
    assert CampagneVisites.objects.count() == 2 and Campagne.objects.count() == 3
