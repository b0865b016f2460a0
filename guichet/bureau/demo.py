"""Données de démonstration de l'application bureau (appelées par `guichet demo`).

Les liens des opérateurs et les guides sont des migrations de données : la démonstration n'a rien
à créer ; elle affiche ce qui est en place.
"""

from guichet.bureau.models import EtapeGuide, LienOperateur


def peupler() -> dict[str, int]:
    """Renvoie les comptes à afficher (libellé → nombre)."""
    return {
        "liens des opérateurs actifs": LienOperateur.objects.actifs().count(),
        "guides par événement de vie": EtapeGuide.objects.values("evenement").distinct().count(),
    }
