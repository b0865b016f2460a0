"""Affichage des demandes : temps ouvré restant, badge de statut."""

from django import template
from django.utils import timezone
from django.utils.html import format_html

from guichet.demandes.models import Statut

register = template.Library()

BADGES = {
    Statut.ENVOYEE: "fr-badge--new",
    Statut.PRISE_EN_CHARGE: "fr-badge--info",
    Statut.EN_RETARD: "fr-badge--error",
    Statut.REPONSE_RECUE: "fr-badge--success",
    Statut.EN_ATTENTE: "fr-badge--info",
    Statut.TRAITEE: "fr-badge--success",
    Statut.CLOTUREE: "",
}


@register.simple_tag
def badge_statut(statut):
    """Le badge DSFR du statut (balise simple : rendue 25 fois par page de liste)."""
    classe = BADGES.get(statut, "")
    return format_html('<p class="fr-badge fr-badge--sm{}">{}</p>', f" {classe}" if classe else "", statut.label)


@register.filter
def heures_ouvrees(duree):
    """« 47 h ouvrées » ou « moins d'une heure ouvrée » (valeur absolue)."""
    if duree is None:
        return ""
    heures = int(abs(duree.total_seconds()) // 3600)
    if heures < 1:
        return "moins d'une heure ouvrée"
    return f"{heures} h ouvrée{'s' if heures > 1 else ''}"


@register.filter
def temps_restant(restant):
    """« Reste 47 h ouvrées » ou « En retard de 5 h ouvrées » ; vide une fois la première réponse venue."""
    if restant is None:
        return ""
    if restant.total_seconds() >= 0:
        return f"Reste {heures_ouvrees(restant)}"
    return f"En retard de {heures_ouvrees(restant)}"


@register.filter
def date_heure(moment):
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local:%d/%m/%Y} à {local:%H:%M}"
