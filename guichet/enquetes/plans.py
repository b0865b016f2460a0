"""Ouvrir un plan d'action depuis un constat des enquêtes (un résultat par structure ou par département,
une note du back-office d'un opérateur dans un département) ou d'une visite mystère, par la préfecture ou
l'ANCT ; retrouver les plans déjà ouverts depuis ce constat, parmi ceux que l'utilisateur peut voir.

Le plan lui-même (actions, responsables, échéances, suivi) vit dans `guichet.plans_d_action` : on n'y
entre que par `services.ouvrir_plan`.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count

from guichet.comptes.forms import FormulaireDsfr
from guichet.plans_d_action import permissions as permissions_plans_d_action
from guichet.plans_d_action import services as plans
from guichet.plans_d_action.forms import ChampDate
from guichet.plans_d_action.models import Origine, PlanDAction


class PlanDepuisConstatForm(FormulaireDsfr):
    titre = forms.CharField(label="Titre du plan", max_length=200)
    libelle = forms.CharField(label="Première action", max_length=300)
    echeance = ChampDate(label="Échéance de la première action")


def visibles(user, plans_qs) -> list[PlanDAction]:
    """Parmi ces plans, ceux que l'utilisateur peut ouvrir, les plus récents d'abord."""
    ids = permissions_plans_d_action.plans_visibles(user).values("pk")
    return list(plans_qs.filter(pk__in=ids).select_related("departement").order_by("-ouvert_le"))


def ouvrir(form, user, *, origine, departement, structure=None, operateur=None, source=None):
    """Ouvre le plan décrit par le formulaire valide ; None (erreurs posées sur le formulaire) sinon."""
    d = form.cleaned_data
    try:
        return plans.ouvrir_plan(
            titre=d["titre"],
            origine=origine,
            departement=departement,
            auteur=user,
            structure=structure,
            operateur=operateur,
            source=source,
            actions=[{"libelle": d["libelle"], "echeance": d["echeance"]}],
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for champ, erreurs in exc.error_dict.items():
                form.add_error(champ if champ in form.fields else None, erreurs)
        else:
            form.add_error(None, exc)
        return None


# Les constats de ce module


def plans_du_resultat(campagne, niveau):
    """Les plans ouverts depuis les résultats de cette campagne à ce niveau (structure ou département)."""
    qs = plans.plans_de(campagne).filter(origine=Origine.ENQUETE)
    if niveau.code == "structure":
        return qs.filter(structure=niveau.objet)
    if niveau.code == "departement":
        return qs.filter(departement=niveau.objet, structure__isnull=True)
    return qs.none()


def departement_du_niveau(niveau):
    if niveau.code == "structure":
        return niveau.objet.commune.departement
    if niveau.code == "departement":
        return niveau.objet
    return None


def plans_de_l_operateur(operateur, departement):
    return PlanDAction.objects.filter(
        origine=Origine.EVALUATION_OPERATEUR, operateur=operateur, departement=departement
    )


def nombre_de_plans_par_operateur(visibles) -> dict:
    """{(opérateur, département): nombre de plans ouverts sur sa note} parmi les plans `visibles`, en une requête."""
    return {
        (operateur_id, departement_id): n
        for operateur_id, departement_id, n in PlanDAction.objects.filter(
            origine=Origine.EVALUATION_OPERATEUR, pk__in=visibles.values("pk")
        )
        .values_list("operateur_id", "departement_id")
        .annotate(n=Count("pk"))
        .values_list("operateur_id", "departement_id", "n")
        .order_by()
    }
