"""Le bloc « Plans d'action » de « Mon espace » : les plans ouverts et les actions en retard qu'on peut voir."""

from django.urls import reverse
from django.utils import timezone

from guichet.accueil import Bloc, Chiffre
from guichet.plans_d_action import permissions as permissions_plans_d_action
from guichet.plans_d_action.models import Action
from guichet.temps import jour_local


def blocs(user) -> list[Bloc]:
    if not permissions_plans_d_action.peut_voir_plans(user):
        return []
    plans = permissions_plans_d_action.plans_visibles(user)
    ouverts = plans.filter(clos_le__isnull=True).count()
    en_retard = Action.objects.en_retard(jour_local(timezone.now())).filter(plan__in=plans.values("pk")).count()
    url = reverse("plans_d_action:liste")
    return [
        Bloc(
            titre="Plans d'action",
            ordre=60,
            chiffres=(
                Chiffre("plans ouverts", ouverts, url),
                Chiffre("actions en retard", en_retard, f"{url}?etat=retard", alerte=en_retard > 0),
            ),
        )
    ]
