"""L'évaluation annuelle du back-office des opérateurs par les structures, et ses résultats à côté du
tableau de qualité mesuré."""

import pytest
from django.urls import reverse
from django.utils import timezone

from guichet.comptes.models import Role
from guichet.enquetes import services
from guichet.enquetes.models import EvaluationOperateur
from guichet.qualite.permissions import perimetre_qualite
from tests.comptes.conftest import connecter
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory
from tests.reseau.factories import StructureFactory
from tests.territoires.factories import CommuneFactory

QUALITE = reverse("qualite:tableau")
EXPORT = reverse("enquetes:export_evaluations")


def _noter(structure, operateur, notes=(4, 3, 5), commentaire=""):
    annee = timezone.localdate().year
    services.enregistrer_evaluations(
        structure,
        None,
        annee,
        {operateur: dict(zip(("joignabilite", "delai", "utilite"), notes, strict=True), commentaire=commentaire)},
    )


@pytest.fixture
def notes(monde):
    """Département A : 5 structures notent la CAF (a1, a2 et trois autres), 2 notent la CPAM ; B : b note la CAF."""
    autres = [StructureFactory(commune=CommuneFactory(departement=monde.dep_a)) for _ in range(3)]
    for i, structure in enumerate([monde.a1, monde.a2, *autres]):
        _noter(structure, monde.caf, (i + 1, 3, 4), commentaire="Joindre la CAF au 01 23 45 67 89" if i == 0 else "")
    _noter(monde.a1, monde.cpam, (1, 1, 1))
    _noter(monde.a2, monde.cpam, (2, 2, 2))
    _noter(monde.b, monde.caf, (5, 5, 5))
    return monde


def test_resultats_par_operateur_et_departement_sous_le_seuil(notes):
    m = notes
    jour = timezone.localdate()
    avis = services.avis_des_structures(perimetre_qualite(m.national), jour, jour, commentaires=True)
    par_couple = {(a.operateur.code, a.departement.code): a for a in avis}
    caf_a = par_couple[("caf", "01")]
    assert caf_a.structures == 5 and caf_a.moyennes == {"joignabilite": 3.0, "delai": 3.0, "utilite": 4.0}
    assert caf_a.commentaires == ["Joindre la CAF au [téléphone masqué]"]
    assert par_couple[("cpam", "01")].masque and par_couple[("cpam", "01")].moyennes == {}
    assert par_couple[("caf", "02")].masque


def test_referent_ne_voit_que_son_operateur(client, notes):
    m = notes
    connecter(client, m.referent_caf_a)
    page = client.get(QUALITE)
    avis = page.context["avis"]
    assert [(a.operateur.code, a.departement.code) for a in avis] == [("caf", "01")]
    html = page.content.decode()
    assert "Ce que disent les structures" in html and "L&#x27;Assurance Maladie" not in html
    assert "[téléphone masqué]" not in html  # les commentaires : équipe nationale seulement
    assert client.get(QUALITE, {"operateur": m.cpam.pk}).status_code == 403
    assert client.get(EXPORT, {"operateur": m.cpam.pk}).status_code == 403
    assert client.get(EXPORT, {"departement": m.dep_b.pk}).status_code == 403
    lignes = client.get(EXPORT).content.decode().strip().splitlines()
    assert len(lignes) == 2 and lignes[1].startswith("Les Allocations familiales;01;")


def test_responsable_operateur_ne_voit_que_son_operateur(client, notes):
    m = notes
    responsable = UtilisateurFactory()
    HabilitationFactory(utilisateur=responsable, role=Role.RESPONSABLE_OPERATEUR, operateur=m.cpam, departement=m.dep_a)
    connecter(client, responsable)
    avis = client.get(QUALITE).context["avis"]
    assert [(a.operateur.code, a.structures) for a in avis] == [("cpam", None)]  # 2 structures : masqué


def test_prefecture_voit_tous_les_operateurs_de_son_departement(client, notes):
    m = notes
    connecter(client, m.prefecture_a)
    avis = client.get(QUALITE).context["avis"]
    assert {(a.operateur.code, a.departement.code) for a in avis} == {("caf", "01"), ("cpam", "01")}
    csv = client.get(EXPORT).content.decode()
    assert "Les Allocations familiales;01" in csv and ";;;;" in csv  # la CPAM, masquée, garde des cases vides


def test_la_page_qualite_reste_refusee_aux_agents(client, notes):
    connecter(client, notes.conseiller_a1)
    assert client.get(QUALITE).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_le_responsable_note_sa_structure(client, monde):
    connecter(client, monde.gestionnaire_a1)
    url = reverse("enquetes:evaluations")
    page = client.get(url)
    assert page.status_code == 200 and "Les Allocations familiales" in page.content.decode()
    envoi = {
        "caf-joignabilite": "2",
        "caf-delai": "1",
        "caf-utilite": "3",
        "caf-commentaire": "Personne ne répond ; écrire à jean@caf.fr",
        "structure": monde.a1.pk,
    }
    assert client.post(url, envoi).status_code == 302
    evaluation = EvaluationOperateur.objects.get(structure=monde.a1, operateur=monde.caf)
    assert (evaluation.joignabilite, evaluation.delai, evaluation.utilite) == (2, 1, 3)
    assert evaluation.commentaire == "Personne ne répond ; écrire à [courriel masqué]"
    assert evaluation.departement == monde.dep_a
    # Une seconde saisie remplace la première (une note par an et par opérateur).
    client.post(url, {**envoi, "caf-joignabilite": "4"})
    assert EvaluationOperateur.objects.get(structure=monde.a1, operateur=monde.caf).joignabilite == 4
    # Notes incomplètes : refusées, avec un message.
    incomplete = client.post(url, {"cpam-joignabilite": "2", "structure": monde.a1.pk})
    assert "Donnez les trois notes, ou aucune" in incomplete.content.decode()
    assert not EvaluationOperateur.objects.filter(operateur=monde.cpam).exists()
    # Une autre structure que la sienne : refusé.
    assert client.post(url, {**envoi, "structure": monde.b.pk}).status_code == 403
    assert client.get(url, {"structure": monde.b.pk}).status_code == 403


@pytest.mark.parametrize("personne", ["conseiller_a1", "prefecture_a", "referent_caf_a", "national"])
def test_seul_le_responsable_de_structure_note(client, monde, personne):
    connecter(client, getattr(monde, personne))
    assert client.get(reverse("enquetes:evaluations")).status_code == 403


def test_page_qualite_en_requetes_fixes_quel_que_soit_le_nombre_d_operateurs_notes(client, notes):
    """Les commentaires et les plans de chaque couple opérateur × département sont lus en une requête chacun,
    pas une par ligne : des opérateurs notés de plus n'ajoutent aucune requête."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from guichet.reseau.models import Operateur

    m = notes
    connecter(client, m.national)
    client.get(QUALITE)  # sessions, caches
    with CaptureQueriesContext(connection) as avant:
        assert client.get(QUALITE).status_code == 200
    for operateur in Operateur.objects.filter(national=True).exclude(pk__in=[m.caf.pk, m.cpam.pk])[:4]:
        _noter(m.a1, operateur, commentaire="Bien")
        _noter(m.b, operateur)
    with CaptureQueriesContext(connection) as apres:
        page = client.get(QUALITE)
    assert len(page.context["avis"]) >= 8
    assert len(apres.captured_queries) == len(avant.captured_queries)
