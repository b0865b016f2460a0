"""Les pages institutionnelles : contenu initial fidèle à la plateforme, lien dans le pied de page de chaque
page, modification réservée à l'équipe nationale, texte sûr (aucun HTML saisi, liens vérifiés)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape

from guichet.comptes.models import Role
from guichet.demandes import retention
from guichet.journal.models import EntreeJournal
from guichet.pages import texte
from guichet.pages.models import Page
from tests.comptes.conftest import connecter
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory


@pytest.fixture
def national(db):
    user = UtilisateurFactory()
    HabilitationFactory(utilisateur=user, role=Role.NATIONAL)
    return user


@pytest.mark.parametrize(
    "url, titre",
    [
        ("/accessibilite/", "Déclaration d'accessibilité"),
        ("/mentions-legales/", "Mentions légales"),
        ("/donnees-personnelles/", "Données personnelles"),
        ("/plan-du-site/", "Plan du site"),
    ],
)
def test_pages_publiques(client, db, url, titre):
    reponse = client.get(url)
    assert reponse.status_code == 200
    assert f"<h1>{escape(titre)}</h1>" in reponse.content.decode()


def test_pied_de_page_de_chaque_page(client, db):
    contenu = client.get("/trouver/").content.decode()
    for lien in (
        'href="/accessibilite/">Accessibilité : non conforme<',
        'href="/mentions-legales/">Mentions légales<',
        'href="/donnees-personnelles/">Données personnelles<',
        'href="/plan-du-site/">Plan du site<',
    ):
        assert lien in contenu
    assert 'aria-controls="fr-theme-modal"' in contenu  # le bouton qui ouvre les paramètres d'affichage
    assert 'id="fr-theme-modal"' in contenu  # et la fenêtre qu'il ouvre


def test_declaration_accessibilite(client, db, settings):
    settings.GUICHET_CONTACT = "accessibilite@example.gouv.fr"
    contenu = client.get("/accessibilite/").content.decode()
    assert "<strong>non conforme</strong>" in contenu
    assert "RGAA" in contenu
    assert '<a href="mailto:accessibilite@example.gouv.fr">accessibilite@example.gouv.fr</a>' in contenu
    assert "Défenseur des droits" in contenu


def test_donnees_personnelles_disent_les_vraies_durees(client, db):
    """Les durées annoncées sont celles que la purge applique."""
    contenu = client.get("/donnees-personnelles/").content.decode()
    assert f"sans nouvelles depuis {retention.SILENCE_CLOTURE.days} jours" in contenu
    assert f"sans message depuis {retention.SILENCE_AVERTISSEMENT.days} jours" in contenu
    assert f"<strong>{retention.CONSERVATION_MOIS} mois après la clôture</strong>" in contenu
    assert "<strong>chiffrées</strong>" in contenu
    assert "Journal d&#x27;audit" in contenu
    assert "cnil.fr/fr/plaintes" in contenu


def test_plan_du_site_selon_le_role(client, national):
    anonyme = client.get("/plan-du-site/").content.decode()
    assert 'href="/comptes/connexion/"' in anonyme
    assert "/espace/pages/" not in anonyme
    connecter(client, national)
    contenu = client.get("/plan-du-site/").content.decode()
    assert 'href="/espace/pages/"' in contenu
    assert 'href="/espace/exploitation/"' in contenu


def test_le_national_modifie_une_page(client, national):
    connecter(client, national)
    assert client.get("/espace/pages/").status_code == 200
    reponse = client.post(
        "/espace/pages/accessibilite/modifier/",
        {
            "titre": "Déclaration d'accessibilité",
            "libelle_pied": "Accessibilité : partiellement conforme",
            "contenu": "## État\n\nPartiellement conforme après l'audit de 2027.\n\n- critère 1\n- critère 2",
        },
    )
    assert reponse.status_code == 302
    page = Page.objects.get(slug="accessibilite")
    assert page.modifiee_par == national
    assert EntreeJournal.objects.filter(action="modification", objet_id=str(page.pk)).exists()
    contenu = client.get("/accessibilite/").content.decode()
    assert "<h2>État</h2>" in contenu
    assert "<ul><li>critère 1</li><li>critère 2</li></ul>" in contenu
    assert "Accessibilité : partiellement conforme" in client.get("/trouver/").content.decode()


@pytest.mark.parametrize("habilitation", [{"prefecture": True}, {"gestionnaire": True}, {"auditeur": True}, None])
def test_modification_refusee_aux_autres(client, db, habilitation):
    user = UtilisateurFactory()
    if habilitation:
        HabilitationFactory(utilisateur=user, **habilitation)
    connecter(client, user)
    avant = Page.objects.get(slug="mentions-legales").contenu
    assert client.get("/espace/pages/").status_code == 403
    assert client.get("/espace/pages/mentions-legales/modifier/").status_code == 403
    reponse = client.post(
        "/espace/pages/mentions-legales/modifier/", {"titre": "X", "libelle_pied": "X", "contenu": "piraté"}
    )
    assert reponse.status_code == 403
    assert Page.objects.get(slug="mentions-legales").contenu == avant
    assert "Modifier cette page" not in client.get("/mentions-legales/").content.decode()


def test_modification_anonyme_renvoyee_a_la_connexion(client, db):
    reponse = client.post("/espace/pages/mentions-legales/modifier/", {"contenu": "x"})
    assert reponse.status_code == 302
    assert "/comptes/connexion/" in reponse["Location"]


def test_html_saisi_est_echappe(client, national):
    """Une attaque par script dans le texte d'une page ne s'exécute pas : tout est échappé."""
    connecter(client, national)
    client.post(
        "/espace/pages/mentions-legales/modifier/",
        {
            "titre": "Mentions <b>légales</b>",
            "libelle_pied": "Mentions légales",
            "contenu": '<script>alert(1)</script>\n\n[clic](https://exemple.fr/"onmouseover=alert(1))',
        },
    )
    contenu = client.get("/mentions-legales/").content.decode()
    assert "<script>alert(1)</script>" not in contenu
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in contenu
    assert '"onmouseover' not in contenu
    assert "Mentions &lt;b&gt;légales&lt;/b&gt;" in contenu


def test_lien_javascript_refuse_en_nommant_la_ligne(client, national):
    connecter(client, national)
    reponse = client.post(
        "/espace/pages/mentions-legales/modifier/",
        {
            "titre": "Mentions légales",
            "libelle_pied": "Mentions légales",
            "contenu": "Texte\n\n[ici](javascript:alert(1))",
        },
    )
    assert reponse.status_code == 200
    assert "Ligne 3 : le lien « javascript:alert(1 » est refusé" in reponse.content.decode()
    assert "javascript" not in Page.objects.get(slug="mentions-legales").contenu


def test_texte_vide_refuse(client, national):
    connecter(client, national)
    reponse = client.post(
        "/espace/pages/mentions-legales/modifier/", {"titre": "Mentions légales", "libelle_pied": "M", "contenu": "  "}
    )
    assert reponse.status_code == 200
    assert "Ce champ est obligatoire" in reponse.content.decode()


@pytest.mark.parametrize(
    "source, attendu",
    [
        ("## Titre\nUn paragraphe\nsur deux lignes.", "<h2>Titre</h2>\n<p>Un paragraphe<br>sur deux lignes.</p>"),
        ("[site](/trouver/) et **gras**", '<p><a href="/trouver/">site</a> et <strong>gras</strong></p>'),
        ("[x](//evil.example)", "<p>[x](//evil.example)</p>"),
        ("a & b < c", "<p>a &amp; b &lt; c</p>"),
        ("[x](http://a.fr/p)", '<p><a href="https://a.fr/p">x</a></p>'),  # la règle commune : relevée en https
        ("[x](mailto:a@b.fr)", '<p><a href="mailto:a@b.fr">x</a></p>'),
        ("[x](java\tscript:alert(1))", "<p>[x](java\tscript:alert(1))</p>"),
    ],
)
def test_mise_en_forme(source, attendu):
    assert texte.en_html(source) == attendu


def test_verifier_nomme_chaque_ligne_fautive():
    with pytest.raises(ValidationError) as erreur:
        texte.verifier("ok\n[a](ftp://exemple.fr)\n##\n[b](data:text/html,x)")
    messages = erreur.value.messages
    assert messages[0].startswith("Ligne 2 : le lien « ftp://exemple.fr » est refusé")
    assert messages[1] == "Ligne 3 : intertitre vide."
    assert messages[2].startswith("Ligne 4 :")


def test_pages_initiales_passent_leur_propre_verification(db):
    for page in Page.objects.all():
        texte.verifier(page.contenu)
    assert Page.objects.count() == 3
