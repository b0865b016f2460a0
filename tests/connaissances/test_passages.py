"""Les passages : chaque fiche est indexée par ses situations, sections et cas ; le résultat montre le passage qui
répond, surligné (échappé puis marqué), et la page de la fiche s'ouvre à cet endroit (onglet, accordéon déplié)."""

import pytest
from django.urls import reverse

from guichet.connaissances import passages, recherche
from tests.comptes.conftest import connecter
from tests.connaissances.factories import FicheFactory

pytestmark = pytest.mark.django_db


def _p(texte):
    return {"type": "paragraphe", "segments": [{"t": texte}]}


CONTENU = {
    "introduction": [_p("La carte d'identité se demande en mairie.")],
    "situations": [
        {"titre": "Vous êtes majeur", "blocs": [_p("Présentez votre ancienne carte.")]},
        {
            "titre": "Vous êtes mineur",
            "blocs": [{"type": "cas", "cas": [{"titre": "Parents séparés", "blocs": [_p("Jugement de garde.")]}]}],
        },
    ],
    "sections": [
        _p("Texte d'ouverture sans titre."),
        {
            "type": "chapitre",
            "niveau": 1,
            "titre": "Où faire la demande ?",
            "blocs": [
                {
                    "type": "cas",
                    "cas": [
                        {"titre": "Vous êtes en France", "blocs": [_p("Rendez-vous en mairie.")]},
                        {
                            "titre": "Vous êtes à l'étranger",
                            "blocs": [_p("Adressez-vous au consulat <script>alert(1)</script> le plus proche.")],
                        },
                    ],
                }
            ],
        },
    ],
}


@pytest.fixture
def fiche():
    return FicheFactory(
        identifiant="F1341",
        titre="Carte d'identité d'un majeur : première demande",
        introduction="La carte d'identité se demande en mairie.",
        contenu=CONTENU,
        texte="\n".join(p.texte for p in passages.passages(CONTENU)),
    )


def test_decoupage_et_ancres():
    assert [(p.ancre, p.titre, p.ancetres) for p in passages.passages(CONTENU)] == [
        ("situation-1", "Vous êtes majeur", ()),
        ("situation-2", "Vous êtes mineur", ()),
        ("situation-2-cas-1", "Parents séparés", ("situation-2",)),
        ("section-1", "", ()),
        ("section-2", "Où faire la demande ?", ()),
        ("section-2-cas-1", "Vous êtes en France", ()),
        ("section-2-cas-2", "Vous êtes à l'étranger", ()),
    ]
    assert passages.a_ouvrir(CONTENU, "situation-2-cas-1") == {"situation-2-cas-1", "situation-2"}
    assert passages.a_ouvrir(CONTENU, "section-9") == set()
    assert passages.a_ouvrir(CONTENU, '"><script>') == set()


def test_le_resultat_montre_le_passage_qui_repond(fiche):
    (resultat,) = recherche.chercher("le consulat").resultats
    assert resultat.ancre == "section-2-cas-2"
    assert resultat.titre_passage == "Vous êtes à l'étranger"
    assert "<mark>consulat</mark>" in resultat.extrait
    assert "&lt;script&gt;" in resultat.extrait and "<script>" not in resultat.extrait
    assert resultat.url == "/espace/connaissances/fiches/F1341/?passage=section-2-cas-2#section-2-cas-2"


def test_un_passage_court_qui_a_tous_les_mots_classe_sa_fiche_devant():
    # Les mots de la question épars dans une longue fiche comptent moins qu'un passage qui les réunit.
    bavarde = FicheFactory(
        identifiant="F2001",
        titre="Démarches diverses",
        texte="\n".join(["consulat"] + ["autre sujet sans rapport"] * 60 + ["passeport"]),
        contenu={"sections": [_p("consulat " + "autre sujet sans rapport " * 60), _p("passeport")]},
    )
    precise = FicheFactory(
        identifiant="F2002",
        titre="Démarches diverses",
        texte="\n".join(["passeport au consulat"] + ["autre sujet sans rapport"] * 60),
        contenu={
            "sections": [
                {"type": "chapitre", "titre": "À l'étranger", "blocs": [_p("Le passeport se demande au consulat.")]},
                _p("autre sujet sans rapport " * 60),
            ]
        },
    )
    ordre = [r.fiche for r in recherche.chercher("passeport consulat").resultats]
    assert ordre == [precise, bavarde]


def test_la_page_s_ouvre_au_passage(client, monde, fiche):
    connecter(client, monde.conseiller_a1)
    page = client.get(reverse("connaissances:recherche"), {"q": "consulat"}).content.decode()
    assert 'href="/espace/connaissances/fiches/F1341/?passage=section-2-cas-2#section-2-cas-2"' in page
    assert "Passage : « Vous êtes à l&#x27;étranger »" in page

    url = reverse("connaissances:fiche", args=["F1341"])
    page = client.get(url, {"passage": "section-2-cas-2"}).content.decode()
    assert 'aria-expanded="true" aria-controls="section-2-cas-2"' in page
    assert 'class="fr-collapse fr-collapse--expanded" id="section-2-cas-2"' in page
    assert 'aria-expanded="false" aria-controls="section-2-cas-1"' in page
    assert 'id="situation-1-onglet" class="fr-tabs__tab" tabindex="0" role="tab" aria-selected="true"' in page

    # Un cas dans le deuxième onglet : l'onglet est choisi et le cas déplié.
    page = client.get(url, {"passage": "situation-2-cas-1"}).content.decode()
    assert 'id="situation-2-onglet" class="fr-tabs__tab" tabindex="0" role="tab" aria-selected="true"' in page
    assert 'id="situation-1-onglet" class="fr-tabs__tab" tabindex="-1" role="tab" aria-selected="false"' in page
    assert 'aria-expanded="true" aria-controls="situation-2-cas-1"' in page

    # Une ancre inconnue ou forgée : la page s'ouvre normalement, rien n'est déplié ni recopié.
    for forge in ('"><script>alert(1)</script>', "section-99", "x" * 500):
        reponse = client.get(url, {"passage": forge})
        assert reponse.status_code == 200
        page = reponse.content.decode()
        assert 'aria-expanded="true"' not in page and "<script>alert" not in page
