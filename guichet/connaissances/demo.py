"""Données de démonstration de l'application connaissances (appelées par `guichet demo`)."""


def peupler() -> dict[str, int]:
    """Crée les données de démonstration ; renvoie les comptes à afficher (libellé → nombre)."""
    return {}
