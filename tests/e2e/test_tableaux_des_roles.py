"""Les tableaux de chaque rôle dans Chromium, sur un écran de 1280 × 800 : pour le conseiller, le
responsable de structure, le référent, la préfecture, l'équipe nationale et l'auditeur, la page
d'accueil et le tableau de bord de l'activité ont leurs chiffres clés entièrement visibles sans
défiler ; chaque barre porte son libellé ; le tableau jour par jour est replié ; la carte des
départements de l'équipe nationale se dessine depuis le fond hors ligne (aucune tuile) ; axe."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from guichet.comptes.models import Role
from guichet.reseau.models import Operateur
from guichet.statistiques import agregation
from guichet.territoires import fond_de_carte
from tests.activite.factories import AccompagnementFactory
from tests.comptes.factories import HabilitationFactory, TOTPDeviceFactory, UtilisateurFactory
from tests.e2e.conftest import connecter, verifier_accessibilite
from tests.reseau.factories import StructureFactory
from tests.statistiques.factories import accompagnements_au_hasard
from tests.territoires.factories import CommuneFactory, DepartementFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ECRAN = {"width": 1280, "height": 800}
# Un carré autour de Bourg-en-Bresse : assez pour que la carte trace un contour.
CONTOUR_AIN = {"type": "Polygon", "coordinates": [[[4.7, 45.6], [6.1, 45.6], [6.1, 46.5], [4.7, 46.5], [4.7, 45.6]]]}
CHIFFRES_DU_TABLEAU = "#titre-synthese + .fr-grid-row"


@pytest.fixture
def monde(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ain = DepartementFactory(code="01", nom="Ain", contour=CONTOUR_AIN)
    fond_de_carte.oublier()
    bourg = StructureFactory(nom="France services de Bourg", commune=CommuneFactory(departement=ain))
    belley = StructureFactory(nom="France services de Belley", commune=CommuneFactory(departement=ain))
    nantua = CommuneFactory(departement=ain)
    bus = StructureFactory(nom="France services itinérante de Nantua", commune=nantua, bus=True)
    caf = Operateur.objects.get(code="caf")
    operateurs = list(Operateur.objects.filter(code__in=["caf", "france-titres", "assurance-maladie", "msa"]))
    debut = timezone.localtime() - timedelta(days=40)
    accompagnements_au_hasard([bourg, belley, bus], debut, 40, 300, operateurs=operateurs)
    # Et quelques-uns aujourd'hui, avant maintenant : la période par défaut (le mois en cours) a de l'activité à
    # toute heure, même le 1er à minuit cinq.
    debut_du_jour = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    pas = (timezone.now() - debut_du_jour) / 10
    for i, structure in enumerate([bourg, belley, bus] * 3):
        AccompagnementFactory(structure=structure, le=debut_du_jour + pas * (i + 1), operateur=operateurs[i % 4])
    agregation.actualiser()

    def personne(nom, totp_=False, **habilitation):
        user = UtilisateurFactory(email=f"{nom}@example.fr", first_name="Claude", last_name=nom.capitalize())
        HabilitationFactory(utilisateur=user, **habilitation)
        return user, (TOTPDeviceFactory(user=user) if totp_ else None)

    return {
        "conseiller": personne("conseiller", role=Role.CONSEILLER, structure=bourg),
        "gestionnaire": personne("gestionnaire", role=Role.GESTIONNAIRE, structure=bourg),
        "referent": personne("referent", True, role=Role.REFERENT, operateur=caf, departement=ain),
        "prefecture": personne("prefecture", True, role=Role.PREFECTURE, departement=ain),
        "national": personne("national", True, role=Role.NATIONAL),
        "auditeur": personne("auditeur", True, role=Role.AUDITEUR, departement=ain),
    }


def entierement_visible(page, selecteur, qui):
    """Les éléments `selecteur` (le bloc des chiffres clés) sont tous entiers dans les 800 premiers pixels."""
    expect(page.locator(selecteur).first).to_be_visible()
    boites = page.evaluate(
        "s => [...document.querySelectorAll(s)].map(e => e.getBoundingClientRect()).map(r => [r.top, r.bottom])",
        selecteur,
    )
    assert boites and all(haut >= 0 and bas <= ECRAN["height"] for haut, bas in boites), (qui, page.url, boites)


# Les chiffres clés : au bureau, le contenu de « Activité du jour » ; sur « Mon espace », la première rangée
# de blocs (les plus importants : structures, demandes, boîte du référent) ; sur un tableau de bord, « En bref ».
BUREAU = "section[aria-labelledby=titre-activite] > *"
ESPACE = "#tableau-d-accueil > section:nth-child(-n+3)"
# (rôle, page d'accueil, son bloc de chiffres clés, tableau de bord de l'activité)
PARCOURS = [
    ("conseiller", "/espace/bureau/", BUREAU, "/espace/statistiques/"),
    ("gestionnaire", "/espace/bureau/", BUREAU, "/espace/statistiques/"),
    ("referent", "/comptes/espace/", ESPACE, "/espace/statistiques/operateur/caf/"),
    ("prefecture", "/comptes/espace/", ESPACE, "/espace/statistiques/"),
    ("national", "/comptes/espace/", ESPACE, "/espace/statistiques/national/"),
    ("auditeur", "/comptes/espace/", ESPACE, "/espace/statistiques/"),
]


def test_chiffres_cles_de_chaque_role_sans_defiler(navigateur, live_server, monde):
    for role, accueil, chiffres, tableau in PARCOURS:
        contexte = navigateur.new_context(
            locale="fr-FR", timezone_id="Europe/Paris", base_url=live_server.url, viewport=ECRAN
        )
        tuiles = []
        contexte.on("request", lambda r, t=tuiles: t.append(r.url) if "tile" in r.url or "wmts" in r.url else None)
        try:
            parcourir(contexte, monde[role], role, accueil, chiffres, tableau, tuiles)
        finally:
            contexte.close()


def parcourir(contexte, qui, role, accueil, chiffres, tableau, tuiles):
    """Une journée d'un rôle : sa page d'accueil, puis son tableau de bord de l'activité."""
    page = contexte.new_page()
    page.set_default_timeout(10_000)
    connecter(page, *qui)

    page.goto(accueil)
    entierement_visible(page, chiffres, role)
    verifier_accessibilite(page)

    page.goto(tableau)
    page.wait_for_load_state("networkidle")
    assert "/espace/statistiques/" in page.url and page.locator("#titre-synthese").count() == 1, (role, page.url)
    entierement_visible(page, CHIFFRES_DU_TABLEAU, role)
    # Chaque barre, dans chaque onglet, porte son libellé et son nombre.
    # (Les camemberts, eux, ont leur légende : voir test_tableaux.py.)
    onglets = page.get_by_role("tab")
    assert onglets.count() == 3, role
    vues = 0
    for i in range(onglets.count()):
        onglets.nth(i).click()
        expect(onglets.nth(i)).to_have_attribute("aria-selected", "true")
        # Le panneau de cet onglet, une fois affiché : un libellé pas encore rendu se lirait vide.
        panneau = page.locator("#" + onglets.nth(i).get_attribute("aria-controls"))
        expect(panneau).to_be_visible()
        barres = panneau.locator(".guichet-barres > li")
        vues += barres.count()
        for j in range(barres.count()):
            assert barres.nth(j).locator(".guichet-barres__libelle").inner_text().strip(), (role, i, j)
            assert barres.nth(j).locator(".guichet-barres__nombre").inner_text().strip(), (role, i, j)
    assert vues > 0, role
    onglets.first.click()
    # Le tableau jour par jour est replié sous sa courbe.
    expect(page.locator("section[aria-labelledby=titre-evolution] details")).not_to_have_attribute("open", "")
    if role == "national":
        carte = page.locator("#carte-departements")
        expect(carte).to_have_attribute("data-charge", "oui")
        assert carte.locator("path.leaflet-interactive").count() == 1  # l'Ain, seul département avec un contour
        assert "Ain (01)" in page.locator("#donnees-carte-departements").inner_text()
        legende = page.get_by_role("list", name="Légende de la carte")
        assert "par structure active" in legende.inner_text()
        # L'alternative textuelle : les mêmes chiffres en tableau, replié sous la carte.
        page.locator("section[aria-labelledby=titre-departement] summary").click()
        expect(page.get_by_role("table", name="Par département")).to_contain_text("Par structure active")
    verifier_accessibilite(page)
    assert not tuiles, tuiles
