"""La borne de satisfaction de bout en bout : appairage par l'adresse, hors ligne (service worker, file locale),
trois avis, retour du réseau, exactement trois lignes ; renvoi de la file : toujours trois. Accessibilité (axe)
de la borne, de la gestion des tablettes, des résultats et de l'avis par code QR."""

import time

import pytest
from playwright.sync_api import expect

from guichet.bornes import services
from guichet.bornes.models import Avis
from guichet.comptes.models import Role
from tests.comptes.factories import MOT_DE_PASSE, HabilitationFactory, UtilisateurFactory
from tests.e2e.conftest import verifier_accessibilite
from tests.reseau.factories import StructureFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def attendre(page, expression, delai=10):
    """Attend qu'une expression JavaScript soit vraie (sans wait_for_function : la CSP interdit eval)."""
    fin = time.monotonic() + delai
    while not page.evaluate(expression):
        assert time.monotonic() < fin, f"délai dépassé : {expression}"
        page.wait_for_timeout(100)


def attendre_file(page, nombre):
    expect(page.locator("#etat")).to_have_attribute("data-attente", str(nombre))


def donner_avis(page, visage, *reponses):
    expect(page.get_by_role("heading", level=1)).to_have_text("Êtes-vous satisfait de votre visite ?")
    page.get_by_role("button", name=visage, exact=True).click()
    for reponse in reponses:
        page.get_by_role("button", name=reponse, exact=True).click()
    if len(reponses) < 3:
        page.get_by_role("button", name="Terminer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merci pour votre avis !")
    page.get_by_role("button", name="Nouvel avis").click()


def test_borne_hors_ligne_trois_avis_sans_doublon(page):
    structure = StructureFactory(nom="France services de Tulle")
    _, jeton = services.appairer(structure, "Sortie")

    page.goto(f"/borne/#jeton={jeton}")
    expect(page.locator("#lieu")).to_have_text("France services de Tulle")
    assert "jeton" not in page.url  # le jeton quitte l'adresse, gardé sur la tablette
    attendre(page, "navigator.serviceWorker.controller !== null")
    verifier_accessibilite(page)

    page.context.set_offline(True)
    page.reload()  # la page vient du service worker
    donner_avis(page, "Très satisfait", "Oui", "Moins de 10 min", "Oui")
    donner_avis(page, "Mécontent", "Non")
    page.get_by_role("button", name="Satisfait", exact=True).click()
    verifier_accessibilite(page)  # une question facultative
    page.get_by_role("button", name="Passer").click()
    page.get_by_role("button", name="Terminer").click()
    verifier_accessibilite(page)  # le merci
    attendre_file(page, 3)
    assert Avis.objects.count() == 0

    file = page.evaluate("window.guichetBorne.file.lister()")
    page.context.set_offline(False)
    page.evaluate("window.guichetBorne.synchroniser()")
    attendre_file(page, 0)
    assert Avis.objects.count() == 3
    assert {str(pk) for pk in Avis.objects.values_list("pk", flat=True)} == {a["id"] for a in file}
    premier = Avis.objects.get(note=5)
    assert (premier.resolu, premier.attente, premier.reviendrait, premier.structure) == (
        True,
        "moins_10",
        True,
        structure,
    )

    # Une réponse perdue : la file renvoyée telle quelle ne crée aucun doublon.
    page.evaluate(
        "async (f) => { await window.guichetBorne.file.ajouter(f); await window.guichetBorne.synchroniser(); }", file
    )
    attendre_file(page, 0)
    assert Avis.objects.count() == 3


def delais_courts(page, merci="1", abandon="1.5"):
    """Sert la page de la borne avec ses propres délais raccourcis (attributs data-delai, data-abandon)."""

    def raccourcir(route):
        reponse = route.fetch()
        corps = reponse.text()
        assert 'data-delai="6"' in corps and 'data-abandon="30"' in corps
        corps = corps.replace('data-delai="6"', f'data-delai="{merci}"').replace(
            'data-abandon="30"', f'data-abandon="{abandon}"'
        )
        route.fulfill(response=reponse, body=corps)

    page.route("**/borne/", raccourcir)


