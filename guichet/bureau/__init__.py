"""Le bureau de l'agent : sa page d'accueil, les liens des opérateurs, l'annuaire des référents,
les guides par événement de vie."""
