"""POST /api/v1/accompagnements : un accompagnement ou une liste, idempotent, tout ou rien."""

import json

from django.core.exceptions import RequestDataTooBig
from ninja import Router, Status

from guichet.activite import regles, services
from guichet.activite.models import DELAI_CORRECTION
from guichet.api import schemas
from guichet.api.auth import AUTHENTIFICATION

router = Router(tags=["accompagnements"], auth=AUTHENTIFICATION)

# Un lot complet de TAILLE_MAX_LOT accompagnements tient en 500 Ko environ.
TAILLE_MAX_CORPS = 1_000_000

_SCHEMA_ENTREE = schemas.AccompagnementEntree.model_json_schema()
DESCRIPTION = f"""Enregistre un accompagnement (objet JSON) ou un lot (liste, au plus {services.TAILLE_MAX_LOT}).

- **Idempotent** : chaque accompagnement porte un `id` (UUID) créé par le client ; un id déjà enregistré
  (ou répété dans le lot) n'est pas réenregistré et revient avec le statut `deja_present`. Un envoi
  répété après une coupure ne crée donc jamais de doublon.
- **Tout ou rien** : si un seul accompagnement est invalide, rien n'est enregistré ; la réponse 422 liste
  chaque erreur avec le rang (`index`, 0 pour un objet seul) et le `champ` en cause. Un accompagnement
  pour une structure où l'agent n'est ni conseiller ni responsable rend tout le lot interdit (403).
- **Limites** : corps de {TAILLE_MAX_CORPS // 1000} Ko au plus (413 au-delà), JSON d'un objet ou d'une liste
  d'objets dont chaque valeur est simple (texte, nombre, booléen ou null) ; date `le` au plus
  {int(regles.TOLERANCE_FUTUR.total_seconds() // 60)} minutes dans le futur et {DELAI_CORRECTION.days} jours \
dans le passé (le délai de correction de l'agent).
- **Authentification** : session du navigateur (avec l'en-tête `X-CSRFToken`) ou jeton personnel
  `Authorization: Bearer gch_…`, créé et révoqué par l'agent dans son espace (Activité › Jetons d'API).
- Les champs sont des codes : opérateur (`caf`), démarche du catalogue de l'opérateur (`prime-activite`),
  événement de vie (`demenagement`), valeurs des listes (`accueil`, `demarche_en_ligne`, `resolu`, `moins_15`…),
  structure par matricule ou identifiant.
"""


@router.post(
    "/accompagnements",
    response={
        200: schemas.ReponseLot,
        401: schemas.ReponseErreurs,
        403: schemas.ReponseErreurs,
        413: schemas.ReponseErreurs,
        422: schemas.ReponseErreurs,
    },
    summary="Enregistrer des accompagnements",
    description=DESCRIPTION,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"oneOf": [_SCHEMA_ENTREE, {"type": "array", "items": _SCHEMA_ENTREE}]},
                    "example": {
                        "id": "0f8c6a52-3c1e-4b7a-9a57-2f4f1d3e8b10",
                        "operateur": "caf",
                        "demarche": "prime-activite",
                        "type_aide": "demarche_en_ligne",
                        "resultat": "resolu",
                        "duree": "moins_15",
                    },
                }
            },
        }
    },
)
def enregistrer_accompagnements(request):
    try:
        longueur = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        longueur = 0
    trop_long = Status(
        413,
        {
            "detail": "Corps trop long : rien n'a été enregistré.",
            "erreurs": [_erreur(None, "", f"au plus {TAILLE_MAX_CORPS // 1000} Ko par envoi : découpez le lot.")],
        },
    )
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
    except (ValueError, UnicodeDecodeError) as e:  # JSONDecodeError, nombre de plus de 4300 chiffres
        return Status(422, {"detail": "Corps illisible : JSON attendu.", "erreurs": [_erreur(None, "", str(e))]})
    except RecursionError:
        message = "JSON trop imbriqué : un objet ou une liste d'objets attendu."
        return Status(422, {"detail": "Corps illisible : JSON attendu.", "erreurs": [_erreur(None, "", message)]})
    items = corps if isinstance(corps, list) else [corps]
    try:
        lignes = services.enregistrer_lot(request.auth, items)
    except services.LotInvalide as e:
        statut = 403 if e.interdit else 422
        detail = "Lot refusé : rien n'a été enregistré."
        return Status(statut, {"detail": detail, "erreurs": [err.en_json() for err in e.erreurs]})
    crees = sum(1 for ligne in lignes if ligne.statut == services.CREE)
    return Status(
        200,
        {
            "crees": crees,
            "deja_presents": len(lignes) - crees,
            "resultats": [{"index": ligne.index, "id": str(ligne.id), "statut": ligne.statut} for ligne in lignes],
        },
    )


def _erreur(index, champ, message):
    return {"index": index, "champ": champ, "message": message}
