"""Création, authentification et révocation des jetons personnels d'API."""

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from guichet.api.models import JetonApi

PREFIXE = "gch_"
MAX_JETONS_ACTIFS = 10
# La date de dernière utilisation n'est réécrite qu'une fois par intervalle (pas une écriture par appel).
INTERVALLE_USAGE = timedelta(minutes=5)


class TropDeJetons(Exception):
    pass


def empreinte(clair: str) -> str:
    return hashlib.sha256(clair.encode()).hexdigest()


def creer_jeton(utilisateur, nom: str) -> tuple[JetonApi, str]:
    """Crée un jeton ; renvoie l'objet et le jeton en clair, à montrer une seule fois."""
    if utilisateur.jetons_api.actifs().count() >= MAX_JETONS_ACTIFS:
        raise TropDeJetons(f"Au plus {MAX_JETONS_ACTIFS} jetons actifs : révoquez-en un d'abord.")
    clair = PREFIXE + secrets.token_urlsafe(32)
    jeton = JetonApi.objects.create(
        utilisateur=utilisateur, nom=nom.strip()[:100], prefixe=clair[:10], empreinte=empreinte(clair)
    )
    return jeton, clair


def authentifier(clair: str):
    """L'utilisateur actif du jeton non révoqué, ou None."""
    if not clair or not clair.startswith(PREFIXE):
        return None
    jeton = JetonApi.objects.actifs().select_related("utilisateur").filter(empreinte=empreinte(clair.strip())).first()
    if jeton is None or not jeton.utilisateur.is_active:
        return None
    maintenant = timezone.now()
    if jeton.utilise_le is None or maintenant - jeton.utilise_le > INTERVALLE_USAGE:
        JetonApi.objects.filter(pk=jeton.pk).update(utilise_le=maintenant)
    return jeton.utilisateur


def revoquer(jeton: JetonApi) -> None:
    if jeton.revoque_le is None:
        jeton.revoque_le = timezone.now()
        jeton.save(update_fields=["revoque_le"])
