"""Les pages des visites mystères : campagnes (ANCT, préfecture), visites à faire (évaluateur), résultats
(la structure, après la clôture), export CSV."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from guichet import permissions
from guichet.enquetes import plans
from guichet.journal.services import journaliser
from guichet.plans_d_action import permissions as permissions_plans_d_action
from guichet.plans_d_action import services as plans_d_action
from guichet.tableurs import EcrivainCsv
from guichet.territoires.models import Departement
from guichet.visites import permissions as permissions_visites
from guichet.visites import services
from guichet.visites.forms import CampagneVisitesForm, SaisieVisiteForm, VisiteForm, structures_de_la_campagne
from guichet.visites.models import Visite


def _exiger(condition):
    if not condition:
        raise PermissionDenied


@login_required
def accueil(request):
    user = request.user
    _exiger(permissions_visites.peut_voir_visites(user))
    return render(
        request,
        "visites/accueil.html",
        {
            "titre": "Visites mystères",
            "planifier": permissions_visites.peut_planifier_visites(user),
            "campagnes": permissions_visites.campagnes_visites_suivies(user).select_related("departement", "grille"),
            "a_faire": permissions_visites.visites_de_l_evaluateur(user)
            .filter(campagne__close_le__isnull=True)
            .select_related("structure", "campagne"),
            "resultats": permissions_visites.resultats_visites_de_la_structure(user).select_related(
                "structure", "campagne"
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def nouvelle_campagne(request):
    user = request.user
    _exiger(permissions_visites.peut_planifier_visites(user))
    national = permissions.perimetre(user).tout_modifier
    departements = (
        Departement.objects.all()
        if national
        else Departement.objects.filter(pk__in=permissions.perimetre(user).departements_geres)
    )
    form = CampagneVisitesForm(request.POST or None, departements=departements, national=national)
    if request.method == "POST" and form.is_valid():
        _exiger(permissions_visites.peut_planifier_visites(user, form.cleaned_data["departement"]))
        form.instance.creee_par = user
        campagne = form.save()
        messages.success(request, "Campagne créée : désignez les visites.")
        return redirect("visites:campagne", campagne.pk)
    return render(
        request, "visites/nouvelle_campagne.html", {"titre": "Nouvelle campagne de visites mystères", "form": form}
    )


def _campagne_suivie(request, pk):
    _exiger(permissions_visites.peut_voir_visites(request.user))
    return get_object_or_404(permissions_visites.campagnes_visites_suivies(request.user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def campagne(request, pk):
    campagne = _campagne_suivie(request, pk)
    modifier = permissions_visites.peut_modifier_campagne_visites(request.user, campagne) and not campagne.close
    form = None
    if modifier:
        form = VisiteForm(request.POST or None, campagne=campagne, structures=structures_de_la_campagne(campagne))
        if request.method == "POST" and form.is_valid():
            visite = form.creer()
            messages.success(request, f"Visite de {visite.structure.nom} confiée à {visite.evaluateur}.")
            return redirect("visites:campagne", campagne.pk)
    elif request.method == "POST":
        raise PermissionDenied
    visites = permissions_visites.visites_suivies(request.user).filter(campagne=campagne)
    return render(
        request,
        "visites/campagne.html",
        {
            "titre": campagne.titre,
            "campagne": campagne,
            "visites": visites.select_related("structure", "evaluateur"),
            "resume": services.resume(campagne, visites),
            "form": form,
            "modifier": modifier,
            "clore": permissions_visites.peut_modifier_campagne_visites(request.user, campagne) and not campagne.close,
        },
    )


@login_required
@require_POST
def cloturer(request, pk):
    campagne = _campagne_suivie(request, pk)
    _exiger(permissions_visites.peut_modifier_campagne_visites(request.user, campagne))
    services.clore(campagne)
    journaliser(request.user, "cloture", campagne, {"visites": campagne.visites.count()})
    messages.success(request, "Campagne close : les structures visitées voient leurs résultats.")
    return redirect("visites:campagne", campagne.pk)


@login_required
@require_http_methods(["GET", "POST"])
def visite(request, pk):
    visite = get_object_or_404(Visite.objects.select_related("campagne__grille", "structure"), pk=pk)
    acces = permissions_visites.acces_visite(request.user, visite)
    if acces is None:
        raise Http404
    saisir = permissions_visites.peut_saisir_visite(request.user, visite)
    form = None
    if saisir:
        form = SaisieVisiteForm(request.POST or None, visite=visite)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            services.enregistrer_visite(
                visite,
                scenario=d["scenario"],
                realisee_le=d["realisee_le"],
                commentaire=d["commentaire"],
                notes=form.notes(),
            )
            messages.success(request, "Visite enregistrée. Vous pouvez la corriger jusqu'à la clôture de la campagne.")
            return redirect("visites:accueil")
    elif request.method == "POST":
        raise PermissionDenied
    return _page_visite(request, visite, acces, form)


def _page_visite(request, visite, acces, form=None, form_plan=None):
    departement = visite.structure.commune.departement
    peut_ouvrir = (
        acces == "suivi" and visite.realisee and permissions_plans_d_action.peut_ouvrir_plan(request.user, departement)
    )
    if peut_ouvrir and form_plan is None:
        form_plan = plans.PlanDepuisConstatForm(
            initial={"titre": f"Visite mystère — {visite.structure.nom}"}, prefix="plan"
        )
    return render(
        request,
        "visites/visite.html",
        {
            "titre": f"Visite mystère — {visite.structure.nom}",
            "visite": visite,
            "acces": acces,
            "form": form,
            "notes": visite.notes.select_related("critere"),
            "plans": plans.visibles(request.user, plans_d_action.plans_de(visite)),
            "form_plan": form_plan if peut_ouvrir else None,
            "action_plan": reverse("visites:plan", args=[visite.pk]),
        },
        status=400 if form_plan is not None and form_plan.is_bound else 200,
    )


@login_required
@require_POST
def plan(request, pk):
    """Ouvre un plan d'action depuis une visite réalisée (préfecture du département, ANCT) : la structure
    visitée (son responsable) le voit et le suit."""
    visite = get_object_or_404(Visite.objects.select_related("campagne__grille", "structure__commune"), pk=pk)
    acces = permissions_visites.acces_visite(request.user, visite)
    if acces is None:
        raise Http404
    departement = visite.structure.commune.departement
    _exiger(
        acces == "suivi" and visite.realisee and permissions_plans_d_action.peut_ouvrir_plan(request.user, departement)
    )
    form = plans.PlanDepuisConstatForm(request.POST, prefix="plan")
    if form.is_valid():
        plan = plans.ouvrir(
            form,
            request.user,
            origine="visite_mystere",
            departement=departement,
            structure=visite.structure,
            source=visite,
        )
        if plan is not None:
            messages.success(request, f"Le plan d'action « {plan.titre} » est ouvert.")
            return redirect(plan)
    messages.error(request, "Le plan d'action n'est pas ouvert : voyez les champs signalés.")
    return _page_visite(request, visite, acces, form_plan=form)


@login_required
def export(request, pk):
    campagne = _campagne_suivie(request, pk)
    criteres = list(campagne.grille.criteres.all())
    visites = (
        permissions_visites.visites_suivies(request.user)
        .filter(campagne=campagne)
        .select_related("structure__commune__departement", "evaluateur")
        .prefetch_related("notes")
    )
    reponse = HttpResponse(content_type="text/csv; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="visites-mysteres-{campagne.pk}.csv"'
    ecrivain = EcrivainCsv(reponse, delimiter=";")
    ecrivain.writerow(
        [
            "matricule",
            "structure",
            "departement",
            "prevue_le",
            "realisee_le",
            "scenario",
            *[c.code for c in criteres],
            "appreciation",
        ]
    )
    nombre = 0
    for v in visites:
        notes = {n.critere_id: n.valeur for n in v.notes.all()}
        ecrivain.writerow(
            [
                v.structure.matricule,
                v.structure.nom,
                v.structure.commune.departement.code,
                v.prevue_le,
                v.realisee_le or "",
                v.get_scenario_display(),
                *[notes.get(c.pk, "") for c in criteres],
                v.commentaire,
            ]
        )
        nombre += 1
    journaliser(request.user, "export", campagne, {"lignes": nombre})
    return reponse
