"""Les jetons personnels d'API de l'agent : créer (montré une seule fois), lister, révoquer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from guichet import permissions
from guichet.api import jetons as service
from guichet.api.forms import JetonForm


@login_required
@require_http_methods(["GET", "POST"])
def jetons(request):
    if not permissions.peut_saisir(request.user):
        raise PermissionDenied
    form = JetonForm(request.POST or None)
    nouveau = None
    if form.is_valid():
        try:
            _, nouveau = service.creer_jeton(request.user, form.cleaned_data["nom"])
        except service.TropDeJetons as e:
            form.add_error(None, str(e))
        else:
            form = JetonForm()
    reponse = render(
        request,
        "api/jetons.html",
        {
            "titre": "Mes jetons d'API",
            "form": form,
            "nouveau": nouveau,
            "jetons": request.user.jetons_api.all(),
        },
    )
    reponse["Cache-Control"] = "no-store"  # le jeton en clair n'est montré qu'ici, une fois
    return reponse


@login_required
@require_POST
def revoquer(request, pk):
    jeton = get_object_or_404(request.user.jetons_api, pk=pk)
    service.revoquer(jeton)
    messages.success(request, f"Le jeton « {jeton.nom} » est révoqué.")
    return redirect("jetons:liste")
