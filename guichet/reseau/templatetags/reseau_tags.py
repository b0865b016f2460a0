from django import template
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()


@register.filter
def jour_relatif(moment):
    """« aujourd'hui », « demain » ou le nom du jour (« jeudi 26 novembre ») d'un instant à venir."""
    if not moment:
        return ""
    jour = timezone.localtime(moment).date()
    ecart = (jour - timezone.localdate()).days
    if ecart == 0:
        return "aujourd'hui"
    if ecart == 1:
        return "demain"
    return date_format(jour, "l j F")
