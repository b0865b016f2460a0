from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from guichet.activite import services
from guichet.activite.models import Canal, Duree, Resultat, TypeAide
from guichet.demarches.models import Demarche
from tests.activite.factories import AccompagnementFactory
from tests.reseau.factories import StructureFactory

pytestmark = pytest.mark.django_db


def demarche(operateur, code):
    return Demarche.objects.get(operateur__code=operateur, code=code)


def test_normaliser_enleve_accents_et_ponctuation():
    assert services.normaliser("Pré-demande de CNI (Électronique)") == "pre demande de cni electronique"
    assert services.normaliser("") == ""


@pytest.mark.parametrize(
    ("question", "attendue"),
    [
        ("APL", ("caf", "aide-logement")),
        ("prelevement", ("finances-publiques", "prelevement-source")),
        ("prélèvement à la source", ("finances-publiques", "prelevement-source")),
        ("cni", ("france-titres", "pre-demande-cni")),
        ("carte gri", ("france-titres", "carte-grise")),
        ("CSS", ("assurance-maladie", "css")),
        ("cmu", ("assurance-maladie", "css")),
        ("aspa", ("assurance-retraite", "aspa")),
        ("AAH", ("caf", "aah")),
        ("nir", ("assurance-maladie", "affiliation")),
    ],
)
def test_recherche_dans_le_catalogue(lieux, question, attendue):
    saisie = services.Saisie(lieux.conseiller)
    resultats = saisie.rechercher(question)
    assert resultats, question
    assert resultats[0][0] == services.cle_demarche(*attendue)


def test_recherche_sans_resultat_et_mots_vides(lieux):
    saisie = services.Saisie(lieux.conseiller)
    assert saisie.rechercher("zzzz") == []
    # « la poste » : le mot vide est ignoré, « poste » trouve les démarches de La Poste.
    assert {cle.split(":")[0] for cle, _ in saisie.rechercher("la poste")} == {"la-poste"}


def test_suggestions_agent_plus_que_lieu_sur_30_jours(lieux):
    caf_rsa, carte_grise = demarche("caf", "rsa"), demarche("france-titres", "carte-grise")
    # L'agent : 2 cartes grises (poids 3 → 6) ; un collègue du lieu : 5 RSA (poids 1 → 5).
    AccompagnementFactory.create_batch(
        2, structure=lieux.a1, agent=lieux.conseiller, operateur=lieux.titres, demarche=carte_grise
    )
    AccompagnementFactory.create_batch(5, structure=lieux.a1, agent=lieux.collegue, demarche=caf_rsa)
    # Ne comptent pas : une autre structure, et des saisies de plus de 30 jours.
    AccompagnementFactory.create_batch(10, structure=lieux.b, agent=lieux.conseiller_b, demarche=caf_rsa)
    AccompagnementFactory.create_batch(
        10, structure=lieux.a1, agent=lieux.collegue, le=timezone.now() - timedelta(days=31)
    )
    s = services.suggestions(lieux.conseiller, lieux.a1, services.Referentiel.pour(lieux.conseiller))
    assert s.scores["operateur"] == {"france-titres": 6, "caf": 5}
    assert s.scores["demarche"]["france-titres:carte-grise"] == 6
    # « Fréquents » : les plus choisies, mais dans l'ordre donné (naturel), jamais une réponse jamais vue.
    assert s.frequents("operateur", ["caf", "msa", "france-titres"]) == ["caf", "france-titres"]
    assert s.demarches_frequentes() == ["france-titres:carte-grise", "caf:rsa"]


def test_ordre_selon_la_demarche_choisie(lieux):
    cni = demarche("france-titres", "pre-demande-cni")
    rsa = demarche("caf", "rsa")
    AccompagnementFactory.create_batch(
        3,
        structure=lieux.a1,
        agent=lieux.conseiller,
        operateur=lieux.titres,
        demarche=cni,
        type_aide=TypeAide.RENDEZ_VOUS,
        resultat=Resultat.RENDEZ_VOUS,
    )
    AccompagnementFactory.create_batch(
        5, structure=lieux.a1, agent=lieux.conseiller, demarche=rsa, type_aide=TypeAide.INFORMATION
    )
    s = services.suggestions(lieux.conseiller, lieux.a1, services.Referentiel.pour(lieux.conseiller))
    valeurs = list(TypeAide.values)
    assert s.frequents("type_aide", valeurs) == [TypeAide.INFORMATION, TypeAide.RENDEZ_VOUS]
    assert s.frequents("type_aide", valeurs, "france-titres:pre-demande-cni") == [TypeAide.RENDEZ_VOUS]
    assert s.frequents("resultat", list(Resultat.values), "france-titres:pre-demande-cni") == [Resultat.RENDEZ_VOUS]


def test_ordre_naturel_et_rangee_frequents_stable(lieux):
    # Des saisies surtout de 15 à 30 min : la liste des durées garde son ordre naturel ; la rangée
    # « Fréquents » les montre à part, et dans l'ordre naturel elle aussi (pas par fréquence).
    AccompagnementFactory.create_batch(4, structure=lieux.a1, agent=lieux.conseiller, duree=Duree.DE_15_A_30)
    AccompagnementFactory.create_batch(2, structure=lieux.a1, agent=lieux.conseiller, duree=Duree.MOINS_15)
    AccompagnementFactory.create_batch(1, structure=lieux.a1, agent=lieux.conseiller, duree=Duree.PLUS_60)
    AccompagnementFactory.create_batch(1, structure=lieux.a1, agent=lieux.conseiller, duree=Duree.DE_30_A_60)
    saisie = services.Saisie(lieux.conseiller)
    p = saisie.parcours(QueryDict("operateur=caf&demarche=rsa&type_aide=information&resultat=resolu"))
    assert [v for v, _ in p.reponses] == list(Duree.values)
    assert [v for v, _ in p.frequents] == [Duree.MOINS_15, Duree.DE_15_A_30, Duree.DE_30_A_60]
    p = saisie.parcours(QueryDict(""))
    operateurs = [v for v, _ in p.reponses]
    assert operateurs.index("france-travail") < operateurs.index("caf")  # l'ordre de l'accord-cadre


