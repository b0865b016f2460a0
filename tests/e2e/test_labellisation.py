"""La labellisation de bout en bout dans Chromium : la préfecture propose un site et planifie l'audit,
l'auditeur le remplit sur une tablette (820×1180) avec une non-conformité, hors connexion un moment,
l'ANCT donne un avis favorable, le préfet labellise, le site apparaît dans « Trouver ». Axe sur chaque page."""

import importlib
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from guichet.comptes.models import Role
from guichet.labellisation.models import Audit, Dossier, Etape, LigneAudit, PieceAudit, Referentiel
from guichet.reseau.models import Structure
from tests.comptes.factories import HabilitationFactory, TOTPDeviceFactory, UtilisateurFactory
from tests.e2e.conftest import connecter, verifier_accessibilite
from tests.reseau.factories import france_services_de_tulle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def monde(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Les tests avec serveur vident les tables : le référentiel posé par migration est rechargé.
    if not Referentiel.objects.exists():
        migration = ("labellisation", "0002_referentiels_2019_2025")
        etat = MigrationLoader(connection).project_state(migration)
        importlib.import_module(f"guichet.labellisation.migrations.{migration[1]}").charger(etat.apps, None)
    site = france_services_de_tulle(statut=Structure.Statut.PROJET)
    correze = site.commune.departement

    def personne(email, **habilitation):
        user = UtilisateurFactory(email=email, first_name=email.split("@")[0].capitalize(), last_name="Essai")
        HabilitationFactory(utilisateur=user, **habilitation)
        return user, TOTPDeviceFactory(user=user)

    return {
        "site": site,
        "prefecture": personne("prefecture@example.fr", role=Role.PREFECTURE, departement=correze),
        "auditeur": personne("auditrice@example.fr", role=Role.AUDITEUR, departement=correze),
        "national": personne("anct@example.fr", role=Role.NATIONAL),
    }


def _contexte(navigateur, live_server, **options):
    contexte = navigateur.new_context(locale="fr-FR", timezone_id="Europe/Paris", base_url=live_server.url, **options)
    page = contexte.new_page()
    page.set_default_timeout(15_000)
    ecarts = []
    page.on("console", lambda m: ecarts.append(m.text) if "Content Security Policy" in m.text else None)
    return contexte, page, ecarts


def _ligne(audit, code) -> LigneAudit:
    return LigneAudit.objects.get(audit=audit, critere__code=code)


def test_du_projet_au_label(navigateur, live_server, monde):
    site = monde["site"]

    # 1. La préfecture propose le site et planifie l'audit.
    contexte, page, ecarts = _contexte(navigateur, live_server)
    connecter(page, *monde["prefecture"])
    page.goto("/espace/labellisation/")
    page.get_by_role("link", name="Proposer un site").click()
    page.get_by_label("Site proposé").select_option(label="France services de Tulle (Tulle)")
    page.get_by_label("Adresse du futur responsable du site (facultatif)").fill("responsable.tulle@example.fr")
    page.get_by_role("button", name="Déposer la candidature").click()
    page.wait_for_url("**/espace/labellisation/dossiers/*/")
    assert "Candidature déposée" in page.locator("h1 + p").text_content()
    verifier_accessibilite(page)
    page.get_by_label("Auditeur").select_option(label="Auditrice Essai")
    page.get_by_label("Date de la visite").fill((timezone.localdate() + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Planifier l'audit").last.click()
    page.wait_for_load_state()
    assert "Audit planifié" in page.locator("h1 + p").text_content()
    url_dossier = page.url
    audit = Audit.objects.get(dossier__structure=site)

    # 2. L'auditrice remplit l'audit sur une tablette.
    tablette, page_a, ecarts_a = _contexte(navigateur, live_server, viewport={"width": 820, "height": 1180})
    connecter(page_a, *monde["auditeur"])
    page_a.goto("/espace/labellisation/")
    page_a.get_by_role("link", name="France services de Tulle").first.click()
    page_a.wait_for_url(f"**/espace/labellisation/audits/{audit.pk}/")
    assert page_a.evaluate("document.documentElement.scrollWidth") <= 820  # rien ne déborde sur la tablette
    verifier_accessibilite(page_a)
    # La preuve du critère des outils dit ses deux parts : ni accompagnement ni demande au back-office possible.
    preuve_outils = page_a.locator(f"#ligne-{_ligne(audit, 'outils').pk}").text_content()
    assert "Aucun accompagnement saisi ces 30 derniers jours ; demandes au back-office impossibles" in preuve_outils

    webcam = _ligne(audit, "poste-webcam")
    page_a.locator(f"label[for=resultat-{webcam.pk}-non_conforme]").click()
    page_a.locator(f"#commentaire-{webcam.pk}").fill("Pas de webcam sur le poste d'accueil.")
    page_a.locator(f"#commentaire-{webcam.pk}").press("Tab")  # le changement part aussitôt
    page_a.wait_for_function(
        f"() => localStorage.getItem('guichet-audit-{audit.pk}') === null"
        f" && document.getElementById('ligne-{webcam.pk}').dataset.etat === 'enregistre'"
    )
    webcam.refresh_from_db()
    assert webcam.resultat == "non_conforme" and webcam.commentaire == "Pas de webcam sur le poste d'accueil."

    # Hors connexion : le constat est gardé sur l'appareil, puis envoyé au retour du réseau.
    accueil = _ligne(audit, "accueil-visible")
    tablette.set_offline(True)
    page_a.locator(f"label[for=resultat-{accueil.pk}-conforme]").click()
    page_a.get_by_text("Hors connexion : 1 constat gardé").wait_for()
    assert str(accueil.pk) in page_a.evaluate(f"localStorage.getItem('guichet-audit-{audit.pk}')")
    accueil.refresh_from_db()
    assert accueil.resultat == ""
    tablette.set_offline(False)
    page_a.get_by_text("Constats enregistrés.").wait_for(timeout=20_000)
    page_a.wait_for_function(f"() => localStorage.getItem('guichet-audit-{audit.pk}') === null")
    accueil.refresh_from_db()
    assert accueil.resultat == "conforme"

    # Un constat resté sur l'appareil (onglet fermé sans réseau) est rejoué à la prochaine ouverture.
    confidentiel = _ligne(audit, "espace-confidentiel")
    page_a.evaluate(
        f"localStorage.setItem('guichet-audit-{audit.pk}', "
        f"JSON.stringify({{'{confidentiel.pk}': {{resultat: 'conforme', commentaire: 'Bureau fermé.'}}}}))"
    )
    page_a.reload()
    page_a.get_by_text("Constats enregistrés.").wait_for()
    confidentiel.refresh_from_db()
    assert (confidentiel.resultat, confidentiel.commentaire) == ("conforme", "Bureau fermé.")

    # Tous les autres critères conformes, une photo pour la non-conformité.
    for ligne in audit.lignes.exclude(pk=webcam.pk).exclude(resultat="conforme"):
        page_a.locator(f"label[for=resultat-{ligne.pk}-conforme]").click()
    page_a.wait_for_function(
        f"() => localStorage.getItem('guichet-audit-{audit.pk}') === null"
        " && !document.querySelector('[data-etat=attente]')"
    )
    assert not audit.lignes.exclude(resultat__in=["conforme", "non_conforme"]).exists()
    page_a.locator(f"#fichier-{webcam.pk}").set_input_files(
        [{"name": "poste.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page_a.locator(f"#ligne-{webcam.pk}").get_by_role("button", name="Joindre").click()
    page_a.wait_for_load_state()
    assert PieceAudit.objects.filter(ligne=webcam, nom="poste.png").exists()
    page_a.locator("label[for=id_conclusion_0]").click()  # favorable : la seule non-conformité n'est pas bloquante
    page_a.get_by_label("Synthèse").fill("Site prêt, une webcam à installer.")
    page_a.get_by_role("button", name="Conclure l'audit").click()
    page_a.get_by_text("Audit conclu : le rapport est joint au dossier.").wait_for()
    verifier_accessibilite(page_a)
    assert not ecarts_a, ecarts_a
    tablette.close()

    # 3. L'ANCT donne un avis favorable.
    anct, page_n, _ = _contexte(navigateur, live_server)
    connecter(page_n, *monde["national"])
    page_n.goto(url_dossier)
    page_n.locator("label[for=id_avis_0]").click()
    page_n.get_by_role("button", name="Enregistrer l'avis de l'ANCT").last.click()
    page_n.wait_for_load_state()
    assert "Avis favorable de l'ANCT" in page_n.locator("h1 + p").text_content()
    # Le tableau national : la région du site et la part de ses sites conformes à chaque critère.
    page_n.goto("/espace/labellisation/tableau/")
    regions = page_n.get_by_role(
        "table", name="Part des sites conformes à chaque critère, en France et dans chaque région"
    )
    assert regions.get_by_role("columnheader", name=f"{site.commune.departement.region.nom} (1 site)").count() == 1
    verifier_accessibilite(page_n)
    # Sur un téléphone, les tableaux défilent en largeur : chacun se prend au clavier (axe le vérifie).
    page_n.set_viewport_size({"width": 390, "height": 844})
    page_n.reload()
    assert page_n.evaluate("[...document.querySelectorAll('table')].some(t => t.scrollWidth > t.clientWidth)")
    verifier_accessibilite(page_n)
    anct.close()

    # 4. Le préfet labellise ; le rapport et la décision sont au dossier.
    page.goto(url_dossier)
    page.locator("label[for=id_decision_0]").click()
    page.get_by_role("button", name="Enregistrer la décision").last.click()
    page.wait_for_load_state()
    assert "Labellisée" in page.locator("h1 + p").text_content()
    assert page.get_by_role("link", name="Rapport d'audit").count() == 1
    assert page.get_by_role("link", name="Décision du préfet").count() == 1
    verifier_accessibilite(page)
    page.goto("/espace/labellisation/tableau/")
    verifier_accessibilite(page)
    assert not ecarts, ecarts
    contexte.close()

    dossier = Dossier.objects.get(structure=site)
    site.refresh_from_db()
    assert dossier.etape == Etape.LABELLISEE and site.statut == Structure.Statut.LABELLISEE

    # 5. Le site apparaît dans « Trouver une France services ».
    public, page_p, _ = _contexte(navigateur, live_server)
    page_p.goto("/trouver/?q=Tulle")
    assert page_p.get_by_text("France services de Tulle").count() >= 1
    public.close()
