import pytest
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.template import Context, Template, TemplateSyntaxError


def rendre(source, **contexte):
    return Template("{% load guichet dsfr_tags %}" + source).render(Context(contexte))


def test_fil_ariane_du_dsfr_de_l_accueil_a_la_page_courante():
    html = rendre('{% fil_ariane "Modifier" "Mon espace" "/espace/" "Structures" "/gestion/" %}')
    assert 'class="fr-breadcrumb"' in html and 'aria-label="vous êtes ici\u00a0:"' in html
    assert "Voir le fil d’Ariane" in html
    liens = html.split('class="fr-breadcrumb__link"')[1:]
    assert [lien.split(">", 1)[1].split("<", 1)[0] for lien in liens] == [
        "Accueil",
        "Mon espace",
        "Structures",
        "Modifier",
    ]
    assert 'href="/espace/"' in html and 'href="/gestion/"' in html
    assert html.count('aria-current="page"') == 1


def test_fil_ariane_saute_un_niveau_sans_libelle_et_ajoute_les_niveaux_donnes():
    html = rendre(
        '{% fil_ariane "Fiche" "Base" "/base/" parent "/rien/" niveaux=ariane %}',
        parent="",
        ariane=[{"titre": "Famille", "url": "/fiche/N1"}],
    )
    assert "/rien/" not in html
    assert html.index('href="/base/"') < html.index('href="/fiche/N1"') < html.index("Fiche")


def test_fil_ariane_echappe_les_libelles():
    html = rendre("{% fil_ariane nom %}", nom="<script>alert(1)</script>")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_fil_ariane_refuse_un_niveau_sans_adresse():
    with pytest.raises(TemplateSyntaxError, match="paire"):
        rendre('{% fil_ariane "Page" "Parent sans adresse" %}')


def test_liens_d_evitement_du_dsfr():
    html = rendre("{% liens_d_evitement %}")
    assert 'class="fr-skiplinks"' in html and 'aria-label="Accès rapide"' in html
    for ancre in ("#contenu", "#navigation-principale", "#pied-de-page"):
        assert f'href="{ancre}"' in html


def test_messages_en_alertes_du_dsfr_et_echappes():
    html = rendre(
        '{% dsfr_django_messages extra_classes="fr-alert--sm" %}',
        messages=[
            Message(messages.SUCCESS, "Structure « <b>Tulle</b> » enregistrée."),
            Message(messages.ERROR, "Refusé"),
        ],
    )
    assert 'class="fr-alert fr-alert--success fr-alert--sm"' in html
    assert 'class="fr-alert fr-alert--error fr-alert--sm"' in html
    assert "<b>" not in html and "&lt;b&gt;Tulle&lt;/b&gt;" in html
