"""Le tableau de qualité du back-office : page et export CSV (le calcul est dans services.py)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from guichet.journal.services import journaliser
from guichet.qualite import exports, services
from guichet.qualite import permissions as permissions_qualite
from guichet.qualite.forms import FiltreQualiteForm


def _preparer(request):
    perimetre = permissions_qualite.perimetre_qualite(request.user)
    if perimetre is None:
        raise PermissionDenied
    form = FiltreQualiteForm(request.GET or {}, perimetre=perimetre)
    valide = form.is_valid()
    if form.hors_perimetre():
        raise PermissionDenied
    tableau = None
    if valide:
        d = form.cleaned_data
        tableau = services.calculer(
            perimetre,
            d["du"],
            d["au"],
            operateur_id=d["operateur"].pk if d["operateur"] else None,
            departement_id=d["departement"].pk if d["departement"] else None,
        )
    return perimetre, form, tableau


@login_required
def tableau(request):
    perimetre, form, tableau = _preparer(request)
    if perimetre.tout:
        champ = "national"
    elif perimetre.departements:
        champ = "départemental"
    else:
        champ = "opérateur"
    return render(
        request,
        "qualite/tableau.html",
        {
            "titre": "Qualité du back-office des opérateurs",
            "form": form,
            "tableau": tableau,
            "champ": champ,
            "parametres": request.GET.urlencode(),
        },
    )


@login_required
def export(request):
    _, form, tableau = _preparer(request)
    if tableau is None:
        raise PermissionDenied  # période invalide : l'export n'a pas de sens
    reponse = HttpResponse(content_type="text/csv; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="{exports.nom_du_fichier(tableau)}"'
    contenu, nombre = exports.en_csv(tableau)
    reponse.write(contenu)
    journaliser(
        request.user,
        "export",
        ("qualite.tableau", ""),
        {"du": tableau.debut, "au": tableau.fin, "lignes": nombre, "le": timezone.now()},
    )
    return reponse
