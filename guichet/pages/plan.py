"""Le plan du site : les pages publiques, puis celles de l'espace professionnel que l'utilisateur peut ouvrir
(les mêmes réponses de `guichet.permissions` que les vues)."""

from dataclasses import dataclass

from django.urls import reverse

from guichet import permissions
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
    if permissions.est_agent(user):
        pro += [(reverse("bureau:accueil"), "Mon bureau"), (reverse("activite:saisie"), "Saisir un accompagnement")]
    if permissions.structures_visibles(user).exists():
        pro.append((reverse("gestion:liste"), "Structures de mon périmètre"))
    if permissions.demandes_accessibles(user).exists() or permissions.voit_boite_operateur(user):
        pro.append((reverse("demandes:liste"), "Demandes au back-office"))
    if permissions.peut_voir_statistiques(user):
        pro.append((reverse("statistiques:tableau"), "Statistiques"))
    if permissions.peut_voir_qualite(user):
        pro.append((reverse("qualite:tableau"), "Qualité du back-office"))
    if permissions.peut_consulter_connaissances(user):
        pro.append((reverse("connaissances:recherche"), "Base de connaissances"))
    if permissions.est_professionnel(user):
        pro += [
            (reverse("bureau:guides"), "Guides par événement de vie"),
            (reverse("bureau:annuaire"), "Référents des opérateurs"),
        ]
    if permissions.peut_gerer_liens_operateurs(user):
        pro.append((reverse("bureau:liens"), "Liens des opérateurs"))
    if permissions.peut_modifier_pages_institutionnelles(user):
        pro.append((reverse("pages:liste"), "Pages institutionnelles"))
    if permissions.peut_voir_sante_plateforme(user):
        pro.append((reverse("exploitation:sante"), "Santé de la plateforme"))
    resultat.append(Rubrique("Espace professionnel", pro))
    return resultat
