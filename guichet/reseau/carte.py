"""Ce que les cartes publiques dessinent : les lieux (structures, arrêts de bus, permanences) et les liens
d'itinéraire. Le fond de carte (hors ligne ou tuiles de l'IGN) est réglé dans `reglages()`."""

from urllib.parse import quote

from django.conf import settings
from django.urls import reverse

from guichet.reseau.models import Structure

ARRET, PERMANENCE, STRUCTURE = "arret", "permanence", "structure"


def reglages() -> dict:
    """Le fond de carte : les tuiles configurées, ou le fond hors ligne servi par le site."""
    return {
        "tuiles": settings.GUICHET_CARTE_TUILES_URL,
        "attribution": settings.GUICHET_CARTE_TUILES_ATTRIBUTION if settings.GUICHET_CARTE_TUILES_URL else "",
        "fond_index": reverse("reseau:fond_index"),
        "fond_departement": reverse("reseau:fond_departement", args=["CODE", "NIVEAU"]),
    }


def liens_itineraire(lat, lon, nom) -> dict:
    """Les liens « Itinéraire » vers un lieu : `geo:` (l'application de cartes du téléphone) et, si un
    calculateur d'itinéraire est configuré, son adresse."""
    if lat is None or lon is None:
        return {}
    liens = {"geo": f"geo:{lat:.5f},{lon:.5f}?q={lat:.5f},{lon:.5f}({quote(nom)})"}
    if settings.GUICHET_ITINERAIRE_URL:
        liens["calculateur"] = settings.GUICHET_ITINERAIRE_URL.format(
            lat=f"{lat:.5f}", lon=f"{lon:.5f}", nom=quote(nom)
        )
    return liens


def _type_de_passage(passage) -> str:
    return ARRET if passage.structure.forme == Structure.Forme.ITINERANTE else PERMANENCE


def _point_de_passage(passage, lat, lon) -> dict:
    return {
        "type": _type_de_passage(passage),
        "nom": f"{passage.structure.nom} — {passage.commune.nom}, {passage.lieu}",
        "lat": lat,
        "lon": lon,
        "url": getattr(passage.structure, "url", "") or passage.structure.get_absolute_url(),
    }


def donnees_de_recherche(recherche) -> dict:
    """Les lieux de la page « Trouver » : les structures trouvées (un bus ou une structure multisite à son
    arrêt ou sa permanence la plus proche) et les arrêts et permanences des jours à venir."""
    points, passages_vus = [], set()
    for r in recherche.resultats or []:
        if r.arret is not None:
            passages_vus.add(r.arret.pk)
            points.append(_point_de_passage(r.arret, *r.arret.point))
        else:
            s = r.structure
            nom = s.nom if not r.memes_adresses else f"{s.nom} (et {len(r.memes_adresses)} autre(s) entrée(s))"
            points.append({"type": STRUCTURE, "nom": nom, "lat": s.latitude, "lon": s.longitude, "url": s.url})
    for pd in recherche.passages or []:
        p = pd.passage
        if p.pk not in passages_vus:
            passages_vus.add(p.pk)
            points.append(_point_de_passage(p, *p.point))
    return {"centre": recherche.point, "points": points, "recherche": True, **reglages()}


def donnees_de_structure(structure) -> dict:
    """La carte de situation d'une structure : son adresse, et ses arrêts ou permanences."""
    points = []
    if structure.forme == Structure.Forme.FIXE or not structure.passages.all():
        points.append({"type": STRUCTURE, "nom": structure.nom, "lat": structure.latitude, "lon": structure.longitude})
    for p in structure.passages.all():
        lat, lon = p.latitude or p.commune.latitude, p.longitude or p.commune.longitude
        if lat is not None and lon is not None:
            points.append(_point_de_passage(p, lat, lon) | {"url": ""})
    centre = (points[0]["lat"], points[0]["lon"]) if points else (structure.latitude, structure.longitude)
    return {"centre": centre, "points": points, **reglages()}
