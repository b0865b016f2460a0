"""La date de labellisation et l'annuaire public : un site labellisé à une date à venir n'est trouvé nulle part
(recherche, carte, API, page publique, export ouvert, accueil) avant ce jour (heure de Paris), l'est dès ce jour
venu, et en sort à la suspension ou au retrait du label."""

import io
import json
from datetime import datetime, time, timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.formats import date_format

from guichet.labellisation import documents, services
from guichet.labellisation.models import Etape
from guichet.reseau import annuaire
from guichet.reseau import services as reseau_services
from guichet.reseau.models import Structure
from guichet.temps import PARIS, jour_local
from tests.labellisation.factories import mettre_a, monde_labellisation
from tests.pdf import texte_du_pdf

pytestmark = pytest.mark.django_db

AUJOURD_HUI = jour_local(timezone.now())
DANS_DIX_JOURS = AUJOURD_HUI + timedelta(days=10)


@pytest.fixture
def m():
    m = monde_labellisation()
    m.site.matricule = "FS-19-EGLETONS"
    m.site.save(update_fields=["matricule"])
    mettre_a(m.dossier, Etape.AVIS_FAVORABLE)
    return m


def publie(client, site) -> dict:
    """Où le public trouve le site, ce jour-là : chaque lieu public qui liste ou montre des structures."""
    annuaire.invalider()  # l'annuaire de chaque processus se recharge au plus tard au bout d'une minute
    lat, lon = site.latitude, site.longitude
    export = io.StringIO()
    call_command("export_structures", "--format", "lmn-json", stdout=export, stderr=io.StringIO())
    return {
        "recherche": site in [r.structure for r in reseau_services.structures_proches(lat, lon)],
        "page trouver": site.get_absolute_url() in client.get("/trouver/", {"lat": lat, "lon": lon}).content.decode(),
        "api proches": site.matricule
        in [s["matricule"] for s in client.get("/api/v1/structures", {"near": f"{lat},{lon}"}).json()],
        "api fiche": client.get(f"/api/v1/structures/{site.matricule}").status_code == 200,
        "page publique": client.get(f"/structures/{site.matricule}/").status_code == 200,
        "export ouvert": site.matricule in json.dumps(json.loads(export.getvalue()), ensure_ascii=False),
        "accueil": "1 lieu labellisé" in client.get("/").content.decode(),
    }


PARTOUT = dict.fromkeys(
    ["recherche", "page trouver", "api proches", "api fiche", "page publique", "export ouvert", "accueil"], True
)
NULLE_PART = dict.fromkeys(PARTOUT, False)


def le_jour(jour, heure=time(0, 5)):
    """Ce jour-là, à cette heure de Paris : `timezone.now` rend cet instant (le jour de Paris en découle)."""
    return mock.patch("django.utils.timezone.now", return_value=datetime.combine(jour, heure, tzinfo=PARIS))


def test_decision_a_une_date_future_le_site_entre_dans_l_annuaire_ce_jour_la(client, m):
    evenement = services.labelliser(m.dossier, m.prefecture, date=DANS_DIX_JOURS)

    m.dossier.refresh_from_db()
    m.site.refresh_from_db()
    assert m.dossier.etape == Etape.LABELLISEE and m.dossier.date_labellisation == DANS_DIX_JOURS
    assert m.site.statut == Structure.Statut.LABELLISEE and m.site.date_labellisation == DANS_DIX_JOURS
    assert evenement.date == AUJOURD_HUI  # la décision est prise aujourd'hui, pour une date à venir
    assert evenement.libelle == f"Décision du préfet : site labellisé à compter du {DANS_DIX_JOURS:%d/%m/%Y}"
    assert m.site.historique.get().date == DANS_DIX_JOURS
    texte = " ".join(texte_du_pdf(documents.contenu(m.dossier.documents.get())).split())
    assert f"labellisée France Services à compter du {date_format(DANS_DIX_JOURS, 'j F Y')}" in texte
    assert f"Fait le {date_format(AUJOURD_HUI, 'j F Y')}" in texte

    assert publie(client, m.site) == NULLE_PART
    assert client.get(f"/structures/{m.site.matricule}/").status_code == 404
    assert client.get(f"/api/v1/structures/{m.site.matricule}").status_code == 404
    assert m.site not in Structure.objects.ouvertes_au_public()
    assert m.site in Structure.objects.ouvertes_au_public(jour=DANS_DIX_JOURS)

    with le_jour(DANS_DIX_JOURS - timedelta(days=1), time(23, 55)):  # la veille au soir, heure de Paris
        assert publie(client, m.site) == NULLE_PART
    with le_jour(DANS_DIX_JOURS):  # le jour venu, dès minuit cinq à Paris (la veille à 23 h 05 en temps universel)
        assert publie(client, m.site) == PARTOUT


def test_la_page_du_dossier_dit_quand_le_site_entrera_dans_l_annuaire(client, m):
    from tests.comptes.conftest import connecter

    services.labelliser(m.dossier, m.prefecture, date=DANS_DIX_JOURS)
    connecter(client, m.prefecture)
    page = client.get(f"/espace/labellisation/dossiers/{m.dossier.pk}/").content.decode()
    assert f"à compter du {DANS_DIX_JOURS:%d/%m/%Y} : le site entrera ce jour-là dans l'annuaire public" in page


def test_decision_du_jour_le_site_est_public_aussitot(client, m):
    services.labelliser(m.dossier, m.prefecture)
    assert publie(client, m.site) == PARTOUT


@pytest.mark.parametrize("sanction", ["suspendre", "retirer"])
def test_suspension_ou_retrait_le_site_sort_de_l_annuaire(client, m, sanction):
    services.labelliser(m.dossier, m.prefecture, date=AUJOURD_HUI - timedelta(days=30))
    assert publie(client, m.site) == PARTOUT
    getattr(m.dossier, sanction)(m.prefecture, motifs="Un seul agent depuis six mois.")
    m.site.refresh_from_db()
    sorti = publie(client, m.site)
    # Sa page et sa fiche restent, avec son statut (« Suspendue », « Label retiré ») ; il n'est plus listé nulle part.
    assert sorti == dict(NULLE_PART, **{"page publique": True, "api fiche": True})
    assert m.site.get_statut_display() in client.get(f"/structures/{m.site.matricule}/").content.decode()
    if sanction == "suspendre":
        m.dossier.retablir(m.prefecture)
        m.site.refresh_from_db()
        assert publie(client, m.site) == PARTOUT
