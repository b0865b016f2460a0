"""Les pages institutionnelles (lues par tous, modifiées par l'équipe nationale) et le plan du site."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from guichet.journal.services import journaliser
from guichet.pages import permissions as permissions_pages
from guichet.pages import plan
from guichet.pages.forms import PageForm
from guichet.pages.models import Page


def page(request, slug):
    page = get_object_or_404(Page, slug=slug)
    return render(
        request,
        "pages/page.html",
        {
            "titre": page.titre,
            "page": page,
            "peut_modifier": permissions_pages.peut_modifier_pages_institutionnelles(request.user),
        },
    )


def plan_du_site(request):
    return render(
        request, "pages/plan_du_site.html", {"titre": "Plan du site", "rubriques": plan.rubriques(request.user)}
    )


@login_required
def liste(request):
    if not permissions_pages.peut_modifier_pages_institutionnelles(request.user):
        raise PermissionDenied
    return render(
        request,
        "pages/liste.html",
        {"titre": "Pages institutionnelles", "pages": Page.objects.select_related("modifiee_par")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def modifier(request, slug):
    if not permissions_pages.peut_modifier_pages_institutionnelles(request.user):
        raise PermissionDenied
    page = get_object_or_404(Page, slug=slug)
    form = PageForm(request.POST or None, instance=page)
    if form.is_valid():
        page = form.save(commit=False)
        page.modifiee_par = request.user
        page.save()
        journaliser(request.user, "modification", page, {"champs": form.changed_data})
        messages.success(request, f"La page « {page.titre} » est enregistrée.")
        return redirect(page)
    return render(request, "pages/formulaire.html", {"titre": f"Modifier « {page.titre} »", "form": form, "page": page})
