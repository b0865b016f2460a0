"""Le service worker d'une page qui marche hors connexion (la saisie des accompagnements, la borne de
satisfaction) : la liste des fichiers à garder en cache et leur version, calculée sur leur contenu."""

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static


@lru_cache(maxsize=16)
def _fichiers_et_version(fichiers: tuple[str, ...], empreintes: tuple[str, ...]) -> tuple[list[str], str]:
    urls = [static(chemin) for chemin in fichiers]
    empreinte = hashlib.sha256("\n".join(urls).encode())
    for chemin in empreintes:
        trouve = finders.find(chemin)
        if trouve:
            with open(trouve, "rb") as f:
                empreinte.update(f.read())
    return urls, empreinte.hexdigest()[:16]


def service_worker(*, gabarit: str, page: str, portee: str, fichiers, empreintes) -> HttpResponse:
    """`fichiers` : les fichiers statiques gardés hors ligne ; `empreintes` : ceux dont le contenu fait la version
    (une nouvelle version remplace le cache) ; `page` : l'adresse de la page ; `portee` : Service-Worker-Allowed."""
    if settings.DEBUG:
        _fichiers_et_version.cache_clear()
    urls, version = _fichiers_et_version(tuple(fichiers), tuple(empreintes))
    constantes = (
        f"const VERSION = {json.dumps(version)};\n"
        f"const PAGE = {json.dumps(page)};\n"
        f"const FICHIERS = {json.dumps(urls)};\n"
        f"const STATIQUES = {json.dumps(settings.STATIC_URL)};"
    )
    reponse = HttpResponse(
        render_to_string(gabarit, {"constantes": constantes}), content_type="application/javascript; charset=utf-8"
    )
    reponse["Service-Worker-Allowed"] = portee
    reponse["Cache-Control"] = "no-cache"
    return reponse
