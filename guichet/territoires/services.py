"""Règles de la géographie : normalisation des noms, distances."""

import math
import re

from guichet.texte import replier

RAYON_TERRE_KM = 6371.0088

_SAINT = re.compile(r"\b(saint|sainte|st|ste)\b")
_SEPARATEURS = re.compile(r"[\s'’\-_.,]+")


def normaliser_nom(texte: str) -> str:
    """Forme de comparaison d'un nom de commune : minuscules, sans accents ni tirets, « saint » → « st »."""
    texte = _SEPARATEURS.sub(" ", replier(texte)).strip()
    texte = _SAINT.sub(lambda m: "st" if m.group(1) in ("saint", "st") else "ste", texte)
    return texte


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance à vol d'oiseau (formule de haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * RAYON_TERRE_KM * math.asin(math.sqrt(a))
