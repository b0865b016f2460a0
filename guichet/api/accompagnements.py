"""POST /api/v1/accompagnements : un accompagnement ou une liste, idempotent, tout ou rien."""

import json

from ninja import Router, Status

from guichet.activite import services
from guichet.api import schemas
from guichet.api.auth import AUTHENTIFICATION

router = Router(tags=["accompagnements"], auth=AUTHENTIFICATION)

_SCHEMA_ENTREE = schemas.AccompagnementEntree.model_json_schema()
DESCRIPTION = f"""Enregistre un accompagnement (objet JSON) ou un lot (liste, au plus {services.TAILLE_MAX_LOT}).

- **Idempotent** : chaque accompagnement porte un `id` (UUID) créé par le client ; un id déjà enregistré
  (ou répété dans le lot) n'est pas réenregistré et revient avec le statut `deja_present`. Un envoi
  répété après une coupure ne crée donc jamais de doublon.
- **Tout ou rien** : si un seul accompagnement est invalide, rien n'est enregistré ; la réponse 422 liste
  chaque erreur avec le rang (`index`, 0 pour un objet seul) et le `champ` en cause. Un accompagnement
  pour une structure où l'agent n'est ni conseiller ni responsable rend tout le lot interdit (403).
- **Authentification** : session du navigateur (avec l'en-tête `X-CSRFToken`) ou jeton personnel
  `Authorization: Bearer gch_…`, créé et révoqué par l'agent dans son espace (Activité › Jetons d'API).
- Les champs sont des codes : opérateur (`caf`), démarche du catalogue de l'opérateur (`prime-activite`),
  événement de vie (`demenagement`), valeurs des listes (`accueil`, `demarche_en_ligne`, `resolu`, `moins_15`…),
  structure par matricule ou identifiant.
"""


@router.post(
    "/accompagnements",
    response={200: schemas.ReponseLot, 403: schemas.ReponseErreurs, 422: schemas.ReponseErreurs},
    summary="Enregistrer des accompagnements",
    description=DESCRIPTION,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"oneOf": [_SCHEMA_ENTREE, {"type": "array", "items": _SCHEMA_ENTREE}]},
                }
            },
        }
    },
)
def enregistrer_accompagnements(request):
    try:
        corps = json.loads(request.body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        return Status(422, {"detail": "Corps illisible : JSON attendu.", "erreurs": [_erreur(None, "", str(e))]})
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
