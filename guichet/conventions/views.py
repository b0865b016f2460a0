"""Les pages des conventions-cadres : liste et préparation, convention (signatures, engagements, annexes),
nouvelle version, PDF. Les droits viennent de `guichet.permissions` ; une version remplacée se lit seulement."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from guichet.conventions import permissions as permissions_conventions
from guichet.conventions import services
from guichet.conventions.forms import AnnexeForm, EngagementForm, PreparationForm, SignatureForm
from guichet.conventions.models import Annexe, Convention, Engagement, Signataire


def _visibles(user):
    return Convention.objects.filter(departement__in=permissions_conventions.departements_conventions(user))


@login_required
def liste(request):
    if not permissions_conventions.peut_voir_conventions(request.user):
        raise PermissionDenied
    departements = permissions_conventions.departements_conventions(request.user)
    form = PreparationForm(request.POST or None, departements=departements)
    if request.method == "POST" and form.is_valid():
        try:
            convention = services.preparer_convention(auteur=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            for champ, messages_ in erreur.message_dict.items():
                form.add_error(champ if champ in form.fields else None, messages_)
        else:
            messages.success(request, "Convention préparée depuis les données du réseau.")
            return redirect("conventions:detail", convention.pk)
    conventions = _visibles(request.user).select_related("departement")
    remplacees = set(Convention.objects.filter(precedente__in=conventions).values_list("precedente_id", flat=True))
    return render(
        request,
        "conventions/liste.html",
        {
            "titre": "Conventions-cadres départementales",
            "conventions": [(c, c.pk in remplacees) for c in conventions],
            "form": form,
        },
    )


def _convention(request, pk, modifier=False) -> Convention:
    convention = get_object_or_404(_visibles(request.user).select_related("departement"), pk=pk)
    if modifier and not convention.modifiable:
        raise PermissionDenied("Cette version est remplacée : elle ne se modifie plus.")
    return convention


@login_required
def detail(request, pk):
    convention = _convention(request, pk)
    contexte = services.contexte_document(convention)
    modifiable = convention.modifiable
    signatures = [
        (s, SignatureForm(initial={"statut": s.statut, "signee_le": s.signee_le}, prefix=f"s{s.pk}"))
        for s in contexte["signataires"]
    ]
    return render(
        request,
        "conventions/detail.html",
        contexte
        | {
            "titre": f"Convention-cadre {convention.departement.code} — {convention.departement.nom}",
            "modifiable": modifiable,
            "signatures": signatures,
            "versions": services.versions(convention),
        },
    )


@login_required
def document(request, pk):
    convention = _convention(request, pk)
    reponse = HttpResponse(services.pdf(convention), content_type="application/pdf")
    nom = f"convention-cadre-{convention.departement.code}-{convention.debut:%Y}-v{convention.version}.pdf"
    reponse["Content-Disposition"] = f'inline; filename="{nom}"'
    return reponse


@login_required
@require_POST
def version(request, pk):
    convention = _convention(request, pk, modifier=True)
    suivante = services.nouvelle_version(convention, auteur=request.user)
    messages.success(request, f"Version {suivante.version} créée : la version {convention.version} reste lisible.")
    return redirect("conventions:detail", suivante.pk)


@login_required
@require_POST
def signature(request, pk):
    signataire = get_object_or_404(Signataire, pk=pk)
    convention = _convention(request, signataire.convention_id, modifier=True)
    form = SignatureForm(request.POST, prefix=f"s{signataire.pk}")
    if form.is_valid():
        signataire.statut = form.cleaned_data["statut"]
        signataire.signee_le = form.cleaned_data["signee_le"]
        signataire.save(update_fields=["statut", "signee_le"])
        messages.success(request, f"Signature de « {signataire.nom} » : {signataire.get_statut_display().lower()}.")
    else:
        erreurs = "; ".join(e for liste in form.errors.values() for e in liste)
        messages.error(request, f"Signature de « {signataire.nom} » non enregistrée : {erreurs}")
    return redirect("conventions:detail", convention.pk)


def _modifier(request, objet, classe, gabarit_titre):
    convention = _convention(request, objet.convention_id, modifier=True)
    form = classe(request.POST or None, instance=objet)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Modification enregistrée.")
        return redirect("conventions:detail", convention.pk)
    return render(
        request,
        "conventions/modifier.html",
        {"titre": gabarit_titre, "form": form, "convention": convention},
    )


@login_required
def engagement(request, pk):
    objet = get_object_or_404(Engagement.objects.select_related("operateur"), pk=pk)
    return _modifier(request, objet, EngagementForm, f"Engagement — {objet.operateur.nom}")


@login_required
def annexe(request, pk):
    objet = get_object_or_404(Annexe.objects.select_related("structure"), pk=pk)
    return _modifier(request, objet, AnnexeForm, f"Annexe — {objet.structure.nom}")
