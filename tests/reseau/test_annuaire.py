"""L'annuaire public en mémoire et le cache des résultats de la page « Trouver »."""

from datetime import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from dsfr.models import DsfrConfig

from guichet.reseau import annuaire, services
from guichet.reseau.models import Structure
from guichet.temps import PARIS
from tests.reseau.factories import CreneauFactory, StructureFactory, france_services_de_tulle


@pytest.mark.django_db
def test_annuaire_sans_requete_tant_qu_il_est_frais():
    StructureFactory(latitude=45.0, longitude=5.0)
    services.structures_proches(45.0, 5.0)
    with CaptureQueriesContext(connection) as requetes:
        services.structures_proches(45.1, 5.1)
        services.passages_proches(45.1, 5.1)
    assert len(requetes) == 0


@pytest.mark.django_db
def test_annuaire_recharge_apres_un_enregistrement():
    s = StructureFactory(latitude=45.0, longitude=5.0)
    assert [r.structure for r in services.structures_proches(45.0, 5.0)] == [s]
    s.changer_statut(Structure.Statut.SUSPENDUE)
    assert services.structures_proches(45.0, 5.0) == []
    nouvelle = StructureFactory(latitude=45.0, longitude=5.01)
    assert [r.structure for r in services.structures_proches(45.0, 5.0)] == [nouvelle]


@pytest.mark.django_db
def test_annuaire_recharge_apres_sa_duree_de_vie():
    """Un changement fait par un autre processus (ici une mise à jour sans signal) est vu après la durée de vie."""
    s = StructureFactory(latitude=45.0, longitude=5.0)
    services.structures_proches(45.0, 5.0)
    Structure.objects.filter(pk=s.pk).update(nom="Nouveau nom")
    assert services.structures_proches(45.0, 5.0)[0].structure.nom != "Nouveau nom"
    plus_tard = annuaire.annuaire().charge_le + annuaire.DUREE_DE_VIE + 1
    with mock.patch("guichet.reseau.annuaire.time.monotonic", return_value=plus_tard):
        assert services.structures_proches(45.0, 5.0)[0].structure.nom == "Nouveau nom"


@pytest.mark.django_db
def test_horaires_modifies_visibles_aussitot(client):
    s = france_services_de_tulle()
    mardi_8h = datetime(2026, 11, 24, 8, 0, tzinfo=PARIS)
    assert services.rechercher(code_commune="19272", maintenant=mardi_8h).resultats[0].ouvert is False
    CreneauFactory(structure=s, jour=1, debut="07:30", fin="08:30")
    assert services.rechercher(code_commune="19272", maintenant=mardi_8h).resultats[0].ouvert is True


@pytest.mark.django_db
def test_page_trouver_rendue_une_fois_puis_a_jour_a_la_fermeture(client):
    france_services_de_tulle(fin="17:00")
    avant = datetime(2026, 11, 24, 16, 59, 30, tzinfo=PARIS)  # un mardi
    apres = datetime(2026, 11, 24, 17, 0, 30, tzinfo=PARIS)
    badge = "reseau/badge_ouverture.html"
    with mock.patch("guichet.reseau.services.timezone.now", return_value=avant):
        premiere = client.get("/trouver/", {"q": "Tulle"})
        # Même demande, page encore juste : elle vient du cache, les cartes ne sont pas rendues.
        seconde = client.get("/trouver/", {"q": "Tulle"})
    assert badge in [t.name for t in premiere.templates]
    assert badge not in [t.name for t in seconde.templates]
    assert "Ouvert jusqu'à 17h00" in seconde.content.decode()
    with mock.patch("guichet.reseau.services.timezone.now", return_value=apres):
        troisieme = client.get("/trouver/", {"q": "Tulle"})
    assert badge in [t.name for t in troisieme.templates]
    assert "Ouvert jusqu" not in troisieme.content.decode() and "Fermé" in troisieme.content.decode()


@pytest.mark.django_db
def test_configuration_dsfr_lue_une_fois_puis_oubliee_a_l_enregistrement(client):
    client.get("/")
    with CaptureQueriesContext(connection) as requetes:
        client.get("/")
    assert not [q for q in requetes if "dsfr_dsfrconfig" in q["sql"]]
    DsfrConfig.objects.create(language="fr", notice_title="Service perturbé ce week-end")
    assert "Service perturbé ce week-end" in client.get("/").content.decode()
