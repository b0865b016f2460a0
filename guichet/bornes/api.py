"""L'API des bornes de satisfaction : la tablette s'y authentifie par son jeton d'appareil (jamais une
session d'agent) et envoie ses avis par lots, idempotents."""

import json
from datetime import datetime
from typing import Literal

from django.core.exceptions import RequestDataTooBig
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer

from guichet.bornes import services
from guichet.bornes.models import Attente

TAILLE_MAX_CORPS = 1_000_000


class JetonDeBorneInvalide(HttpError):
    def __init__(self):
        super().__init__(401, "Jeton de borne invalide ou révoqué : appairez de nouveau la tablette.")


class JetonDeBorne(HttpBearer):
    """Le jeton d'appareil créé par le responsable de la structure (`brn_…`) ; révoqué ou inconnu : 401."""

    def authenticate(self, request, token):
        borne = services.authentifier(token)
        if borne is None:
            raise JetonDeBorneInvalide
        return borne


router = Router(tags=["bornes"], auth=JetonDeBorne())


class AvisEntree(Schema):
    """Un avis donné sur la borne. Seuls `id`, `le` et `note` sont obligatoires."""

    id: str = Field(..., description="UUID créé sur la tablette : un même id envoyé deux fois n'est gardé qu'une fois")
    le: datetime = Field(..., description="Date et heure de l'avis (ISO 8601)")
    note: int = Field(..., ge=1, le=5, description="Êtes-vous satisfait de votre visite ? 1 (pas du tout) à 5")
    resolu: bool | None = Field(None, description="Le problème a-t-il été résolu ?")
    attente: Literal[tuple(Attente.values)] | None = Field(None, description="Temps d'attente")
    reviendrait: bool | None = Field(None, description="Reviendriez-vous ?")


class ReponseAvis(Schema):
    crees: int
    deja_presents: int
    signales: int = Field(..., description="Avis gardés mais trop rapprochés pour être d'un humain : hors des chiffres")


class ErreurAvis(Schema):
    index: int | None = Field(None, description="Rang de l'avis dans la liste")
    champ: str
    message: str


class ReponseErreursBorne(Schema):
    detail: str
    erreurs: list[ErreurAvis]


class BorneInfo(Schema):
    borne: str
    structure: str
    matricule: str


_SCHEMA = AvisEntree.model_json_schema()
DESCRIPTION = f"""Enregistre les avis d'une borne de satisfaction (une liste, au plus {services.TAILLE_MAX_LOT}).

- **Authentification** : `Authorization: Bearer brn_…`, le jeton d'appareil créé par le responsable de la
  structure (ou `guichet borne appairer`) ; un jeton révoqué ou inconnu reçoit 401.
- **Idempotent** : chaque avis porte un `id` (UUID) créé sur la tablette ; un id déjà reçu n'est pas
  réenregistré (`deja_presents`) : renvoyer la file après une coupure ne crée jamais de doublon.
- **Tout ou rien** : un avis invalide et rien n'est enregistré ; la réponse 422 nomme le rang (`index`) et le
  `champ` de chaque erreur.
- **Cadence** : un avis donné à moins de {services.ECART_MIN.seconds} s d'un autre de la même borne, ou au-delà
  de {services.MAX_PAR_MINUTE} dans la même minute, est gardé mais signalé et tenu hors des chiffres.
- **Limites** : corps de {TAILLE_MAX_CORPS // 1000} Ko au plus (413) ; `le` au plus
  {int(services.TOLERANCE_FUTUR.total_seconds() // 60)} minutes dans le futur et {services.ANCIENNETE_MAX.days} \
jours dans le passé.
"""


def _refus(statut, detail, message, index=None, champ=""):
    return Status(statut, {"detail": detail, "erreurs": [{"index": index, "champ": champ, "message": message}]})


@router.post(
    "/bornes/reponses",
    response={
        200: ReponseAvis,
        401: ReponseErreursBorne,
        413: ReponseErreursBorne,
        422: ReponseErreursBorne,
    },
    summary="Enregistrer les avis d'une borne",
    description=DESCRIPTION,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"type": "array", "items": _SCHEMA},
                    "example": [
                        {
                            "id": "5b7d2c1e-8f3a-4e6b-9c0d-1a2b3c4d5e6f",
                            "le": "2026-05-04T10:15:00+02:00",
                            "note": 5,
                            "resolu": True,
                            "attente": "moins_10",
                            "reviendrait": True,
                        }
                    ],
                }
            },
        }
    },
)
def enregistrer_reponses(request):
    try:
        longueur = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        longueur = 0
    trop_long = _refus(413, "Corps trop long : rien n'a été enregistré.", "découpez la file en lots plus petits.")
    if longueur > TAILLE_MAX_CORPS:
        return trop_long
    try:
        brut = request.body
    except RequestDataTooBig:
        return trop_long
    if len(brut) > TAILLE_MAX_CORPS:
        return trop_long
    try:
        corps = json.loads(brut or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        return _refus(422, "Corps illisible : une liste JSON d'avis attendue.", str(e)[:200])
    if not isinstance(corps, list):
        return _refus(422, "Corps invalide : rien n'a été enregistré.", "une liste JSON d'avis attendue.")
    try:
        resultat = services.enregistrer_avis(request.auth, corps)
    except services.AvisInvalides as e:
        return Status(
            422, {"detail": "Lot refusé : rien n'a été enregistré.", "erreurs": [err.en_json() for err in e.erreurs]}
        )
    return Status(
        200, {"crees": resultat.crees, "deja_presents": resultat.deja_presents, "signales": resultat.signales}
    )


@router.get("/bornes/moi", response={200: BorneInfo, 401: ReponseErreursBorne}, summary="La borne de ce jeton")
def moi(request):
    """La borne et la structure de ce jeton d'appareil (affichées sur la tablette)."""
    borne = request.auth
    return {"borne": borne.nom, "structure": borne.structure.nom, "matricule": borne.structure.matricule}
