"""Les blocs d'accueil du réseau pour les rôles de suivi (préfecture, équipe nationale, auditeur) :
les structures ouvertes, suspendues, sans deux agents actifs, et les derniers changements de statut ;
pour l'équipe nationale, les mêmes chiffres par région."""

from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from guichet import permissions
from guichet.accueil import Bloc, Chiffre
from guichet.comptes.models import Habilitation, Role
from guichet.reseau.models import HistoriqueStatut, Structure

AGENTS_MINIMUM = 2
FENETRE_CHANGEMENTS = timedelta(days=30)
NB_CHANGEMENTS = 5


def _liste(**filtres) -> str:
    return f"{reverse('gestion:liste')}?{urlencode(filtres)}" if filtres else reverse("gestion:liste")


def structures_sans_assez_d_agents(structures):
    """Les structures ouvertes qui ont moins de deux conseillers ou responsables aux comptes actifs."""
    agents = (
        Habilitation.objects.actives()
        .filter(role__in=[Role.CONSEILLER, Role.GESTIONNAIRE], structure__in=structures)
        .values("structure")
        .annotate(n=Count("utilisateur", distinct=True))
        .filter(n__gte=AGENTS_MINIMUM)
        .values("structure")
    )
    return structures.filter(statut=Structure.Statut.LABELLISEE).exclude(pk__in=agents)


def blocs(user) -> list[Bloc]:
    if not permissions.voit_tableau_d_accueil(user):
        return []
    departements = permissions.departements_suivis(user)
    structures = permissions.structures_visibles(user).filter(commune__departement__in=departements)
    comptes = structures.aggregate(
        ouvertes=Count("pk", filter=Q(statut=Structure.Statut.LABELLISEE)),
        suspendues=Count("pk", filter=Q(statut=Structure.Statut.SUSPENDUE)),
    )
    sans_agents = structures_sans_assez_d_agents(structures).count()
    resultat = [
        Bloc(
            titre="Structures de mon périmètre",
            ordre=10,
            chiffres=(
                Chiffre("ouvertes (labellisées)", comptes["ouvertes"], _liste(statut=Structure.Statut.LABELLISEE)),
                Chiffre(
                    "suspendues",
                    comptes["suspendues"],
                    _liste(statut=Structure.Statut.SUSPENDUE),
                    alerte=comptes["suspendues"] > 0,
                ),
                Chiffre(f"ouvertes avec moins de {AGENTS_MINIMUM} agents actifs", sans_agents, alerte=sans_agents > 0),
            ),
            liens=(("Toutes les structures", _liste()),),
        )
    ]
    depuis = timezone.localdate() - FENETRE_CHANGEMENTS
    changements = (
        HistoriqueStatut.objects.filter(structure__in=structures, date__gte=depuis)
        .select_related("structure")
        .order_by("-date", "-pk")[:NB_CHANGEMENTS]
    )
    liens = tuple(
        (
            f"{c.structure.nom} : {c.get_statut_display().lower()} le {c.date:%d/%m/%Y}",
            reverse("gestion:structure", args=[c.structure_id]),
        )
        for c in changements
    )
    if liens:
        resultat.append(Bloc(titre="Changements de statut (30 derniers jours)", ordre=40, liens=liens))
    if permissions.perimetre(user).tout_voir:
        resultat.append(_par_region(structures))
    return resultat


def _par_region(structures) -> Bloc:
    """L'équipe nationale : structures ouvertes par région, en alerte si l'une est suspendue ou sans agents."""
    sans_agents = dict(
        structures_sans_assez_d_agents(structures)
        .values_list("commune__departement__region__nom")
        .annotate(n=Count("pk"))
        .values_list("commune__departement__region__nom", "n")
    )
    lignes = (
        structures.values("commune__departement__region__nom")
        .annotate(
            ouvertes=Count("pk", filter=Q(statut=Structure.Statut.LABELLISEE)),
            suspendues=Count("pk", filter=Q(statut=Structure.Statut.SUSPENDUE)),
        )
        .order_by("commune__departement__region__nom")
    )
    chiffres = []
    for ligne in lignes:
        region = ligne["commune__departement__region__nom"]
        manque = sans_agents.get(region, 0)
        precisions = []
        if ligne["suspendues"]:
            precisions.append(f"{ligne['suspendues']} suspendue{'s' if ligne['suspendues'] > 1 else ''}")
        if manque:
            precisions.append(f"{manque} sans {AGENTS_MINIMUM} agents")
        libelle = f"{region} : ouvertes" + (f" ({', '.join(precisions)})" if precisions else "")
        chiffres.append(Chiffre(libelle, ligne["ouvertes"], alerte=bool(precisions)))
    return Bloc(titre="Par région", ordre=60, chiffres=tuple(chiffres))
