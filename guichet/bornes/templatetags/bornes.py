"""La satisfaction publique d'une structure (page publique du lieu) : `{% satisfaction_publique structure as s %}`."""

from django import template

from guichet.bornes import services

register = template.Library()


@register.simple_tag
def satisfaction_publique(structure):
    """Part des satisfaits et nombre d'avis sur 12 mois, ou None sous `services.MIN_PUBLIC` avis."""
    return services.satisfaction_publique(structure)
