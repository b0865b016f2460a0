import pytest

from guichet.territoires.models import Commune
from tests.e2e.conftest import verifier_accessibilite
from tests.reseau.factories import PassageFactory, StructureFactory, france_services_de_tulle
from tests.territoires.factories import CommuneFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reseau():
    structure = france_services_de_tulle(jours_ouverts=6)
    correze = structure.commune.departement
    StructureFactory(
        nom="France services d'Égletons",
        commune=CommuneFactory(nom="Égletons", departement=correze),
        latitude=45.406,
        longitude=2.047,
    )
    bus = StructureFactory(nom="France services itinérante des Monédières", bus=True, latitude=45.45, longitude=1.87)
    PassageFactory(
        structure=bus,
        commune=CommuneFactory(nom="Chaumeil", departement=correze, latitude=45.46, longitude=1.88),
        lieu="Place de l'église",
    )
    return structure


def _carre(lon, lat, cote=0.05):
    return {
        "type": "Polygon",
        "coordinates": [[[lon, lat], [lon + cote, lat], [lon + cote, lat + cote], [lon, lat + cote], [lon, lat]]],
    }


@pytest.fixture
def reseau_et_fond(reseau):
    """Le réseau, avec la géographie du fond de carte (contours, populations) et une structure multisite."""
    Commune.objects.filter(nom="Tulle").update(population=14000, contour=_carre(1.74, 45.24))
    Commune.objects.filter(nom="Égletons").update(
        population=4200, latitude=45.406, longitude=2.047, contour=_carre(2.02, 45.38)
    )
    correze = reseau.commune.departement
    multisite = StructureFactory(nom="France services du pays de Tulle", multisite=True, latitude=45.3, longitude=1.6)
    PassageFactory(
        structure=multisite,
        commune=CommuneFactory(nom="Naves", departement=correze, latitude=45.31, longitude=1.77),
        lieu="Mairie",
        jour=0,
    )
    return reseau


def _surveiller(page, origine):
    """Les erreurs de la console et les requêtes vers un autre serveur que le site (aucune n'est permise)."""
    erreurs, ailleurs = [], []
    # La première page d'un processus importe toutes les applications : plus de 10 s sur une machine chargée.
    page.set_default_navigation_timeout(60_000)
    page.on("console", lambda m: erreurs.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: erreurs.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith((origine, "data:")) else ailleurs.append(r.url))
    return erreurs, ailleurs


def test_carte_hors_ligne_villes_lieux_et_itineraires(page, reseau_et_fond, live_server):
    erreurs, ailleurs = _surveiller(page, live_server.url)
    page.goto("/trouver/?q=Tulle")
    # Le fond hors ligne : contours des communes et noms des villes, sans aucun serveur de tuiles.
    page.locator("#carte .guichet-etiquette", has_text="Tulle").wait_for()
    page.locator("#carte .guichet-etiquette", has_text="Égletons").wait_for()
    assert page.locator("#carte .leaflet-fond-pane path").count() >= 2
    # Les lieux, chacun avec son symbole, et la légende qui les explique.
    assert page.locator("#carte .guichet-marqueur.guichet-symbole--structure").count() == 2
    assert page.locator("#carte .guichet-marqueur.guichet-symbole--arret").count() == 1
    assert page.locator("#carte .guichet-marqueur.guichet-symbole--permanence").count() == 1
    legende = page.locator("figcaption .guichet-legende").inner_text()
    assert "Arrêt d'un bus France services" in legende and "Permanence" in legende
    # Les liens d'itinéraire, un par carte de résultat.
    cartes = page.locator(".guichet-resultats > li")
    assert page.locator(".guichet-resultats a[href^='geo:']").count() == cartes.count() == 4
    lien = page.get_by_role("link", name="Itinéraire vers France services de Tulle (application de cartes)")
    assert lien.get_attribute("href").startswith("geo:45.26700,1.77100")
    page.wait_for_load_state("networkidle")
    verifier_accessibilite(page)
    assert not erreurs, erreurs
    assert not ailleurs, ailleurs


def test_bus_et_permanence_dans_la_liste(page, reseau_et_fond, live_server):
    _surveiller(page, live_server.url)
    page.goto("/trouver/?q=Tulle")
    bus = page.locator(".guichet-resultats > li", has_text="France services itinérante des Monédières")
    texte = bus.inner_text()
    assert "Horaires non communiqués" not in texte and "à 0,0 km" not in texte
    assert "arrêt de Chaumeil" in texte.lower() or "ARRÊT DE CHAUMEIL" in texte
    assert "Prochain passage" in texte or "Sur place" in texte


def test_telephone_bascule_entre_liste_et_carte(navigateur, live_server, reseau_et_fond):
    contexte = navigateur.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", base_url=live_server.url, viewport={"width": 390, "height": 844}
    )
    page = contexte.new_page()
    page.set_default_timeout(10_000)
    erreurs, _ = _surveiller(page, live_server.url)
    try:
        page.goto("/trouver/?q=Tulle")
        liste, carte = page.locator(".guichet-resultats"), page.locator("#carte")
        bascule = page.get_by_role("group", name="Afficher les résultats")
        bascule.wait_for()
        assert liste.is_visible() and not carte.is_visible()
        page.get_by_text("Sur la carte").click()
        carte.wait_for(state="visible")
        assert not liste.is_visible()
        # La carte, montrée après coup, a pris sa taille et dessine ses lieux et son fond.
        assert carte.bounding_box()["height"] > 400
        page.locator("#carte .guichet-etiquette", has_text="Tulle").wait_for()
        assert page.locator("#carte .guichet-marqueur:not(.guichet-symbole--recherche)").count() == 4
        page.wait_for_load_state("networkidle")
        verifier_accessibilite(page)
        page.get_by_text("En liste").click()
        liste.wait_for(state="visible")
        assert not carte.is_visible()
        assert not erreurs, erreurs
    finally:
        contexte.close()


def test_grand_ecran_sans_bascule(page, reseau_et_fond, live_server):
    _surveiller(page, live_server.url)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/trouver/?q=Tulle")
    page.locator("#carte .guichet-marqueur").first.wait_for()
    assert page.locator(".guichet-resultats").is_visible() and page.locator("#carte").is_visible()
    assert not page.get_by_role("group", name="Afficher les résultats").is_visible()


def test_chercher_une_commune_puis_ouvrir_la_structure(page, reseau):
    page.goto("/")
    page.get_by_label("Commune ou code postal").fill("Tulle")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/trouver/?q=Tulle**")
    resultats = page.locator(".guichet-resultats > li")
    assert resultats.first.inner_text().startswith("France services de Tulle")
    assert resultats.count() == 3
    # La carte (Leaflet vendorisé, sans tuiles) dessine son fond et ses lieux.
    page.locator("#carte .guichet-marqueur").first.wait_for()
    page.get_by_role("link", name="France services de Tulle", exact=True).click()
    page.wait_for_url("**/structures/FS-19-001/")
    assert page.get_by_role("heading", level=1).inner_text() == "France services de Tulle"
    assert "Les Allocations familiales" in page.content()


@pytest.mark.parametrize("chemin", ["/", "/trouver/", "/trouver/?q=Tulle", "/structures/FS-19-001/"])
def test_pages_publiques_accessibles(page, reseau, chemin):
    page.goto(chemin)
    page.wait_for_load_state("networkidle")
    verifier_accessibilite(page)