def test_borne_merci_puis_retour_seul_au_debut_et_avis_a_moitie_abandonne(page):
    """Après la dernière réponse, le merci, puis la première question d'elle-même au bout du délai ; une borne
    laissée sur une question facultative envoie l'avis tel quel, remercie et revient au début."""
    structure = StructureFactory(nom="France services d'Égletons")
    _, jeton = services.appairer(structure, "Sortie")
    delais_courts(page)
    page.goto(f"/borne/#jeton={jeton}")
    expect(page.locator("#lieu")).to_have_text("France services d'Égletons")
    titre = page.get_by_role("heading", level=1)

    expect(titre).to_have_text("Êtes-vous satisfait de votre visite ?")
    page.get_by_role("button", name="Satisfait", exact=True).click()
    for reponse in ("Oui", "10 à 30 min", "Oui"):
        page.get_by_role("button", name=reponse, exact=True).click()
    expect(titre).to_have_text("Merci pour votre avis !")
    merci = time.monotonic()
    expect(titre).to_have_text("Êtes-vous satisfait de votre visite ?", timeout=5_000)
    assert time.monotonic() - merci >= 0.7  # le merci est resté le temps du délai, pas moins
    attendre_file(page, 0)
    assert Avis.objects.get().attente == "10_30"

    # À moitié : un visage, une question facultative, puis plus rien.
    page.get_by_role("button", name="Très mécontent", exact=True).click()
    page.get_by_role("button", name="Non", exact=True).click()
    expect(titre).to_have_text("Combien de temps avez-vous attendu ?")
    expect(titre).to_have_text("Merci pour votre avis !", timeout=5_000)
    expect(titre).to_have_text("Êtes-vous satisfait de votre visite ?", timeout=5_000)
    attendre_file(page, 0)
    abandonne = Avis.objects.get(note=1)
    assert (abandonne.resolu, abandonne.attente, abandonne.reviendrait) == (False, "", None)
    assert Avis.objects.count() == 2


def test_borne_revoquee_garde_ses_avis(page):
    structure = StructureFactory(nom="France services d'Ussel")
    borne, jeton = services.appairer(structure, "Sortie")
    page.goto(f"/borne/#jeton={jeton}")
    expect(page.locator("#lieu")).to_have_text("France services d'Ussel")
    services.revoquer(borne)
    donner_avis(page, "Très satisfait")
    expect(page.locator("#etat")).to_contain_text("jeton révoqué")
    attendre_file(page, 1)
    assert Avis.objects.count() == 0


def test_pages_du_responsable_et_avis_par_code_qr(page):
    structure = StructureFactory(nom="France services de Brive")
    responsable = UtilisateurFactory(email="responsable@example.fr")
    HabilitationFactory(utilisateur=responsable, role=Role.GESTIONNAIRE, structure=structure)
    page.goto("/comptes/connexion/?next=/espace/satisfaction/bornes/")
    page.get_by_label("Adresse e-mail").fill(responsable.email)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/espace/satisfaction/bornes/")
    page.get_by_label("Nom de la tablette").fill("Tablette de la sortie")
    page.get_by_role("button", name="Créer le jeton de la tablette").click()
    expect(page.locator("#nouvelle-borne")).to_be_visible()
    verifier_accessibilite(page)

    page.goto("/espace/satisfaction/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("France services de Brive")
    verifier_accessibilite(page)

    # L'avis sur le téléphone de l'usager, par le code QR d'un accompagnement.
    from datetime import timedelta

    from django.utils import timezone

    from guichet.activite.models import Accompagnement
    from guichet.reseau.models import Operateur

    accompagnement = Accompagnement.objects.create(
        structure=structure,
        agent=responsable,
        le=timezone.now() - timedelta(minutes=3),
        operateur=Operateur.objects.get(code="caf"),
        type_aide="information",
        resultat="resolu",
        duree="moins_15",
    )
    _, clair = services.inviter(accompagnement, responsable)
    page.goto(f"/avis/{clair}/")
    verifier_accessibilite(page)
    page.get_by_text("Satisfait", exact=True).click()  # le bouton radio du DSFR : son libellé
    page.get_by_role("button", name="Envoyer mon avis").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merci pour votre avis")
    assert Avis.objects.get().operateur.code == "caf"
