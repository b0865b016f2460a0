"""Tableaux de bord de l'activité : chaque vue demande à `guichet.permissions` ce qui est permis,
les chiffres viennent de services.py."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from guichet.reseau.models import Operateur, Structure
from guichet.statistiques import exports, services
from guichet.statistiques import permissions as permissions_statistiques
from guichet.statistiques.forms import PeriodeForm
from guichet.statistiques.periodes import decaler_mois
from guichet.territoires.models import Departement

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def tableau(request):
    """L'accueil des statistiques : les tableaux que l'utilisateur peut voir (directement le seul)."""
    national = permissions_statistiques.statistiques_nationales(request.user)
    liens = services.tableaux_visibles(request.user)
    if not liens:
        raise PermissionDenied
    if len(liens) == 1 and not national:
        return redirect(liens[0][1])
    contexte = {
        "titre": "Statistiques d'activité",
        "liens": liens,
        "national": national,
        "tous_departements": Departement.objects.order_by("code") if national else None,
        "tous_operateurs": Operateur.objects.filter(national=True) if national else None,
    }
    return render(request, "statistiques/accueil.html", contexte)


def _aujourd_hui() -> date:
    return timezone.localdate()


def _afficher(request, champ, format, liens_export, retour=None):
    formulaire = PeriodeForm(request.GET or None, aujourd_hui=_aujourd_hui())
    periode = formulaire.periode_choisie()
    t = services.tableau(champ, periode)
    if format:
        if format not in FORMATS:
            raise Http404("Format d'export inconnu.")
        contenu = exports.en_csv(t) if format == "csv" else exports.en_xlsx(t)
        reponse = HttpResponse(contenu, content_type=FORMATS[format])
        nom = f"activite-{champ.niveau}-{periode.debut:%Y%m%d}-{periode.fin:%Y%m%d}.{format}"
        reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
        return reponse
    requete = request.GET.urlencode()
    contexte = {
        "titre": f"Activité — {champ.libelle}",
        "t": t,
        "formulaire": formulaire,
        "export_csv": liens_export("csv") + (f"?{requete}" if requete else ""),
        "export_xlsx": liens_export("xlsx") + (f"?{requete}" if requete else ""),
        "retour": retour,
        "lien_structure": champ.niveau == "departement",
        "requete": requete,
    }
    return render(request, "statistiques/tableau.html", contexte)


@login_required
def national(request, format=None):
    if not permissions_statistiques.statistiques_nationales(request.user):
        raise PermissionDenied
    return _afficher(
        request, services.Champ.national(), format, lambda f: reverse("statistiques:national_export", args=[f])
    )


@login_required
def departement(request, code, format=None):
    dep = get_object_or_404(Departement, code=code)
    if not permissions_statistiques.peut_voir_statistiques_departement(request.user, dep):
        raise PermissionDenied
    return _afficher(
        request,
        services.Champ.du_departement(dep),
        format,
        lambda f: reverse("statistiques:departement_export", args=[code, f]),
    )


@login_required
def operateur(request, code, format=None):
    op = get_object_or_404(Operateur, code=code)
    acces = permissions_statistiques.acces_statistiques_operateur(request.user, op)
    if acces is None:
        raise PermissionDenied
    departements = acces.departements
    if code_dep := request.GET.get("departement"):
        dep = get_object_or_404(Departement, code=code_dep)
        if departements is not None and dep.pk not in departements:
            raise PermissionDenied
        departements = frozenset({dep.pk})
    return _afficher(
        request,
        services.Champ.de_l_operateur(op, departements),
        format,
        lambda f: reverse("statistiques:operateur_export", args=[code, f]),
    )


@login_required
def structure(request, pk, format=None):
    s = get_object_or_404(Structure.objects.select_related("commune"), pk=pk)
    if not permissions_statistiques.peut_voir_statistiques_structure(request.user, s):
        raise PermissionDenied
    return _afficher(
        request,
        services.Champ.de_la_structure(s),
        format,
        lambda f: reverse("statistiques:structure_export", args=[pk, f]),
    )


@login_required
def donnees_ouvertes(request):
    """Le fichier des données ouvertes : les 12 derniers mois entiers (ou l'année ?annee=AAAA)."""
    if not permissions_statistiques.peut_voir_statistiques(request.user):
        raise PermissionDenied
    aujourd_hui = _aujourd_hui()
    annee = request.GET.get("annee", "")
    if annee.isascii() and annee.isdigit() and len(annee) == 4 and 2019 <= int(annee) <= aujourd_hui.year:
        premier, dernier = date(int(annee), 1, 1), date(int(annee), 12, 1)
        nom = f"france-services-activite-{annee}.csv"
    else:
        dernier = decaler_mois(aujourd_hui.replace(day=1), -1)
        premier = decaler_mois(dernier, -11)
        nom = f"france-services-activite-{premier:%Y%m}-{dernier:%Y%m}.csv"
    reponse = HttpResponse(exports.donnees_ouvertes_csv(premier, dernier), content_type=FORMATS["csv"])
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    return reponse
