"""Les pages des plans d'action : la liste de ceux qu'on peut voir, un plan et ses actions, l'ouverture
d'un plan, l'ajout d'une action, le suivi d'une action. Les droits viennent de `guichet.permissions`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from guichet.plans_d_action import permissions as permissions_plans_d_action
from guichet.plans_d_action import services
from guichet.plans_d_action.forms import ActionForm, PlanForm, SuiviForm
from guichet.plans_d_action.models import Action, Origine, PlanDAction
from guichet.temps import jour_local

ETATS = {"ouverts": "Ouverts", "retard": "Avec une action en retard", "clos": "Clos", "tous": "Tous"}


def _erreurs_dans(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for champ, erreurs in exc.error_dict.items():
            form.add_error(champ if champ in form.fields else None, erreurs)
    else:
        form.add_error(None, exc)


@login_required
def liste(request):
    if not permissions_plans_d_action.peut_voir_plans(request.user):
        raise PermissionDenied
    etat = request.GET.get("etat", "ouverts")
    if etat not in ETATS:
        etat = "ouverts"
    aujourd_hui = jour_local(timezone.now())
    plans = (
        permissions_plans_d_action.plans_visibles(request.user)
        .select_related("departement", "structure", "operateur")
        .annotate(
            nb_actions=Count("actions", distinct=True),
            nb_ouvertes=Count("actions", filter=Q(actions__statut__in=Action.STATUTS_OUVERTS), distinct=True),
            nb_retard=Count(
                "actions",
                filter=Q(actions__statut__in=Action.STATUTS_OUVERTS, actions__echeance__lt=aujourd_hui),
                distinct=True,
            ),
        )
    )
    if etat == "ouverts":
        plans = plans.filter(clos_le__isnull=True)
    elif etat == "clos":
        plans = plans.filter(clos_le__isnull=False)
    elif etat == "retard":
        plans = plans.filter(nb_retard__gt=0)
    return render(
        request,
        "plans_d_action/liste.html",
        {
            "titre": "Plans d'action",
            "plans": plans[:500],
            "etat": etat,
            "etats": ETATS,
            "libelle_etat": ETATS[etat],
            "peut_ouvrir": permissions_plans_d_action.peut_ouvrir_plan(request.user),
        },
    )


def _plan_visible(request, pk) -> PlanDAction:
    plan = get_object_or_404(
        PlanDAction.objects.select_related("departement", "structure", "operateur", "ouvert_par"), pk=pk
    )
    if not permissions_plans_d_action.peut_voir_plan(request.user, plan):
        raise Http404
    return plan


@login_required
def detail(request, pk, formulaires=None):
    plan = _plan_visible(request, pk)
    actions = list(plan.actions.select_related("responsable").prefetch_related("suivis__auteur"))
    formulaires = formulaires or {}
    lignes = [
        {
            "action": action,
            "peut_repondre": permissions_plans_d_action.peut_repondre_action(request.user, action),
            "form": formulaires.get(action.pk) or SuiviForm(prefix=f"a{action.pk}"),
        }
        for action in actions
    ]
    peut_ajouter = not plan.clos and permissions_plans_d_action.peut_ouvrir_plan(request.user, plan.departement)
    return render(
        request,
        "plans_d_action/detail.html",
        {
            "titre": plan.titre,
            "plan": plan,
            "lignes": lignes,
            "peut_ajouter": peut_ajouter,
            "form_action": formulaires.get("ajout") or ActionForm(prefix="ajout"),
        },
        status=400 if formulaires else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def ouvrir(request):
    if not permissions_plans_d_action.peut_ouvrir_plan(request.user):
        raise PermissionDenied
    form = PlanForm(
        request.POST or None, departements=permissions_plans_d_action.departements_ou_ouvrir_plan(request.user)
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            plan = services.ouvrir_plan(
                titre=d["titre"],
                origine=Origine.AUTRE,
                departement=d["departement"],
                auteur=request.user,
                structure=d["structure"],
                operateur=d["operateur"],
                actions=[{"libelle": d["libelle"], "echeance": d["echeance"]}],
            )
        except ValidationError as exc:
            _erreurs_dans(form, exc)
        else:
            messages.success(request, f"Le plan d'action « {plan.titre} » est ouvert.")
            return redirect(plan)
    return render(
        request,
        "plans_d_action/ouvrir.html",
        {"titre": "Ouvrir un plan d'action", "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def ajouter_action(request, pk):
    plan = _plan_visible(request, pk)
    if not permissions_plans_d_action.peut_ouvrir_plan(request.user, plan.departement):
        raise PermissionDenied
    form = ActionForm(request.POST, prefix="ajout")
    if form.is_valid():
        try:
            services.ajouter_action(
                plan, libelle=form.cleaned_data["libelle"], echeance=form.cleaned_data["echeance"], auteur=request.user
            )
        except ValidationError as exc:
            _erreurs_dans(form, exc)
        else:
            messages.success(request, "L'action est ajoutée au plan.")
            return redirect(plan)
    return detail(request, pk, formulaires={"ajout": form})


@login_required
@require_POST
def repondre(request, pk, action_pk):
    plan = _plan_visible(request, pk)
    action = get_object_or_404(Action, pk=action_pk, plan=plan)
    action.plan = plan
    if not permissions_plans_d_action.peut_repondre_action(request.user, action):
        raise PermissionDenied
    form = SuiviForm(request.POST, prefix=f"a{action.pk}")
    if form.is_valid():
        try:
            services.repondre(
                action, auteur=request.user, texte=form.cleaned_data["texte"], statut=form.cleaned_data["statut"]
            )
        except ValidationError as exc:
            _erreurs_dans(form, exc)
        else:
            messages.success(request, "Le suivi de l'action est enregistré.")
            return redirect(plan)
    return detail(request, pk, formulaires={action.pk: form})
