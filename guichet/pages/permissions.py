"""Qui peut voir ou faire quoi dans pages : ses règles, posées sur le périmètre de `guichet.permissions`.

Le périmètre de l'utilisateur est lu une fois par requête par le module central ; chaque règle ici le relit.
Les vues ne testent jamais les rôles elles-mêmes : elles posent une question à ce module.
"""

from guichet.permissions import perimetre


def peut_modifier_pages_institutionnelles(user) -> bool:
    """Les pages du pied de page (accessibilité, mentions légales, données personnelles) : équipe nationale
    et superutilisateurs ; tout le monde les lit."""
    return perimetre(user).tout_modifier
