"""La navigation de l'espace professionnel : le menu principal, « Mes outils » et la racine du fil
d'Ariane, décidés en Python à partir des réponses de `guichet.permissions`, jamais par des rôles
testés dans les gabarits.

Chaque outil dit à quelle question des droits il répond (`permis`) : un lien n'est montré qu'à qui
peut ouvrir la page, et tout outil qu'il peut ouvrir lui est montré (le test de la matrice des rôles
le vérifie page par page). Les gabarits l'affichent par une seule balise : `{% navigation "menu" %}`,
ou `{% navigation "outils" %}` ; la racine du fil d'Ariane par `{% racine_du_fil as racine %}`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import template
from django.urls import reverse

from guichet import permissions
from guichet.bornes import permissions as permissions_bornes
from guichet.bureau import permissions as permissions_bureau
from guichet.conventions import permissions as permissions_conventions
from guichet.couverture import permissions as permissions_couverture
from guichet.demandes import permissions as permissions_demandes
from guichet.enquetes import permissions as permissions_enquetes
from guichet.exploitation import permissions as permissions_exploitation
from guichet.financement import permissions as permissions_financement
from guichet.formation import permissions as permissions_formation
from guichet.labellisation import permissions as permissions_labellisation
from guichet.mandats import permissions as permissions_mandats
from guichet.pages import permissions as permissions_pages
from guichet.plans_d_action import permissions as permissions_plans_d_action
from guichet.qualite import permissions as permissions_qualite
from guichet.statistiques import permissions as permissions_statistiques
from guichet.visites import permissions as permissions_visites

register = template.Library()


@dataclass(frozen=True)
class Outil:
    code: str
    libelle: str
    vue: str  # nom de la vue (espace de noms compris)
    permis: Callable  # user -> bool
    menu: bool = True  # dans le menu principal
    outils: bool = True  # dans « Mes outils » de « Mon espace »
    libelle_outils: str = ""  # le libellé dans « Mes outils », s'il diffère
    precision: str = ""  # après le lien, dans « Mes outils »

    @property
    def espace(self) -> str:
        return self.vue.split(":")[0]

    @property
    def url(self) -> str:
        return reverse(self.vue)


def _a_un_espace(user) -> bool:
    # Pour qui n'est qu'agent, « Mon espace » renvoie au bureau : le menu mène au bureau directement.
    return not permissions.seulement_agent(user)


OUTILS = (
    Outil(
        "bureau",
        "Mon bureau",
        "bureau:accueil",
        permissions.est_agent,
        precision=": l'activité du jour, les demandes qui m'attendent, les sites des opérateurs",
    ),
    Outil("saisie", "Saisir un accompagnement", "activite:saisie", permissions.peut_saisir),
    Outil("espace", "Mon espace", "comptes:espace", _a_un_espace, outils=False),
    Outil(
        "demandes",
        "Demandes",
        "demandes:liste",
        permissions_demandes.peut_voir_demandes,
        libelle_outils="Demandes au back-office",
    ),
    Outil("statistiques", "Statistiques", "statistiques:tableau", permissions_statistiques.peut_voir_statistiques),
    Outil("qualite", "Qualité du back-office", "qualite:tableau", permissions_qualite.peut_voir_qualite),
    Outil(
        "connaissances",
        "Connaissances",
        "connaissances:recherche",
        permissions.est_professionnel,
        libelle_outils="Base de connaissances",
        precision=": fiches service-public.fr",
    ),
    Outil("guides", "Guides par événement de vie", "bureau:guides", permissions.est_professionnel, menu=False),
    Outil("annuaire", "Référents des opérateurs", "bureau:annuaire", permissions.est_professionnel, menu=False),
    Outil(
        "liens",
        "Liens des opérateurs",
        "bureau:liens",
        permissions_bureau.peut_gerer_liens_operateurs,
        menu=False,
        precision="(gestion nationale)",
    ),
    Outil(
        "pages",
        "Pages institutionnelles",
        "pages:liste",
        permissions_pages.peut_modifier_pages_institutionnelles,
        menu=False,
        precision=": accessibilité, mentions légales, données personnelles",
    ),
    Outil(
        "sante",
        "Santé de la plateforme",
        "exploitation:sante",
        permissions_exploitation.peut_voir_sante_plateforme,
        menu=False,
        precision=": tâches de fond",
    ),
    Outil(
        "plans_d_action",
        "Plans d'action",
        "plans_d_action:liste",
        permissions_plans_d_action.peut_voir_plans,
        menu=False,
        precision=": actions, responsables, échéances et suivi après un constat",
    ),
    Outil(
        "mandats",
        "Mandats des usagers",
        "mandats:liste",
        permissions_mandats.peut_recueillir_mandat,
        menu=False,
        precision=": recueillir, révoquer, remettre le reçu",
    ),
    Outil(
        "carte",
        "Ma carte de conseiller",
        "mandats:carte",
        permissions_mandats.peut_recueillir_mandat,
        menu=False,
        precision=": le code de mon badge, mon habilitation de tiers de confiance",
    ),
    Outil(
        "verifier_mandat",
        "Vérifier un mandat",
        "mandats:verifier",
        permissions_mandats.peut_verifier_mandat,
        menu=False,
        precision=": état et portée d'une référence de mandat",
    ),
    Outil(
        "labellisation",
        "Labellisation",
        "labellisation:liste",
        permissions_labellisation.peut_voir_dossiers,
        precision=": dossiers des sites, audits",
    ),
    Outil(
        "tableau_labellisation",
        "Tableau de la labellisation",
        "labellisation:tableau",
        permissions_labellisation.peut_voir_tableau_labellisation,
        menu=False,
        precision=": sites par étape, audits à réaliser, non-conformités",
    ),
    # — formation des conseillers —
    Outil(
        "formation",
        "Formation",
        "formation:accueil",
        permissions_formation.peut_voir_formation,
        libelle_outils="Formation des conseillers",
        precision=": parcours, sessions, agents formés",
    ),
    Outil(
        "financement",
        "Subvention de fonctionnement",
        "financement:tableau",
        permissions_financement.peut_voir_financement,
        menu=False,
        precision=": dû, versé, reste à verser",
    ),
    Outil(
        "conventions",
        "Conventions-cadres départementales",
        "conventions:liste",
        permissions_conventions.peut_voir_conventions,
        menu=False,
        precision=": signataires, engagements des opérateurs, annexes",
    ),
    Outil(
        "enquetes",
        "Enquêtes",
        "enquetes:accueil",
        permissions_enquetes.peut_voir_enquetes,
        menu=False,
        libelle_outils="Enquêtes annuelles",
        precision=": usagers et conseillers, résultats sous secret statistique",
    ),
    Outil(
        "evaluations",
        "Évaluer le back-office des opérateurs",
        "enquetes:evaluations",
        permissions_enquetes.peut_evaluer_operateurs,
        menu=False,
        precision=": l'évaluation annuelle de la structure",
    ),
    Outil("visites", "Visites mystères", "visites:accueil", permissions_visites.peut_voir_visites, menu=False),
    Outil(
        "couverture",
        "Couverture",
        "couverture:accueil",
        permissions_couverture.peut_voir_couverture,
        libelle_outils="Couverture du territoire",
        precision=": temps d'accès à la France services la plus proche, zones blanches, simulations",
    ),
    Outil(
        "satisfaction",
        "Satisfaction des usagers",
        "bornes:resultats",
        permissions_bornes.peut_voir_satisfaction,
        menu=False,
        precision=": avis des bornes et des codes QR, sur 12 mois",
    ),
    Outil("bornes", "Bornes de satisfaction", "bornes:gestion", permissions_bornes.peut_gerer_bornes, menu=False),
)


def outils_permis(user) -> list[Outil]:
    """Les outils que l'utilisateur peut ouvrir, dans l'ordre du menu (rien pour un anonyme)."""
    if not (user is not None and user.is_authenticated):
        return []
    return [outil for outil in OUTILS if outil.permis(user)]


def menu(user) -> list[Outil]:
    return [outil for outil in outils_permis(user) if outil.menu]


def mes_outils(user) -> list[Outil]:
    return [outil for outil in outils_permis(user) if outil.outils]


def accueil_professionnel(user) -> Outil:
    """La racine du fil d'Ariane de l'espace professionnel : le bureau d'un agent, sinon « Mon espace »."""
    par_code = {outil.code: outil for outil in OUTILS}
    return par_code["bureau"] if permissions.est_agent(user) else par_code["espace"]


