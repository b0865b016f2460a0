"""Le bloc de « Mon espace » : la part de la population à moins de 20 minutes, pour qui voit la couverture."""

from django.urls import reverse

from guichet.accueil import Bloc, Chiffre
from guichet.couverture import permissions as permissions_couverture


def blocs(user) -> list[Bloc]:
    if not permissions_couverture.peut_voir_couverture(user):
        return []
    from guichet.couverture import calcul, services

    if permissions_couverture.peut_voir_couverture_nationale(user):
        s = services.synthese_nationale()
        lien = reverse("couverture:nationale")
        chiffres = (
            Chiffre("Population à moins de 20 minutes (France)", calcul.pourcentage(s["part_sous_seuil"]["20"]), lien),
        )
    else:
        chiffres = []
        for d in permissions_couverture.departements_couverture(user)[:5]:
            s = calcul.synthese(services.couverture_memorisee(d.code), (20,))
            part = s["part_sous_seuil"]["20"]
            chiffres.append(
                Chiffre(
                    f"Population à moins de 20 minutes ({d.nom})",
                    calcul.pourcentage(part),
                    reverse("couverture:departement", args=[d.code]),
                    alerte=part < 0.95,
                )
            )
        chiffres = tuple(chiffres)
    return [
        Bloc(
            titre="Couverture du territoire",
            ordre=60,
            chiffres=chiffres,
            texte="Estimation : vol d'oiseau × 1,3 à 60 km/h depuis la mairie de chaque commune.",
        )
    ]
