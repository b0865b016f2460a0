"""L'API JSON publique, documentée en OpenAPI (/api/v1/docs, /api/v1/openapi.json)."""

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import patch_cache_control
from ninja import NinjaAPI, Query
from ninja.errors import AuthenticationError, HttpError, ValidationError

from guichet.api import accompagnements, schemas
from guichet.api.auth import DEFI, MESSAGE_SANS_AUTHENTIFICATION, JetonInvalide
from guichet.api.docs import SwaggerVendorise
from guichet.reseau import services
from guichet.reseau.models import Structure
from guichet.territoires.models import Departement

api = NinjaAPI(
    title="API guichet",
    version="1",
    description="Les structures France Services (recherche par proximité, fiche d'une structure) et la saisie "
    "des accompagnements (un objet ou un lot, idempotent).",
    urls_namespace="api",
    docs=SwaggerVendorise(),
)
api.add_router("", accompagnements.router)
api.add_router("", "guichet.bornes.api.router")


@api.exception_handler(HttpError)
def erreur_http(request, exc):
    """Les erreurs de l'API dans le format documenté (`detail`, `erreurs` : index, champ, message) ; un 401
    porte `WWW-Authenticate` (RFC 9110)."""
    message = MESSAGE_SANS_AUTHENTIFICATION if isinstance(exc, AuthenticationError) else str(exc)
    corps = {"detail": message, "erreurs": [{"index": None, "champ": "", "message": message}]}
    reponse = api.create_response(request, corps, status=exc.status_code)
    if exc.status_code == 401:
        reponse["WWW-Authenticate"] = DEFI + (', error="invalid_token"' if isinstance(exc, JetonInvalide) else "")
    return reponse


@api.exception_handler(ValidationError)
def erreur_de_validation(request, exc):
    """Un paramètre invalide (type, bornes) : 422 dans le même format, chaque erreur nommant son paramètre."""
    erreurs = [
        {"index": None, "champ": ".".join(str(x) for x in e.get("loc", ())[1:]), "message": str(e.get("msg", ""))}
        for e in exc.errors
    ]
    return api.create_response(request, {"detail": "Paramètres invalides.", "erreurs": erreurs}, status=422)


@api.exception_handler(Http404)
def introuvable(request, exc):
    message = "Introuvable."
    return api.create_response(
        request, {"detail": message, "erreurs": [{"index": None, "champ": "", "message": message}]}, status=404
    )


ERREURS = {422: schemas.ReponseErreurs}


def _coordonnees(near: str) -> tuple[float, float]:
    try:
        lat, lon = (float(x) for x in near.split(","))
    except ValueError:
        raise HttpError(422, "Paramètre near invalide : attendu « LAT,LON », par exemple near=45.26,1.77.") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise HttpError(422, "Paramètre near hors limites : latitude entre -90 et 90, longitude entre -180 et 180.")
    return lat, lon


@api.get("/structures", response={200: list[schemas.StructureProche], **ERREURS}, tags=["structures"])
def structures(request, filtres: Query[schemas.FiltreProximite]):
    """Les structures labellisées les plus proches d'un point, la plus proche d'abord."""
    lat, lon = _coordonnees(filtres.near)
    maintenant = timezone.now()
    return [
        schemas.StructureProche.depuis(r.structure, maintenant, distance_km=r.distance_km)
        for r in services.structures_proches(lat, lon, filtres.limit)
    ]


@api.get(
    "/structures/{matricule}", response={200: schemas.StructureDetail, 404: schemas.ReponseErreurs}, tags=["structures"]
)
def structure(request, matricule: str):
    """Une structure par son matricule national."""
    s = get_object_or_404(
        Structure.objects.select_related("commune").prefetch_related(
            "creneaux", "exceptions", "operateurs", "passages__commune"
        ),
        matricule=matricule,
    )
    if s.label_a_venir():
        raise Http404("Structure inconnue.")
    return schemas.StructureDetail.depuis(s, timezone.now())


@api.get("/departements.geojson", tags=["territoires"], url_name="departements_geojson", include_in_schema=False)
def departements_geojson(request):
    """Les contours simplifiés des départements (fond des cartes, sans serveur de tuiles)."""
    reponse = JsonResponse(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"code": code, "nom": nom}, "geometry": contour}
                for code, nom, contour in Departement.objects.exclude(contour=None).values_list(
                    "code", "nom", "contour"
                )
            ],
        }
    )
    patch_cache_control(reponse, public=True, max_age=86400)
    return reponse
