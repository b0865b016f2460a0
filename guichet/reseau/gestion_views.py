"""Espace de gestion des structures : chaque vue demande à `guichet.permissions` ce qui est permis.

Une structure hors du périmètre de l'utilisateur n'existe pas pour lui (404) ; une action
interdite sur une structure qu'il voit est refusée (403).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from guichet import permissions
from guichet.comptes import services as comptes_services
from guichet.comptes.forms import InvitationForm
from guichet.comptes.models import Habilitation
from guichet.reseau.forms import FicheStructure, FiltreStructuresForm, StatutForm

PAR_PAGE = 25


def _structure_visible(request, pk):
    return get_object_or_404(
        permissions.structures_visibles(request.user).select_related("commune__departement"), pk=pk
    )


def _droits(user, structure):
    return {
        "peut_modifier": permissions.peut_modifier_structure(user, structure),
        "peut_changer_statut": permissions.peut_changer_statut(user, structure),
        "peut_inviter": permissions.peut_inviter(user, structure),
    }


@login_required
def liste(request):
    user = request.user
    filtres = FiltreStructuresForm(request.GET or None, departements=permissions.departements_visibles(user))
    structures = filtres.filtrer(
        permissions.structures_visibles(user).select_related("commune__departement").order_by("nom", "pk")
    )
    page = Paginator(structures, PAR_PAGE).get_page(request.GET.get("page"))
    modifiables = set(
        permissions.structures_modifiables(user)
        .filter(pk__in=[s.pk for s in page.object_list])
        .values_list("pk", flat=True)
    )
    for structure in page.object_list:
        structure.modifiable = structure.pk in modifiables
    return render(
        request,
        "reseau/gestion/liste.html",
        {"titre": "Structures de mon périmètre", "filtres": filtres, "page_obj": page},
    )


@login_required
def structure(request, pk):
    structure = _structure_visible(request, pk)
    contexte = {
        "titre": structure.nom,
        "structure": structure,
        "creneaux": structure.creneaux.all(),
        "exceptions": structure.exceptions.all(),
        "historique": structure.historique.select_related("auteur")[:20],
        "operateurs": structure.operateurs.all(),
        **_droits(request.user, structure),
    }
    return render(request, "reseau/gestion/structure.html", contexte)


@login_required
@require_http_methods(["GET", "POST"])
def modifier(request, pk):
    structure = _structure_visible(request, pk)
    if not permissions.peut_modifier_structure(request.user, structure):
        raise PermissionDenied
    fiche = FicheStructure(request.POST or None, structure=structure)
    if request.method == "POST" and fiche.is_valid():
        fiche.save()
        messages.success(request, "La fiche de la structure est enregistrée.")
        return redirect("gestion:structure", pk=structure.pk)
    return render(
        request,
        "reseau/gestion/modifier.html",
        {"titre": f"Modifier {structure.nom}", "structure": structure, "fiche": fiche},
    )


@login_required
@require_http_methods(["GET", "POST"])
def statut(request, pk):
    structure = _structure_visible(request, pk)
    if not permissions.peut_changer_statut(request.user, structure):
        raise PermissionDenied
    form = StatutForm(request.POST or None, structure=structure)
    if request.method == "POST" and form.is_valid():
        changement = form.enregistrer(auteur=request.user)
        messages.success(request, f"Statut enregistré : {changement}.")
        return redirect("gestion:structure", pk=structure.pk)
    return render(
        request,
        "reseau/gestion/statut.html",
        {"titre": f"Changer le statut de {structure.nom}", "structure": structure, "form": form},
    )


@login_required
def agents(request, pk):
    structure = _structure_visible(request, pk)
    if not permissions.peut_voir_agents(request.user, structure):
        raise PermissionDenied
    peut_inviter = permissions.peut_inviter(request.user, structure)
    return render(
        request,
        "reseau/gestion/agents.html",
        {
            "titre": f"Équipe de {structure.nom}",
            "structure": structure,
            "equipe": Habilitation.objects.equipe(structure),
            "peut_inviter": peut_inviter,
            "invitations": structure.invitations.en_attente().select_related("invite_par") if peut_inviter else [],
            "form": InvitationForm(structure=structure) if peut_inviter else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def inviter(request, pk):
    structure = _structure_visible(request, pk)
    if not permissions.peut_inviter(request.user, structure):
        raise PermissionDenied
    form = InvitationForm(request.POST or None, structure=structure)
    if request.method == "POST" and form.is_valid():
        invitation = comptes_services.inviter(
            structure, form.cleaned_data["email"], form.cleaned_data["role"], invite_par=request.user
        )
        messages.success(request, f"Invitation envoyée à {invitation.email}.")
        return redirect("gestion:agents", pk=structure.pk)
    return render(
        request,
        "reseau/gestion/inviter.html",
        {"titre": f"Inviter dans l'équipe de {structure.nom}", "structure": structure, "form": form},
    )
