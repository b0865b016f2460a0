from django import template

from guichet.financement.calcul import euros as _euros

register = template.Library()


@register.filter
def euros(montant):
    """« 15 123,29 € »."""
    return _euros(montant)
