"""La couverture dans Chromium : la préfecture ouvre la carte de son département, ajoute un lieu hypothétique
(par la liste des communes, puis d'un clic sur la carte), retire un site : les chiffres changent en place, sans
recharger la page, et l'adresse garde le scénario ; axe sans violation grave."""

import pytest
from django_otp.oath import totp

from guichet.comptes.models import Role
from tests.comptes.factories import MOT_DE_PASSE, HabilitationFactory, TOTPDeviceFactory, UtilisateurFactory
from tests.couverture.monde import monde
from tests.e2e.conftest import verifier_accessibilite

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_la_prefecture_simule_un_arret_et_les_chiffres_changent(page):
    m = monde()
    user = UtilisateurFactory(email="prefecture-19@example.fr")
    HabilitationFactory(utilisateur=user, role=Role.PREFECTURE, departement=m["tulle"].commune.departement)
    appareil = TOTPDeviceFactory(user=user)
    ecarts_csp = []
    page.on("console", lambda msg: ecarts_csp.append(msg.text) if "Content Security Policy" in msg.text else None)

    page.goto("/comptes/connexion/?next=/espace/couverture/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    if "/double-facteur/" in page.url:
        page.get_by_label("Code à 6 chiffres").fill(f"{totp(appareil.bin_key):06d}")
        page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/espace/couverture/19/")
    assert page.get_by_role("heading", level=1).inner_text() == "Couverture du territoire : Corrèze"
    avant = page.locator("[data-chiffre='population-20']").first.inner_text()
    # La carte dessine les lieux (le bus à Meymac compris) ; les tableaux disent la même chose.
    page.locator("#carte-couverture .guichet-symbole--arret").first.wait_for()
    assert "Brive-la-Gaillarde (19031)" in page.get_by_role("table", name="Communes à plus de 20 minutes").inner_text()
    verifier_accessibilite(page)

    # Un arrêt hypothétique à la mairie de Brive : 46 000 habitants passent sous les 20 minutes. La page ne se
    # recharge pas (la marque posée sur la fenêtre reste) : chiffres, tableaux et carte changent en place, l'adresse
    # suit, et le changement est annoncé aux lecteurs d'écran.
    page.evaluate("window.memePage = true")
    page.get_by_label("Ajouter un lieu à la mairie de").select_option(label="Brive-la-Gaillarde (19031)")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    page.wait_for_url("**ajout=commune*")
    page.locator("[data-chiffre='gagnee']").wait_for()
    assert page.evaluate("window.memePage === true")
    assert page.locator("[data-chiffre='gagnee']").inner_text() == "+46000"
    page.wait_for_function(
        "() => document.getElementById('annonce-scenario').textContent.includes('46000 habitants gagnés')"
    )
    apres = page.locator("[data-chiffre='population-20']").first.inner_text()
    assert int(apres) == int(avant) + 46000
    assert (
        "Brive-la-Gaillarde"
        in page.get_by_role("table", name="Communes dont le temps change avec le scénario").inner_text()
    )

    # Un clic sur la carte, près de Treignac (hors des 20 minutes) : un second lieu s'ajoute au scénario.
    page.locator("#carte-couverture .guichet-symbole--recherche").first.wait_for()
    carte = page.locator("#carte-couverture")
    point = page.evaluate("""() => {
        const r = document.getElementById('carte-couverture').getBoundingClientRect();
        return {x: r.width / 2, y: r.height / 2};
    }""")
    carte.click(position={"x": point["x"], "y": point["y"]})
    page.wait_for_url("**ajout=*ajout=*")
    page.wait_for_function("() => document.querySelectorAll('#bilan-scenario li').length === 2")
    assert page.evaluate("window.memePage === true")
    verifier_accessibilite(page)

    # Retirer le site de Tulle : la population perdue s'affiche ; l'adresse partagée redonne le même scénario.
    page.get_by_label("Retirer le lieu").select_option(value="S:FS-19-TULLE")
    page.get_by_role("button", name="Retirer", exact=True).click()
    page.wait_for_url("**retrait=S*")
    page.wait_for_function("() => document.querySelectorAll('#bilan-scenario li').length === 3")
    perdue = page.locator("[data-chiffre='perdue']").inner_text()
    assert perdue != "−0"
    # Le site retiré n'est plus proposé au retrait ni au déplacement, ni dans le tableau des lieux.
    for liste in ("#retrait-lieu", "#deplacement-lieu"):
        assert page.locator(f"{liste} option[value='S:FS-19-TULLE']").count() == 0
    assert "Tulle" not in page.locator("#lieux-bloc").inner_text()
    adresse = page.url
    page.goto(adresse)
    assert page.evaluate("window.memePage === undefined")
    assert page.locator("[data-chiffre='perdue']").inner_text() == perdue
    # Retour arrière : le scénario précédent (deux ajouts) revient, sans recharger.
    page.evaluate("window.memePage = true")
    page.go_back()
    page.wait_for_function("() => document.querySelectorAll('#bilan-scenario li').length === 2")
    assert page.evaluate("window.memePage === true")
    # « Revenir à la situation actuelle » : plus de scénario, toujours sans recharger.
    page.get_by_role("link", name="Revenir à la situation actuelle").click()
    page.wait_for_function("() => !document.getElementById('bilan-scenario')")
    assert page.evaluate("window.memePage === true") and "ajout" not in page.url
    assert page.locator("[data-chiffre='population-20']").first.inner_text() == avant
    assert not ecarts_csp, ecarts_csp
