"""Les blocs de « Mon espace » des bornes : la satisfaction de ce que l'utilisateur suit (structure gérée,
département de la préfecture, national), et ses bornes."""

from django.urls import reverse

from guichet.accueil import Bloc, Chiffre
from guichet.bornes import permissions as permissions_bornes
from guichet.bornes import resultats, services
from guichet.bornes.models import Borne
from guichet.statistiques.secret import SEUIL


def blocs(user) -> list[Bloc]:
    if not permissions_bornes.peut_voir_satisfaction(user):
        return []
    periode = services.periode_12_mois()
    if permissions_bornes.satisfaction_nationale(user):
        filtres = {}
    else:
        filtres = {"structure__in": permissions_bornes.structures_satisfaction(user)}
    total = _total(periode, filtres)
    chiffres = []
    if total["reponses"] >= SEUIL:
        part = services.part(total["satisfaits"], total["reponses"])
        chiffres.append(
            Chiffre(
                "usagers satisfaits (12 mois)",
                f"{part * 100:.0f} %",
                reverse("bornes:resultats"),
                alerte=part < resultats.SEUIL_FAIBLE,
            )
        )
    chiffres.append(
        Chiffre("avis reçus (12 mois)", total["reponses"] if total["reponses"] >= SEUIL else f"moins de {SEUIL}")
    )
    liens = [("Résultats de satisfaction", reverse("bornes:resultats"))]
    if permissions_bornes.peut_gerer_bornes(user):
        actives = Borne.objects.actives().filter(structure__in=permissions_bornes.structures_des_bornes(user)).count()
        chiffres.append(Chiffre("bornes actives", actives, reverse("bornes:gestion")))
        liens.append(("Bornes de satisfaction", reverse("bornes:gestion")))
    return [Bloc("Satisfaction des usagers", ordre=60, chiffres=tuple(chiffres), liens=tuple(liens))]


def _total(periode, filtres) -> dict:
    sommes = services.sommes(periode, "mois", filtres=filtres)
    return {
        "reponses": sum(s["reponses"] for s in sommes.values()),
        "satisfaits": sum(s["satisfaits"] for s in sommes.values()),
    }
