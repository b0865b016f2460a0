"""Les graphiques DSFR (composants web de @gouvfr/dsfr-chart, vendorisés) d'un bloc de tableau de bord."""

import json

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


def _json(valeur):
    return json.dumps(valeur, ensure_ascii=False)


@register.simple_tag
def graphique(bloc):
    """Le composant du graphique d'un bloc ; ses données sont aussi dans le tableau qui le suit."""
    etiquettes = [ligne.libelle for ligne in bloc.lignes]
    nombres = [ligne.nombre for ligne in bloc.lignes]
    if bloc.graphique == "courbe":
        resolus = [ligne.resolus or 0 for ligne in bloc.lignes]
        return format_html(
            '<line-chart x="{}" y="{}" name="{}" selected-palette="categorical"></line-chart>',
            _json([etiquettes, etiquettes]),
            _json([nombres, resolus]),
            _json(["Accompagnements", "Résolus sur place"]),
        )
    if bloc.graphique == "camembert":
        return format_html(
            '<pie-chart x="{}" y="{}" name="{}" selected-palette="categorical" fill="true"></pie-chart>',
            _json([etiquettes]),
            _json([nombres]),
            _json(etiquettes),
        )
    if bloc.graphique in ("barres", "barres_horizontales"):
        return barres(bloc)
    return ""


def barres(bloc):
    """Des barres horizontales en HTML : chaque barre porte son libellé et son nombre (un graphique
    dessiné sautait la moitié des libellés quand ils étaient nombreux)."""
    maximum = max((ligne.nombre for ligne in bloc.lignes), default=0) or 1
    lignes = format_html_join(
        "",
        '<li><span class="guichet-barres__libelle">{}</span>'
        '<span class="guichet-barres__barre" style="width: {}%"></span>'
        '<span class="guichet-barres__nombre">{}</span></li>',
        ((ligne.libelle, f"{100 * ligne.nombre / maximum:.1f}", entier(ligne.nombre)) for ligne in bloc.lignes),
    )
    return format_html('<ul class="guichet-barres">{}</ul>', lignes)


@register.filter
def signe(valeur):
    """+3,5 / −2 / 0 : une variation signée, à la française."""
    if valeur is None:
        return "—"
    texte = f"{abs(valeur):,}".replace(",", "\u202f").replace(".", ",")
    return ("+" if valeur > 0 else "−" if valeur < 0 else "") + texte


@register.filter
def pourcent(valeur):
    if valeur is None:
        return "—"
    return f"{valeur}".replace(".", ",") + "\u00a0%"


@register.filter
def entier(valeur):
    if valeur is None:
        return "—"
    return f"{valeur:,}".replace(",", "\u202f")
