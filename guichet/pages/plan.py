"""Le plan du site : les pages publiques, puis celles de l'espace professionnel que l'utilisateur peut ouvrir
(les mêmes réponses de `guichet.permissions` que les vues)."""

from dataclasses import dataclass

from django.urls import reverse

from guichet import navigation, permissions
from guichet.pages.models import Page


@dataclass(frozen=True)
class Rubrique:
    titre: str
    liens: list[tuple[str, str]]


def rubriques(user) -> list[Rubrique]:
    publiques = [
        (reverse("accueil"), "Accueil"),
        (reverse("reseau:trouver"), "Trouver une France services"),
        (reverse("api:openapi-view"), "Documentation de l'API"),
    ]
    institutionnelles = [(p.get_absolute_url(), p.titre) for p in Page.objects.only("slug", "titre")]
    institutionnelles.append((reverse("pages:plan_du_site"), "Plan du site"))
    resultat = [Rubrique("Pages publiques", publiques), Rubrique("Informations", institutionnelles)]

    if not (user and user.is_authenticated):
        resultat.append(Rubrique("Espace professionnel", [(reverse("comptes:connexion"), "Connexion")]))
        return resultat
    pro = [(reverse("comptes:espace") + "?compte=1", "Mon compte")]
    pro += [(outil.url, outil.libelle_outils or outil.libelle) for outil in navigation.outils_permis(user)]
    if permissions.structures_visibles(user).exists():
        pro.append((reverse("gestion:liste"), "Structures de mon périmètre"))
    resultat.append(Rubrique("Espace professionnel", pro))
    return resultat
