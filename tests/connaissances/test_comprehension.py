"""Comprendre la question comme elle se dit : corrections (jamais d'un sigle), mots courants et anciens noms du
lexique (des données), tournures de remplissage retirées."""

import pytest
from django.core.exceptions import ValidationError

from guichet.connaissances import recherche
from guichet.connaissances.models import Expression, Sigle
from tests.connaissances.factories import FicheFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus():
    return {
        "travail": FicheFactory(
            identifiant="F1001", titre="Recherche de travail", texte="Trouver un emploi près de chez soi."
        ),
        "virement": FicheFactory(identifiant="F1002", titre="Virement bancaire", texte="Le virement est gratuit."),
        "licenciement": FicheFactory(
            identifiant="F1003", titre="Licenciement pour motif personnel", texte="Le salarié licencié est convoqué."
        ),
        "pole": FicheFactory(
            identifiant="F1004", titre="Chômage : inscription à Pôle emploi", texte="L'inscription se fait en ligne."
        ),
        "titres": FicheFactory(
            identifiant="F1005", titre="Carte d'identité", texte="Le service France Titres instruit la demande."
        ),
        "grise": FicheFactory(
            identifiant="F1006", titre="Certificat d'immatriculation d'un véhicule d'occasion", texte="En ligne."
        ),
        "passeport": FicheFactory(
            identifiant="F1007", titre="Passeport : première demande", texte="Le passeport se demande en mairie."
        ),
        "siam": FicheFactory(identifiant="F1008", titre="Le siam et la passe", texte="Un siam, une passe."),
        "refaire": FicheFactory(
            identifiant="F1009", titre="Refaire sa carte vitale", texte="Refaire la carte vitale perdue."
        ),
        "carte": FicheFactory(identifiant="F1010", titre="Carte vitale", texte="La carte vitale de l'assuré."),
    }


def ids(reponse):
    return [r.fiche.identifiant for r in reponse.resultats]


def test_fautes_corrigees_contre_le_vocabulaire_du_corpus(corpus):
    reponse = recherche.chercher("pasport")
    assert ids(reponse)[0] == "F1007"
    assert reponse.corrections == [("pasport", "passeport")]


def test_un_sigle_n_est_jamais_corrige(corpus):
    # « SIAO » (sigle du lexique, à casse exacte) tapé en minuscules n'est pas lu « siam » ; « PASE » tapé en
    # capitales, inconnu du lexique, n'est pas lu « passe » : c'est un sigle, pas une faute.
    Sigle.objects.create(sigle="SIAO", expansion="service intégré d'accueil et d'orientation", casse_exacte=True)
    reponse = recherche.chercher("siao")
    assert reponse.corrections == [] and ids(reponse) == []
    reponse = recherche.chercher("PASE")
    assert reponse.corrections == [] and "PASE" in reponse.inconnus and ids(reponse) == []
    # Le même mot en minuscules est une faute, corrigée : la règle tient au sigle.
    assert recherche.chercher("pase").corrections == [("pase", "passe")]


def test_mot_courant_vers_les_mots_des_fiches(corpus):
    reponse = recherche.chercher("il cherche du taf")
    assert ids(reponse)[0] == "F1001"
    assert reponse.expressions == [("taf", "travail ; emploi")]
    # Montré tel que le lexique l'écrit, accents compris, pas en racines.
    assert recherche.chercher("son chomdu").expressions == [("chomdu", "chômage")]


def test_un_mot_d_argot_ne_compte_pas_pour_lui_meme(corpus):
    # « viré » a la racine de « virement » : seul son équivalent (licenciement) compte.
    reponse = recherche.chercher("il s'est fait virer")
    assert ids(reponse) == ["F1003"]
    assert ids(recherche.chercher("viré"))[0] == "F1003"


def test_le_lexique_est_une_donnee_modifiable(corpus):
    assert ids(recherche.chercher("turbin")) == []
    Expression.objects.create(expression="turbin", equivalents="travail", nature=Expression.Nature.COURANT)
    assert ids(recherche.chercher("turbin")) == ["F1001"]


@pytest.mark.parametrize(
    "question, attendue",
    [
        ("inscription France Travail", "F1004"),  # nouveau nom → l'ancien, celui des fiches de 2020
        ("ANTS carte d'identité", "F1005"),  # ancien nom → le nouveau
        ("carte grise voiture d'occasion", "F1006"),
    ],
)
def test_anciens_et_nouveaux_noms_dans_les_deux_sens(corpus, question, attendue):
    assert ids(recherche.chercher(question))[0] == attendue


def test_tournures_de_remplissage_retirees_sans_les_mots_pleins(corpus):
    avec = recherche.chercher("je fais comment pour refaire la carte vitale, il faut faire quoi")
    assert ids(avec) == ids(recherche.chercher("refaire carte vitale"))
    assert ids(avec)[0] == "F1009"  # « refaire » est resté
    assert sorted(avec.retires) == ["il faut faire quoi", "je fais comment"]
    assert [s for s, _ in recherche.analyser(recherche.index_courant(), "c'est quoi la carte vitale").sigles] == []


def test_une_expression_se_valide():
    with pytest.raises(ValidationError, match="au moins un équivalent"):
        Expression(expression="taf", equivalents=" ; ", nature=Expression.Nature.COURANT).full_clean()
    with pytest.raises(ValidationError, match="pas d'équivalent"):
        Expression(expression="bon ben", equivalents="rien", nature=Expression.Nature.REMPLISSAGE).full_clean()
    Expression(expression="bon ben", nature=Expression.Nature.REMPLISSAGE).full_clean()


def test_les_donnees_du_lexique_sont_installees():
    assert Expression.objects.filter(expression="paumé", equivalents__contains="perdu").exists()
    assert Expression.objects.filter(expression="France Travail", nature="nom").exists()
    assert Expression.objects.filter(nature="remplissage", expression="c'est quoi").exists()