LIEUX = {
    "menu": "navigation/menu.html",
    "outils": "navigation/outils.html",
}


@register.simple_tag(takes_context=True)
def racine_du_fil(context):
    """La racine du fil d'Ariane de l'espace professionnel (`{% racine_du_fil as racine %}`) : son libellé
    et son adresse, pour la balise `fil_ariane`."""
    request = context.get("request")
    racine = accueil_professionnel(getattr(request, "user", None))
    return {"libelle": racine.libelle, "url": racine.url}


@register.simple_tag(takes_context=True)
def navigation(context, lieu):
    """Rend le menu principal (« menu ») ou la liste « Mes outils » (« outils ») pour l'utilisateur de la requête."""
    if lieu not in LIEUX:
        raise template.TemplateSyntaxError(f"navigation : lieu inconnu « {lieu} » (attendu : {', '.join(LIEUX)}).")
    request = context.get("request")
    user = getattr(request, "user", None)
    correspondance = getattr(request, "resolver_match", None)
    espace_courant = correspondance.namespace if correspondance is not None else None
    outils = {"menu": menu, "outils": mes_outils}.get(lieu, lambda user: [])(user)
    contexte = {
        "liens": [{"outil": outil, "url": outil.url, "courant": outil.espace == espace_courant} for outil in outils],
    }
    return template.loader.render_to_string(LIEUX[lieu], contexte)
