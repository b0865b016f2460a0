"""Les tableaux de bord de l'activité dans Chromium : graphiques DSFR chargés sans écart à la CSP,
tableaux accessibles (axe), choix de la période, export."""

import pytest
from django.utils import timezone

from guichet.comptes.models import Role
from guichet.reseau.models import Operateur
from guichet.statistiques import agregation
from tests.activite.factories import AccompagnementFactory
from tests.comptes.factories import MOT_DE_PASSE, HabilitationFactory, UtilisateurFactory
from tests.e2e.conftest import verifier_accessibilite
from tests.reseau.factories import StructureFactory
from tests.territoires.factories import CommuneFactory, DepartementFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def responsable():
    ain = DepartementFactory(code="01", nom="Ain")
    structure = StructureFactory(nom="France services de Belley", commune=CommuneFactory(departement=ain))
    voisine = StructureFactory(nom="France services de Nantua", commune=CommuneFactory(departement=ain))
    user = UtilisateurFactory(email="responsable@example.fr")
    HabilitationFactory(utilisateur=user, role=Role.GESTIONNAIRE, structure=structure)
    # Toutes dans la journée locale et avant maintenant, à toute heure (à minuit cinq comme à midi) : le tableau
    # compte la journée, la semaine et le mois en cours.
    debut_du_jour = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    pas = (timezone.now() - debut_du_jour) / 20
    for i, (code, resultat) in enumerate(
        [("caf", "resolu"), ("caf", "resolu"), ("france-titres", "resolu"), ("france-titres", "oriente")] * 3
    ):
        AccompagnementFactory(
            structure=structure if i % 4 else voisine,
            le=debut_du_jour + pas * (i + 1),
            operateur=Operateur.objects.get(code=code),
            resultat=resultat,
            canal="telephone" if i % 3 == 0 else "accueil",
        )
    agregation.actualiser()
    return user


def test_tableau_de_la_structure(page, responsable):
    ecarts_csp = []
    page.on("console", lambda m: ecarts_csp.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto("/comptes/connexion/?next=/espace/statistiques/")
    page.get_by_label("Adresse e-mail").fill(responsable.email)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/espace/statistiques/structure/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Activité — France services de Belley"
    # Les composants web de dsfr-chart dessinent leurs graphiques (canvas) : le module est chargé.
    page.locator("line-chart canvas").first.wait_for()
    # Les barres sont en HTML : chacune porte son libellé et son nombre.
    assert page.locator(".guichet-barres li", has_text="France Titres").count() >= 1
    # Les répartitions sont en onglets : les camemberts (résultat, canal…) sont dans le deuxième.
    page.get_by_role("tab", name="Résultat et accompagnement").click()
    page.locator("pie-chart canvas").first.wait_for()
    page.get_by_role("tab", name="Opérateurs et démarches").click()
    assert not ecarts_csp, ecarts_csp
    # Le tableau des données est replié sous son graphique : on le déplie.
    page.locator("section[aria-labelledby=titre-operateur] summary").click()
    tableau = page.get_by_role("table", name="Par opérateur")
    assert "France Titres" in tableau.inner_text()
    assert page.locator("#titre-synthese ~ div .fr-card__title").first.inner_text() == "9 accompagnements"
    verifier_accessibilite(page)

    page.get_by_label("Période", exact=True).select_option("annee")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url("**periode=annee**")
    assert page.locator(".fr-text--lead").inner_text().startswith("Année 20")

    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Exporter (CSV)").click()
    assert telechargement.value.suggested_filename.endswith(".csv")
