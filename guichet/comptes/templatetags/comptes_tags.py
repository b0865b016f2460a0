from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def duree(valeur: timedelta) -> str:
    """Une durée en français : « 15 minutes », « 1 heure 30 minutes »."""
    minutes = max(1, round(valeur.total_seconds() / 60))
    heures, minutes = divmod(minutes, 60)
    morceaux = []
    if heures:
        morceaux.append(f"{heures} heure{'s' if heures > 1 else ''}")
    if minutes:
        morceaux.append(f"{minutes} minute{'s' if minutes > 1 else ''}")
    return " ".join(morceaux)
