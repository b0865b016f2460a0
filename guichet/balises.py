"""Les balises de gabarit du projet (`{% load guichet %}`), construites sur celles de django-dsfr."""

from django import template
from django.urls import reverse
from dsfr.templatetags.dsfr_tags import dsfr_breadcrumb, dsfr_skiplinks

register = template.Library()


@register.inclusion_tag("dsfr/breadcrumb.html", takes_context=True)
def fil_ariane(context, courant, *liens, niveaux=()):
    """Le fil d'Ariane du DSFR : `{% fil_ariane "Page courante" "Parent" url_parent "Autre" url_autre %}`.

    Après la page courante viennent des paires (libellé, adresse), du plus haut au plus proche ; une paire
    au libellé vide est sautée, ce qui permet un niveau facultatif. `niveaux`, une liste d'objets à `titre`
    et `url`, s'ajoute après les paires. L'accueil ouvre toujours le fil.
    """
    if len(liens) % 2:
        raise template.TemplateSyntaxError("fil_ariane : chaque niveau du fil est une paire (libellé, adresse).")
    paires = [{"title": titre, "url": url} for titre, url in zip(liens[::2], liens[1::2], strict=True) if titre]
    paires += [{"title": niveau["titre"], "url": niveau["url"]} for niveau in niveaux]
    return dsfr_breadcrumb(context, {"links": paires, "current": courant, "root_dir": reverse("accueil")})


LIENS_D_EVITEMENT = [
    {"link": "#contenu", "label": "Contenu"},
    {"link": "#navigation-principale", "label": "Menu"},
    {"link": "#pied-de-page", "label": "Pied de page"},
]


@register.inclusion_tag("dsfr/skiplinks.html", takes_context=True)
def liens_d_evitement(context):
    """Les liens d'évitement du DSFR, les mêmes sur toutes les pages."""
    return dsfr_skiplinks(context, LIENS_D_EVITEMENT)
