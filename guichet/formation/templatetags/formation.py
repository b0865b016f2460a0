"""`{% load formation %}{% formation_du_bureau %}` : sur le bureau de l'agent, où en est sa formation et ce qui
vient ensuite (rien une fois formé, sinon un bloc court et le lien vers son parcours)."""

from django import template

from guichet import permissions
from guichet.formation import services

register = template.Library()


@register.inclusion_tag("formation/_bureau.html", takes_context=True)
def formation_du_bureau(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    etat = services.etat_du_parcours(user) if permissions.est_agent(user) else None
    return {"etat": etat if etat is not None and etat.parcours is not None and not etat.forme else None, "user": user}


@register.filter
def pluriel(nombre, suffixe="s"):
    """Le pluriel à la française : « 0 module fait », « 1 module fait », « 2 modules faits »."""
    try:
        return suffixe if abs(float(nombre)) >= 2 else ""
    except (TypeError, ValueError):
        return ""
