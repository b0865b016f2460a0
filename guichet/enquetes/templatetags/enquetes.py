"""`{% avis_des_structures %}` : la section « ce que disent les structures » du tableau de qualité du
back-office, même période et même champ que le tableau mesuré (posée dans son gabarit : le tableau de
qualité n'importe pas les enquêtes)."""

from django import template
from django.urls import reverse

from guichet.enquetes import permissions as permissions_enquetes
from guichet.enquetes import plans, services
from guichet.enquetes.models import CRITERES_OPERATEUR
from guichet.plans_d_action import permissions as permissions_plans_d_action
from guichet.qualite import permissions as permissions_qualite

register = template.Library()


@register.inclusion_tag("enquetes/_avis_des_structures.html", takes_context=True)
def avis_des_structures(context):
    request = context["request"]
    tableau, form = context.get("tableau"), context.get("form")
    perimetre = permissions_qualite.perimetre_qualite(request.user)
    if tableau is None or form is None or perimetre is None or not form.is_valid():
        return {"avis": None}
    d = form.cleaned_data
    avis = services.avis_des_structures(
        perimetre,
        tableau.debut,
        tableau.fin,
        operateur_id=d["operateur"].pk if d.get("operateur") else None,
        departement_id=d["departement"].pk if d.get("departement") else None,
        commentaires=permissions_enquetes.voit_textes_libres(request.user),
    )
    nombres = plans.nombre_de_plans_par_operateur(permissions_plans_d_action.plans_visibles(request.user))
    for a in avis:
        a.plans = nombres.get((a.operateur.pk, a.departement.pk), 0)
        a.peut_ouvrir_plan = permissions_plans_d_action.peut_ouvrir_plan(request.user, a.departement)
        a.lien_plans = (
            reverse("enquetes:plan_operateur") + f"?operateur={a.operateur.pk}&departement={a.departement.pk}"
        )
    return {
        "avis": avis,
        "criteres": list(CRITERES_OPERATEUR.values()),
        "tableau": tableau,
        "seuil": services.SEUIL,
        "export": reverse("enquetes:export_evaluations") + ("?" + request.GET.urlencode() if request.GET else ""),
    }
