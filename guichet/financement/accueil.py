"""Les blocs de « Mon espace » de la subvention : la préfecture voit ce qui reste à verser dans son
département, l'équipe nationale le total national."""

from django.urls import reverse
from django.utils import timezone

from guichet.accueil import Bloc, Chiffre
from guichet.financement import permissions as permissions_financement
from guichet.financement import services
from guichet.financement.calcul import euros


def blocs(user) -> list[Bloc]:
    annee = timezone.localdate().year
    if permissions_financement.peut_voir_financement_national(user):
        structures, lien = None, reverse("financement:tableau")
    else:
        departements = list(permissions_financement.departements_financement(user))
        if not departements:
            return []
        structures = permissions_financement.structures_financement(user).filter(commune__departement__in=departements)
        lien = reverse("financement:departement", args=[departements[0].code]) if len(departements) == 1 else ""
        lien = lien or reverse("financement:tableau")
    try:
        subvention = services.subvention(annee, structures)
    except services.BaremeManquant as erreur:
        return [Bloc(f"Subvention {annee}", ordre=60, texte=str(erreur))]
    total = subvention.total
    sans_versement = sum(1 for ligne in subvention.lignes if not ligne.verse and ligne.du.total)
    return [
        Bloc(
            f"Subvention de fonctionnement {annee}",
            ordre=60,
            chiffres=(
                Chiffre("Dû", euros(total.du), lien),
                Chiffre("Versé", euros(total.verse), lien),
                Chiffre("Reste à verser", euros(total.reste), lien, alerte=total.reste > 0),
                Chiffre("Structures sans aucun versement", sans_versement, lien, alerte=sans_versement > 0),
            ),
        )
    ]
