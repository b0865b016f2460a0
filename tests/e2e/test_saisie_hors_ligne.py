"""La saisie hors ligne de bout en bout : service worker, file locale, synchronisation idempotente."""

import time

import pytest
from playwright.sync_api import expect

from guichet.activite.models import Accompagnement
from guichet.comptes.models import Role
from tests.comptes.factories import MOT_DE_PASSE, HabilitationFactory, UtilisateurFactory
from tests.e2e.conftest import verifier_accessibilite
from tests.reseau.factories import StructureFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def conseiller():
    structure = StructureFactory(nom="France services de Bourg-en-Bresse")
    user = UtilisateurFactory(email="conseillere@example.fr")
    HabilitationFactory(utilisateur=user, role=Role.CONSEILLER, structure=structure)
    return user


def se_connecter(page, user):
    page.goto("/comptes/connexion/?next=/espace/activite/saisie/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/espace/activite/saisie/")
    # Le script de la page a pris la main ; rien n'attend : le bandeau de synchronisation reste caché.
    expect(page.locator("#synchro")).to_have_attribute("data-attente", "0")
    expect(page.locator("#synchro")).to_be_hidden()


def attendre(page, expression, delai=10):
    """Attend qu'une expression JavaScript soit vraie (sans wait_for_function : la CSP interdit eval)."""
    fin = time.monotonic() + delai
    while not page.evaluate(expression):
        assert time.monotonic() < fin, f"délai dépassé : {expression}"
        page.wait_for_timeout(100)


def attendre_file(page, nombre):
    """La file locale de l'agent compte `nombre` accompagnements en attente."""
    expect(page.locator("#synchro")).to_have_attribute("data-attente", str(nombre))


def saisir(page, operateur, demarche, aide, resultat, duree):
    page.get_by_role("button", name=operateur, exact=True).click()
    # Une réponse peut paraître deux fois (rangée « Fréquents » et liste complète) : la liste complète.
    page.get_by_role("button", name=demarche, exact=True).last.click()
    page.get_by_role("button", name=aide, exact=True).last.click()
    page.get_by_role("button", name=resultat, exact=True).last.click()
    page.get_by_role("button", name=duree, exact=True).last.click()
    expect(page.locator("#saisie .fr-alert--success")).to_contain_text("Accompagnement enregistré")


def test_saisie_hors_ligne_puis_synchronisation_sans_doublon(page, conseiller):
    se_connecter(page, conseiller)
    # Le service worker prend la main sur la page (clients.claim) une fois la page et ses fichiers gardés.
    attendre(page, "navigator.serviceWorker.controller !== null")
    assert page.evaluate("document.documentElement.dataset.horsLigne") in ("pret", None)

    page.context.set_offline(True)
    page.reload()  # la page vient du service worker
    expect(page.locator("#synchro")).to_have_attribute("data-attente", "0")
    assert page.get_by_role("heading", level=2, name="Pour quel opérateur ?").is_visible()

    saisir(
        page,
        "Les Allocations familiales",
        "Prime d'activité",
        "Aide à la démarche en ligne",
        "Résolu sur place",
        "Moins de 15 min",
    )
    # Le focus passe à la question suivante après chaque réponse.
    assert page.evaluate("document.activeElement.id") == "question"
    saisir(
        page,
        "France Titres",
        "Certificat d'immatriculation (carte grise)",
        "Information",
        "Orienté vers l'opérateur",
        "15 à 30 min",
    )
    attendre_file(page, 2)
    assert Accompagnement.objects.count() == 0
    file = page.evaluate("window.guichetSaisie.file.lister()")
    assert len(file) == 2

    page.context.set_offline(False)
    # Le retour du réseau relance l'envoi ; le bandeau (et son bouton) disparaît dès que la file est vide.
    page.evaluate("window.guichetSaisie.synchroniser()")
    attendre_file(page, 0)
    assert Accompagnement.objects.count() == 2
    ids = {str(pk) for pk in Accompagnement.objects.values_list("pk", flat=True)}
    assert ids == {e["id"] for e in file}
    assert set(Accompagnement.objects.values_list("operateur__code", flat=True)) == {"caf", "france-titres"}
    assert set(Accompagnement.objects.values_list("agent__email", flat=True)) == {"conseillere@example.fr"}

    # Une synchronisation rejouée (réponse perdue, la file renvoyée telle quelle) ne crée aucun doublon.
    page.evaluate(
        "async (f) => { await window.guichetSaisie.file.ajouter(f); await window.guichetSaisie.synchroniser(); }",
        file,
    )
    attendre_file(page, 0)
    assert Accompagnement.objects.count() == 2


def attendre_en_base(nombre, delai=10):
    fin = time.monotonic() + delai
    while Accompagnement.objects.count() != nombre:
        assert time.monotonic() < fin, f"{Accompagnement.objects.count()} accompagnements au lieu de {nombre}"
        time.sleep(0.1)


def test_recherche_au_clavier_puis_comme_la_derniere_fois(page, conseiller):
    se_connecter(page, conseiller)
    recherche = page.get_by_label("Rechercher une démarche")
    recherche.fill("apl")
    page.get_by_role("button", name="Les Allocations familiales — Aide au logement").wait_for()
    recherche.press("Enter")  # la première démarche trouvée
    # Le focus est sur la question suivante ; Tab mène à la première réponse, Entrée la choisit.
    assert page.evaluate("document.activeElement.textContent") == "Quel type d'aide ?"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.guichet-reponses') !== null")
    premiere = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.textContent") == "Quel résultat ?"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # après le résumé repliable du profil facultatif
    page.keyboard.press("Enter")
    expect(page.locator("#saisie .fr-alert--success")).to_contain_text("Accompagnement enregistré")
    attendre_en_base(1)
    a = Accompagnement.objects.get()
    assert (a.operateur.code, a.demarche.code, a.get_type_aide_display()) == ("caf", "aide-logement", premiere)

    page.get_by_role("button", name="Comme la dernière fois : Les Allocations familiales — Aide au logement").click()
    assert page.get_by_role("heading", level=2).inner_text() == "Combien de temps ?"
    page.get_by_role("button", name="30 min à 1 h", exact=True).last.click()
    attendre_en_base(2)
    b = Accompagnement.objects.exclude(pk=a.pk).get()
    assert (b.demarche_id, b.type_aide, b.resultat, b.duree) == (a.demarche_id, a.type_aide, a.resultat, "30_60")


def test_page_de_saisie_accessible(page, conseiller):
    se_connecter(page, conseiller)
    page.wait_for_load_state("networkidle")
    verifier_accessibilite(page)
    page.get_by_role("button", name="Les Allocations familiales", exact=True).click()
    page.get_by_role("button", name="Prime d'activité", exact=True).click()
    page.get_by_role("button", name="Information", exact=True).click()
    page.get_by_role("button", name="Résolu sur place", exact=True).click()
    page.get_by_text("Profil de l'usager et événement de vie (facultatif)").click()
    verifier_accessibilite(page)
