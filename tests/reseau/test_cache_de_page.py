"""La page « Trouver » gardée entière en cache pour les visiteurs anonymes : juste à la minute près (elle
est rendue de nouveau à la prochaine ouverture ou fermeture d'un lieu montré, ou à minuit), jamais
partagée avec une personne connectée, avec le nonce de sa propre réponse."""

from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from csp.middleware import CSPMiddleware
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from guichet.reseau import annuaire, cache_de_page
from guichet.reseau.models import Structure
from tests.comptes.factories import UtilisateurFactory
from tests.reseau.factories import CreneauFactory, PassageFactory, StructureFactory, france_services_de_tulle
from tests.territoires.factories import CommuneFactory

PARIS = ZoneInfo("Europe/Paris")
MARDI_16H59_30 = datetime(2026, 11, 24, 16, 59, 30, tzinfo=PARIS)
MARDI_16H59_59 = datetime(2026, 11, 24, 16, 59, 59, tzinfo=PARIS)
MARDI_17H00_01 = datetime(2026, 11, 24, 17, 0, 1, tzinfo=PARIS)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tulle():
    return france_services_de_tulle(fin="17:00")


def _a(moment, client, **params):
    with mock.patch("guichet.reseau.views.timezone.now", return_value=moment):
        return client.get("/trouver/", params or {"q": "Tulle"})


def test_seconde_demande_servie_du_cache_sans_rendu_ni_requete(client, tulle):
    premiere = _a(MARDI_16H59_30, client)
    with CaptureQueriesContext(connection) as requetes:
        seconde = _a(MARDI_16H59_59, client)
    assert premiere.templates and not seconde.templates
    assert len(requetes) == 0
    assert "Ouvert jusqu'à 17h00" in seconde.content.decode()


def _requete():
    requete = RequestFactory().get("/trouver/", {"q": "Tulle"})
    requete.user = AnonymousUser()
    CSPMiddleware(lambda r: None).process_request(requete)
    return requete


def test_chaque_reponse_a_son_propre_nonce():
    """Une page qui porte le nonce CSP (scripts en ligne) : la copie gardée reçoit celui de la requête."""
    rendus = []

    def rendre(requete):
        rendus.append(requete)
        return HttpResponse(f'<script nonce="{requete.csp_nonce}">dessiner()</script>'), MARDI_17H00_01

    premiere, seconde = _requete(), _requete()
    r1 = cache_de_page.servir(premiere, "essai-nonce", lambda: rendre(premiere), MARDI_16H59_30)
    r2 = cache_de_page.servir(seconde, "essai-nonce", lambda: rendre(seconde), MARDI_16H59_59)
    assert rendus == [premiere]
    assert r1.content.decode() == f'<script nonce="{premiere.csp_nonce}">dessiner()</script>'
    assert r2.content.decode() == f'<script nonce="{seconde.csp_nonce}">dessiner()</script>'
    assert str(premiere.csp_nonce) != str(seconde.csp_nonce)


def test_le_badge_change_a_la_minute_suivante(client, tulle):
    assert "Ouvert jusqu'à 17h00" in _a(MARDI_16H59_59, client).content.decode()
    apres = _a(MARDI_17H00_01, client)
    assert apres.templates
    assert "Ouvert jusqu" not in apres.content.decode() and "Fermé" in apres.content.decode()


def test_page_gardee_d_une_minute_a_l_autre_tant_que_rien_ne_change(client, tulle):
    _a(datetime(2026, 11, 24, 14, 0, tzinfo=PARIS), client)
    page = _a(datetime(2026, 11, 24, 16, 59, 59, tzinfo=PARIS), client)
    assert not page.templates and "Ouvert jusqu'à 17h00" in page.content.decode()


def test_ouvre_demain_devient_aujourd_hui_a_minuit(client, tulle):
    assert "ouvre demain à 09h00" in _a(datetime(2026, 11, 24, 23, 59, tzinfo=PARIS), client).content.decode()
    apres_minuit = _a(datetime(2026, 11, 25, 0, 1, tzinfo=PARIS), client)
    assert apres_minuit.templates and "ouvre aujourd&#x27;hui à 09h00" in apres_minuit.content.decode()


def test_un_changement_de_l_annuaire_rend_la_page_de_nouveau(client, tulle):
    _a(MARDI_16H59_30, client)
    CreneauFactory(structure=tulle, jour=1, debut="17:30", fin="19:00")
    Structure.objects.filter(pk=tulle.pk).update(nom="France services de Tulle-Centre")
    annuaire.invalider()
    page = _a(MARDI_16H59_59, client)
    assert page.templates and "France services de Tulle-Centre" in page.content.decode()


def test_rechargement_periodique_sans_changement_garde_le_cache(client, tulle):
    _a(MARDI_16H59_30, client)
    annuaire.invalider()  # rechargé à l'identique, comme après la durée de vie
    assert not _a(MARDI_16H59_59, client).templates


def test_une_personne_connectee_ne_recoit_ni_ne_laisse_de_page_en_cache(client, tulle):
    _a(MARDI_16H59_30, client)  # gardée pour les anonymes
    camille = UtilisateurFactory(first_name="Camille", last_name="Secrète", email="camille.secrete@example.fr")
    client.force_login(camille, backend="django.contrib.auth.backends.ModelBackend")
    connectee = _a(MARDI_16H59_59, client)
    assert connectee.templates and "Camille Secrète" in connectee.content.decode()
    client.logout()
    anonyme = _a(MARDI_16H59_59, client)
    assert "Camille Secrète" not in anonyme.content.decode()
    assert "Espace professionnel" in anonyme.content.decode()


def test_session_ou_messages_en_attente_non_servis_du_cache(client, tulle):
    _a(MARDI_16H59_30, client)
    client.cookies["messages"] = "un-message-en-attente"
    assert _a(MARDI_16H59_59, client).templates
    del client.cookies["messages"]
    client.cookies["sessionid"] = "une-session"
    assert _a(MARDI_16H59_59, client).templates


def test_demandes_differentes_pages_differentes(client, tulle):
    _a(MARDI_16H59_30, client)
    autre = _a(MARDI_16H59_30, client, q="Zzyzx")
    assert autre.templates and "Aucune commune ne correspond à « Zzyzx »" in autre.content.decode()
    # Un paramètre étranger à la recherche ne crée pas de nouvelle page.
    assert not _a(MARDI_16H59_59, client, q="Tulle", utm_source="lettre").templates


def test_page_rendue_de_nouveau_a_la_fin_d_un_passage_du_bus(client, tulle):
    bus = StructureFactory(nom="Bus des Monédières", bus=True, latitude=45.9, longitude=1.0)
    chaumeil = CommuneFactory(nom="Chaumeil", latitude=45.3, longitude=1.8)
    PassageFactory(structure=bus, commune=chaumeil, lieu="Église", jour=1, debut="10:00", fin="11:30")
    pendant = _a(datetime(2026, 11, 24, 11, 29, tzinfo=PARIS), client)
    assert "Sur place jusqu'à 11h30" in pendant.content.decode()
    apres = _a(datetime(2026, 11, 24, 11, 31, tzinfo=PARIS), client)
    assert apres.templates and "Sur place" not in apres.content.decode()
    assert "Prochain passage mardi 1 décembre à 10h00" in apres.content.decode()
