"""Les pages de la subvention : l'entrée selon le rôle, un département, une structure (et ses versements),
les exports. Les droits viennent de `guichet.permissions`, le calcul de `services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from guichet.financement import exports, services
from guichet.financement import permissions as permissions_financement
from guichet.financement.calcul import euros
from guichet.financement.forms import AnneeForm, VersementForm
from guichet.financement.models import Bareme, Versement
from guichet.journal.models import Action
from guichet.journal.services import journaliser
from guichet.reseau.models import Structure
from guichet.territoires.models import Departement

TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _annee(request) -> int:
    form = AnneeForm(request.GET)
    if form.is_valid() and form.cleaned_data["annee"]:
        return form.cleaned_data["annee"]
    return timezone.localdate().year


def _contexte_annee(annee):
    return {"annee": annee, "annees": list(Bareme.objects.order_by("-annee").values_list("annee", flat=True))}


def _subvention(annee, structures):
    try:
        return services.subvention(annee, structures), ""
    except services.BaremeManquant as erreur:
        return None, str(erreur)


@login_required
def tableau(request):
    user = request.user
    if not permissions_financement.peut_voir_financement(user):
        raise PermissionDenied
    annee = _annee(request)
    contexte = _contexte_annee(annee) | {"titre": f"Subvention de fonctionnement {annee}"}
    if permissions_financement.peut_voir_financement_national(user):
        subvention, erreur = _subvention(annee, None)
        return render(request, "financement/national.html", contexte | {"subvention": subvention, "erreur": erreur})
    departements = list(permissions_financement.departements_financement(user).order_by("code"))
    if len(departements) == 1:
        return redirect(reverse("financement:departement", args=[departements[0].code]) + f"?annee={annee}")
    structures = permissions_financement.structures_financement(user)
    if departements:
        structures = structures.filter(commune__departement__in=departements)
    subvention, erreur = _subvention(annee, structures)
    return render(
        request,
        "financement/sites.html",
        contexte | {"subvention": subvention, "erreur": erreur, "departements": departements},
    )


def _departement(request, code):
    departement = get_object_or_404(Departement, code=code)
    if not permissions_financement.peut_voir_financement_departement(request.user, departement):
        raise PermissionDenied
    return departement


def _structures_du(departement):
    return Structure.objects.filter(commune__departement=departement)


@login_required
def departement(request, code):
    departement = _departement(request, code)
    annee = _annee(request)
    subvention, erreur = _subvention(annee, _structures_du(departement))
    return render(
        request,
        "financement/departement.html",
        _contexte_annee(annee)
        | {
            "titre": f"Subvention {annee} — {departement.code} {departement.nom}",
            "departement": departement,
            "subvention": subvention,
            "erreur": erreur,
            "national": permissions_financement.peut_voir_financement_national(request.user),
        },
    )


def _exporter(request, subvention, nom, format):
    contenu = exports.en_csv(subvention) if format == "csv" else exports.en_xlsx(subvention)
    reponse = HttpResponse(contenu, content_type=TYPES[format])
    reponse["Content-Disposition"] = f'attachment; filename="{nom}.{format}"'
    journaliser(request.user, Action.EXPORT, ("financement.subvention", nom), {"lignes": len(subvention.lignes)})
    return reponse


@login_required
def export_departement(request, code, format):
    departement = _departement(request, code)
    if format not in TYPES:
        raise Http404
    annee = _annee(request)
    subvention, erreur = _subvention(annee, _structures_du(departement))
    if subvention is None:
        raise Http404(erreur)
    return _exporter(request, subvention, f"subvention-{annee}-{departement.code}", format)


@login_required
def export_national(request, format):
    if not permissions_financement.peut_voir_financement_national(request.user):
        raise PermissionDenied
    if format not in TYPES:
        raise Http404
    annee = _annee(request)
    subvention, erreur = _subvention(annee, None)
    if subvention is None:
        raise Http404(erreur)
    return _exporter(request, subvention, f"subvention-{annee}-france", format)


@login_required
def site(request, matricule):
    structure = get_object_or_404(Structure.objects.select_related("commune__departement"), matricule=matricule)
    if not permissions_financement.peut_voir_financement_structure(request.user, structure):
        raise PermissionDenied
    annee = _annee(request)
    try:
        ligne = services.ligne_de(structure, annee)
        erreur = ""
    except services.BaremeManquant as e:
        ligne, erreur = None, str(e)
    saisie = permissions_financement.peut_saisir_versement(request.user, structure) and not erreur
    reste = ligne.reste if ligne else 0
    form = None
    if saisie:
        form = VersementForm(request.POST or None, structure=structure, annee=annee, reste=reste)
        if request.method == "POST" and form.is_valid():
            try:
                services.enregistrer_versement(
                    structure=structure, annee=annee, auteur=request.user, **form.cleaned_data
                )
            except ValidationError as erreur:
                for champ, liste in erreur.message_dict.items():
                    form.add_error(champ, liste)
            else:
                messages.success(request, f"Versement de {euros(form.cleaned_data['montant'])} enregistré.")
                return redirect(reverse("financement:site", args=[structure.matricule]) + f"?annee={annee}")
    elif request.method == "POST":
        raise PermissionDenied
    departement = structure.commune.departement
    return render(
        request,
        "financement/site.html",
        _contexte_annee(annee)
        | {
            "titre": f"Subvention {annee} — {structure.nom}",
            "structure": structure,
            "ligne": ligne,
            "erreur": erreur,
            "form": form,
            "versements": Versement.objects.filter(structure=structure, annee=annee).select_related("source"),
            "departement": departement,
            "voit_departement": permissions_financement.peut_voir_financement_departement(request.user, departement),
        },
    )
