import pytest
from django.urls import reverse

from guichet.connaissances.importation import importer
from tests.comptes.conftest import connecter
from tests.connaissances.conftest import FICHIERS

pytestmark = pytest.mark.django_db

URL = reverse("connaissances:recherche")


@pytest.fixture
def fiches(monde):
    importer(FICHIERS / "xml")


def test_anonyme_renvoye_vers_la_connexion(client, fiches):
    for url in (URL, reverse("connaissances:fiche", args=["F1344"])):
        reponse = client.get(url)
        assert reponse.status_code == 302
        assert reponse["Location"].startswith(reverse("comptes:connexion"))


@pytest.mark.parametrize("personne", ["sans_role", "inactif"])
def test_compte_sans_role_refuse(client, monde, fiches, personne):
    user = getattr(monde, personne)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(URL).status_code in (302, 403)
    if user.is_active:
        assert client.get(URL).status_code == 403
        assert client.get(reverse("connaissances:fiche", args=["F1344"])).status_code == 403


@pytest.mark.parametrize(
    "personne",
    ["conseiller_a1", "gestionnaire_a1", "referent_caf_a", "prefecture_a", "national", "auditeur_a", "staff"],
)
def test_tous_les_professionnels_cherchent(client, monde, fiches, personne):
    connecter(client, getattr(monde, personne))
    reponse = client.get(URL, {"q": "carte perdue"})
    assert reponse.status_code == 200
    assert "Carte d&#x27;identité d&#x27;un majeur : en cas de perte" in reponse.content.decode()


def test_page_de_resultats(client, monde, fiches):
    connecter(client, monde.conseiller_a1)
    page = client.get(URL, {"q": "la dame veut refaire sa CNI perdue"}).content.decode()
    assert 'href="/espace/connaissances/fiches/F1344/?passage=' in page  # ouverte au passage qui répond
    assert "<mark>" in page
    assert "Mise à jour le 21 juillet 2020" in page
    assert "Particuliers" in page
    assert '<span class="fr-tag fr-tag--sm">CNI</span>' in page
    # Le service en ligne de la fiche, en bouton.
    assert "Pré-demande de carte d&#x27;identité" in page
    assert 'href="https://passeport.ants.gouv.fr/Vos-demarches/' in page


def test_page_sans_question_et_filtres(client, monde, fiches):
    connecter(client, monde.conseiller_a1)
    page = client.get(URL).content.decode()
    assert 'id="champ-question"' in page
    assert '<option value="caf">Les Allocations familiales</option>' in page
    assert '<option value="N19810">Papiers - Citoyenneté</option>' in page
    page = client.get(URL, {"q": "aide logement", "operateur": "france-titres"}).content.decode()
    assert "Aucune fiche trouvée" in page
    page = client.get(URL, {"q": "aide logement", "operateur": "caf"}).content.decode()
    assert "Aide personnalisée au logement (APL)" in page
    assert client.get(URL, {"q": "aide", "operateur": "inconnu"}).status_code == 200


def test_repli_annonce(client, monde, fiches):
    connecter(client, monde.conseiller_a1)
    page = client.get(URL, {"q": "passeport logement"}).content.decode()
    assert "Aucune fiche ne contient tous les mots" in page


def test_page_fiche(client, monde, fiches):
    connecter(client, monde.conseiller_a1)
    page = client.get(reverse("connaissances:fiche", args=["F1344"])).content.decode()
    assert "<h1>Carte d&#x27;identité d&#x27;un majeur : en cas de perte</h1>" in page
    assert "Mise à jour le 21 juillet 2020" in page
    assert 'href="https://www.service-public.fr/particuliers/vosdroits/F1344"' in page
    # Situations en onglets, cas en accordéons, encadré, tableau.
    assert 'class="fr-tabs__tab"' in page and "Perte à l&#x27;étranger" in page
    assert 'class="fr-accordion__btn"' in page and "Vous avez un passeport valide" in page
    assert "fr-callout" in page and '<th scope="col">Période</th>' in page
    # Bouton de service en ligne, références juridiques, voir aussi, fil d'Ariane vers le dossier importé.
    assert "fr-btn--secondary" in page and "Pré-demande de carte d&#x27;identité" in page
    assert "Décret n°55-1397 du 22 octobre 1955" in page
    assert 'href="https://www.service-public.fr/particuliers/vosdroits/F1341"' in page  # non importée
    assert 'href="/espace/connaissances/fiches/N358/"' in page  # importée
    assert "consulat de France" in page and "diplomatie.gouv.fr" not in page
    assert "France Titres" in page  # l'opérateur, déduit du domaine ants.gouv.fr


def test_page_ressource_et_dossier(client, monde, fiches):
    connecter(client, monde.conseiller_a1)
    page = client.get(reverse("connaissances:fiche", args=["R1350"])).content.decode()
    assert "Formulaire cerfa n° <strong>15481*01</strong>" in page
    assert 'href="https://www.formulaires.service-public.fr/gf/cerfa_15481.do"' in page
    page = client.get(reverse("connaissances:fiche", args=["N358"])).content.decode()
    assert "Pour un majeur" in page and 'href="/espace/connaissances/fiches/F1344/"' in page


def test_fiche_inconnue(client, monde, fiches):
    connecter(client, monde.conseiller_a1)
    assert client.get(reverse("connaissances:fiche", args=["F424242"])).status_code == 404


def test_une_adresse_javascript_deja_en_base_n_atteint_aucun_href(client, monde, fiches):
    from tests.connaissances.factories import FicheFactory

    piege = "javascript://www.service-public.fr/%0aalert(document.cookie)"
    FicheFactory(
        identifiant="F99001",
        titre="Fiche piégée",
        url=piege,
        url_source=piege,
        contenu={"sections": [{"type": "paragraphe", "segments": [{"t": "Cliquez ici", "url": piege}]}]},
        ressources=[{"identifiant": "R99001", "titre": "Service piégé", "url": piege}],
        adresses=[{"titre": "Adresse piégée", "url": piege}],
        references=[{"titre": "Référence piégée", "url": piege}],
        pour_en_savoir_plus=[{"titre": "En savoir plus piégé", "url": "JAVASCRIPT:alert(1)"}],
    )
    connecter(client, monde.conseiller_a1)
    page = client.get(reverse("connaissances:fiche", args=["F99001"])).content.decode()
    assert "Cliquez ici" in page and "Adresse piégée" in page and "En savoir plus piégé" in page
    assert "javascript" not in page.lower()
