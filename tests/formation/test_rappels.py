"""Le rappel hebdomadaire aux responsables, par la commande planifiée et les tâches de fond."""

import io
import json
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from guichet import planification
from guichet.comptes import services as comptes
from guichet.comptes.models import Role
from guichet.formation import services
from guichet.formation.models import RappelFormation
from guichet.temps import PARIS
from tests.comptes.factories import HabilitationFactory, InvitationFactory, UtilisateurFactory
from tests.formation.factories import former
from tests.reseau.factories import StructureFactory

pytestmark = pytest.mark.django_db

LUNDI = datetime(2026, 3, 16, 8, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def taches_immediates(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def relancer(django_capture_on_commit_callbacks):
    """Lance la commande ; les courriels partent après la validation de sa transaction : exécutée ici."""

    def _relancer(*options, quand=LUNDI):
        sortie = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command(
                "relancer_formation",
                "--json",
                "--maintenant",
                quand.strftime("%Y-%m-%dT%H:%M"),
                *options,
                stdout=sortie,
                stderr=io.StringIO(),
            )
        return json.loads(sortie.getvalue())

    return _relancer


@pytest.fixture
def site():
    structure = StructureFactory(nom="France services de Tulle")
    responsable = HabilitationFactory(
        role=Role.GESTIONNAIRE, structure=structure, utilisateur=UtilisateurFactory(email="responsable@example.fr")
    ).utilisateur
    former(responsable, structure)
    return structure, responsable


def test_un_agent_invite_commence_vide_et_son_responsable_est_rappele_chaque_semaine(site, relancer):
    structure, responsable = site
    invitation = InvitationFactory(structure=structure, email="nouvelle@example.fr", invite_par=responsable)
    agent = comptes.creer_compte_par_invitation(invitation, "Inès", "Nouvelle", "mot-de-passe-tres-long-2026")
    etat = services.etat_du_parcours(agent)
    assert etat.faits == 0 and not etat.forme
    mail.outbox.clear()

    # Sans --wet-run : compté, rien n'est envoyé ni inscrit.
    assert relancer()["rappels"] == 1
    assert mail.outbox == [] and not RappelFormation.objects.exists()

    rapport = relancer("--wet-run")
    assert (rapport["rappels"], rapport["agents"]) == (1, 1)
    (courriel,) = mail.outbox
    assert courriel.to == ["responsable@example.fr"]
    assert "Inès Nouvelle : 0 module sur 17" in courriel.body
    assert f"/espace/formation/structures/{structure.pk}/" in courriel.body

    # Une fois par semaine au plus, même relancée.
    assert relancer("--wet-run", quand=LUNDI + timedelta(days=3))["deja_envoyes"] == 1
    assert len(mail.outbox) == 1
    relancer("--wet-run", quand=LUNDI + timedelta(days=7))
    assert len(mail.outbox) == 2

    # Formée : plus de rappel.
    former(agent, structure)
    assert relancer("--wet-run", quand=LUNDI + timedelta(days=14))["rappels"] == 0
    assert len(mail.outbox) == 2


def test_personne_a_former_aucun_rappel(site, relancer):
    assert relancer("--wet-run")["rappels"] == 0
    assert mail.outbox == []


def test_un_agent_desactive_ne_declenche_pas_de_rappel(site, relancer):
    structure, _ = site
    HabilitationFactory(role=Role.CONSEILLER, structure=structure, utilisateur=UtilisateurFactory(is_active=False))
    assert relancer("--wet-run")["rappels"] == 0


def test_date_illisible_refusee_en_francais(site):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--maintenant : date illisible"):
        call_command("relancer_formation", "--maintenant", "lundi", stdout=io.StringIO(), stderr=io.StringIO())


def test_la_relance_est_planifiee_chaque_semaine():
    (tache,) = [t for t in planification.TACHES if t.commande == "relancer_formation"]
    assert tache.quand == "0 8 * * 1" and tache.options == ("--wet-run",)
