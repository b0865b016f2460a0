"""Le bloc de « Mon espace » des conventions-cadres : pour la préfecture et l'équipe nationale, les conventions
en vigueur et celles qui attendent encore des signatures."""

from django.urls import reverse

from guichet.accueil import Bloc, Chiffre
from guichet.conventions import permissions as permissions_conventions
from guichet.conventions.models import Convention, Signataire


def blocs(user) -> list[Bloc]:
    if not permissions_conventions.peut_voir_conventions(user):
        return []
    en_vigueur = Convention.objects.filter(
        departement__in=permissions_conventions.departements_conventions(user), suivante__isnull=True
    )
    a_signer = en_vigueur.filter(signataires__statut=Signataire.Statut.A_SIGNER).distinct().count()
    lien = reverse("conventions:liste")
    return [
        Bloc(
            "Conventions-cadres départementales",
            ordre=65,
            chiffres=(
                Chiffre("Conventions en vigueur", en_vigueur.count(), lien),
                Chiffre("En attente de signatures", a_signer, lien, alerte=a_signer > 0),
            ),
        )
    ]