def test_canal_par_defaut(lieux):
    vide = services.Suggestions(scores={})
    assert services.canal_par_defaut(StructureFactory(bus=True), vide) == Canal.ITINERANCE
    assert services.canal_par_defaut(StructureFactory(multisite=True), vide) == Canal.PERMANENCE
    assert services.canal_par_defaut(lieux.a1, vide) == Canal.ACCUEIL
    AccompagnementFactory.create_batch(2, structure=lieux.a1, agent=lieux.conseiller, canal=Canal.TELEPHONE)
    s = services.suggestions(lieux.conseiller, lieux.a1, services.Referentiel.pour(lieux.conseiller))
    assert services.canal_par_defaut(lieux.a1, s) == Canal.TELEPHONE


def test_parcours_une_question_a_la_fois(lieux):
    saisie = services.Saisie(lieux.conseiller)
    p = saisie.parcours(QueryDict(""))
    # Une seule structure et un canal par défaut : la première question est l'opérateur.
    assert p.etape == "operateur"
    assert p.valeurs == {"structure": str(lieux.a1.pk), "canal": "accueil"}
    codes = [v for v, _ in p.reponses]
    assert "mission-locale-ain" in codes and "caf" in codes
    p = saisie.parcours(QueryDict("operateur=caf"))
    assert p.etape == "demarche"
    assert p.reponses[-1] == (services.AUCUNE, "Autre démarche")
    p = saisie.parcours(QueryDict("choix=caf:rsa"))
    assert (p.etape, p.valeurs["demarche"]) == ("type_aide", "rsa")
    p = saisie.parcours(QueryDict("operateur=caf&demarche=rsa&type_aide=information&resultat=resolu"))
    assert p.etape == "duree"
    assert [v for v, _ in p.reponses] == list(Duree.values)
    # Un partenaire local sans démarche au catalogue : la démarche est « autre ».
    p = saisie.parcours(QueryDict("operateur=mission-locale-ain"))
    assert (p.etape, p.valeurs["demarche"]) == ("type_aide", services.AUCUNE)


def test_parcours_ignore_les_valeurs_invalides_et_reprend_une_question(lieux):
    saisie = services.Saisie(lieux.conseiller)
    p = saisie.parcours(QueryDict("operateur=inconnu&type_aide=nimporte&canal=fax"))
    assert p.etape == "operateur"
    assert "type_aide" not in p.valeurs and p.valeurs["canal"] == "accueil"
    # Démarche d'un autre opérateur : ignorée.
    p = saisie.parcours(QueryDict("operateur=caf&demarche=carte-grise"))
    assert p.etape == "demarche"
    # Reprendre l'opérateur oublie la démarche.
    p = saisie.parcours(QueryDict("operateur=caf&demarche=rsa&type_aide=information&etape=operateur"))
    assert p.etape == "operateur" and "demarche" not in p.valeurs and p.valeurs["type_aide"] == "information"
    p = saisie.parcours(QueryDict("operateur=caf&demarche=rsa&etape=canal"))
    assert p.etape == "canal" and "canal" not in p.valeurs


def test_partenaire_local_d_un_autre_departement_refuse(lieux):
    p = services.Saisie(lieux.conseiller_b).parcours(QueryDict("operateur=mission-locale-ain"))
    assert p.etape == "operateur"
    assert "mission-locale-ain" not in [v for v, _ in p.reponses]


def test_plusieurs_structures_la_question_vient_d_abord(lieux):
    saisie = services.Saisie(lieux.multi)
    p = saisie.parcours(QueryDict(""))
    assert p.etape == "structure"
    assert {v for v, _ in p.reponses} == {str(lieux.a1.pk), str(lieux.a2.pk)}
    # Avec une saisie passée, sa structure est reprise.
    AccompagnementFactory(structure=lieux.a2, agent=lieux.multi)
    p = services.Saisie(lieux.multi).parcours(QueryDict(""))
    assert (p.etape, p.valeurs["structure"]) == ("operateur", str(lieux.a2.pk))


def test_derniere_saisie(lieux):
    assert services.Saisie(lieux.conseiller).derniere is None
    AccompagnementFactory(structure=lieux.a1, agent=lieux.conseiller, le=timezone.now() - timedelta(hours=2))
    recente = AccompagnementFactory(
        structure=lieux.a1, agent=lieux.conseiller, demarche=demarche("caf", "aah"), duree=Duree.DE_30_A_60
    )
    AccompagnementFactory(structure=lieux.a1, agent=lieux.collegue)  # d'un autre agent, plus récente
    saisie = services.Saisie(lieux.conseiller)
    assert saisie.derniere == recente
    assert services.valeurs_de(recente) | {"structure": str(lieux.a1.pk)} == {
        "structure": str(lieux.a1.pk),
        "canal": "accueil",
        "operateur": "caf",
        "demarche": "aah",
        "type_aide": recente.type_aide,
        "resultat": recente.resultat,
        "duree": "30_60",
    }
    assert saisie.en_json()["derniere"]["demarche"] == "aah"
