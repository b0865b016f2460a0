"""Le périmètre de l'utilisateur est lu une fois par requête : le nombre de requêtes SQL des pages
les plus vues est borné, quel que soit le nombre de questions posées à `guichet.permissions`.

Avant que le périmètre ne soit gardé sur l'utilisateur, le bureau coûtait 27 requêtes (dont 15 fois
la même lecture des habilitations), « Mon espace » 13, une demande de 17 à 28 (première visite de la
session) ; les bornes ci-dessous sont les chiffres d'après, plus une requête par page pour les
liens du pied de page, et chaque page ne lit les habilitations pour le périmètre qu'une fois."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guichet import permissions
from guichet.comptes.models import Habilitation, Role
from guichet.demandes import permissions as permissions_demandes
from guichet.qualite import permissions as permissions_qualite
from guichet.statistiques import permissions as permissions_statistiques
from tests.activite.factories import AccompagnementFactory
from tests.comptes.conftest import connecter
from tests.comptes.factories import HabilitationFactory
from tests.demandes.factories import monde_des_demandes, ouvrir

pytestmark = pytest.mark.django_db


@pytest.fixture
def m(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    m = monde_des_demandes()
    m.demande = ouvrir(m)
    AccompagnementFactory(agent=m.conseiller_a1, structure=m.a1)
    return m


def _get(client, url):
    """La page, dont le périmètre n'est lu qu'une fois (la requête de `permissions._lire_perimetre`)."""
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(url)
    assert reponse.status_code == 200
    lectures = [q for q in requetes.captured_queries if '"comptes_habilitation"."role" AS "role"' in q["sql"]]
    assert len(lectures) == 1
    return reponse


def test_bureau(client, m, django_assert_max_num_queries):
    connecter(client, m.conseiller_a1)
    # Dont 2 pour le bloc « Ma formation » (modules du parcours en vigueur, inscriptions de l'agent).
    with django_assert_max_num_queries(17):
        _get(client, reverse("bureau:accueil"))


# Le fil montre qui a pris la demande en charge, et le formulaire de « Traitée » : une requête de plus ; le
# conseiller et son habilitation de tiers de confiance (ses structures, le parcours, ses présences) : trois de plus.
@pytest.mark.parametrize("personne, maximum", [("conseiller_a1", 25), ("referent_caf_a", 29), ("prefecture_a", 15)])
def test_page_d_une_demande(client, m, personne, maximum, django_assert_max_num_queries):
    connecter(client, getattr(m, personne))
    # Sous PostgreSQL, l'écriture au journal d'audit de la lecture prend en plus un verrou consultatif.
    verrou = 1 if connection.vendor == "postgresql" else 0
    with django_assert_max_num_queries(maximum + verrou):
        _get(client, reverse("demandes:detail", args=[m.demande.pk]))


@pytest.mark.parametrize(
    "personne, url, maximum",
    [
        # Les blocs d'accueil des applications (guichet.accueil) : un nombre de requêtes fixe par bloc,
        # indépendant du nombre de structures ou de demandes (comptes, agrégats).
        ("conseiller_a1", reverse("comptes:espace") + "?compte=1", 11),
        ("referent_caf_a", reverse("comptes:espace"), 12),
        # La préfecture : les blocs de dix applications (labellisation, formation, subvention, couverture,
        # satisfaction, enquêtes, plans d'action, demandes, réseau…), chacun en quelques requêtes fixes.
        ("prefecture_a", reverse("comptes:espace"), 50),
        # L'équipe nationale voit en plus l'état des tâches de fond (santé de la plateforme) et les régions.
        ("national", reverse("comptes:espace"), 58),
    ],
)
def test_mon_espace(client, m, personne, url, maximum, django_assert_max_num_queries):
    connecter(client, getattr(m, personne))
    with django_assert_max_num_queries(maximum):
        _get(client, url)


def test_perimetre_lu_une_fois_par_objet_utilisateur(m, django_assert_num_queries):
    with django_assert_num_queries(1):
        for _ in range(3):
            permissions.perimetre(m.prefecture_a)
        permissions.exige_double_facteur(m.prefecture_a)
        permissions_qualite.peut_voir_qualite(m.prefecture_a)
        permissions_statistiques.peut_voir_statistiques(m.prefecture_a)
        permissions.est_professionnel(m.prefecture_a)
        permissions_demandes.vues_des_demandes(m.prefecture_a)


def test_perimetre_relu_apres_un_changement_de_droits(m):
    user = m.sans_role
    assert not permissions.est_professionnel(user)
    user.is_staff = True
    assert permissions_statistiques.statistiques_nationales(user)
    user.is_staff = False
    assert not permissions_statistiques.statistiques_nationales(user)


def test_habilitation_retiree_oubliee_aussitot(m):
    user = m.sans_role
    habilitation = HabilitationFactory(utilisateur=user, role=Role.CONSEILLER, structure=m.b)
    assert permissions.peut_voir_structure(user, m.b)
    habilitation.delete()
    assert not permissions.peut_voir_structure(user, m.b)


def test_chaque_requete_relit_le_perimetre(client, m):
    connecter(client, m.conseiller_b)
    assert client.get(reverse("bureau:accueil")).status_code == 200
    Habilitation.objects.filter(utilisateur=m.conseiller_b).delete()
    assert client.get(reverse("bureau:accueil")).status_code == 302
