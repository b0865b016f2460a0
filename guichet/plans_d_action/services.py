"""Ouvrir un plan d'action, y ajouter une action, répondre à une action : tout ou rien, journalisé.

`ouvrir_plan` est la seule porte d'entrée des applications qui font un constat (labellisation, bornes,
enquêtes, visites mystères…) ; les pages du plan passent par les mêmes fonctions. Les erreurs sont des
`ValidationError` qui nomment le champ (et le rang de l'action), jamais un plan à moitié créé.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from guichet.journal.services import journaliser
from guichet.plans_d_action.models import Action, Origine, PlanDAction, Suivi
from guichet.temps import jour_local

LONGUEUR_TITRE = 200
LONGUEUR_ACTION = 300


def _valider_action(libelle, echeance, rang: int | None = None) -> tuple[str, datetime.date]:
    """Une action : un libellé non vide et une échéance qui est une date (pas une date passée à la création)."""
    ou = f"Action {rang} : " if rang is not None else ""
    libelle = str(libelle or "").strip()
    if not libelle:
        raise ValidationError({"libelle": f"{ou}décrivez l'action à mener."})
    if len(libelle) > LONGUEUR_ACTION:
        raise ValidationError({"libelle": f"{ou}l'action tient en {LONGUEUR_ACTION} caractères au plus."})
    if isinstance(echeance, str):
        try:
            echeance = datetime.date.fromisoformat(echeance)
        except ValueError:
            raise ValidationError({"echeance": f"{ou}l'échéance « {echeance[:20]} » n'est pas une date."}) from None
    if not isinstance(echeance, datetime.date) or isinstance(echeance, datetime.datetime):
        raise ValidationError({"echeance": f"{ou}donnez une échéance (une date)."})
    if echeance < jour_local(timezone.now()):
        raise ValidationError({"echeance": f"{ou}l'échéance est déjà passée."})
    return libelle, echeance


@transaction.atomic
def ouvrir_plan(
    *,
    titre: str,
    origine: str,
    departement,
    auteur,
    structure=None,
    operateur=None,
    source=None,
    actions: list[dict],
) -> PlanDAction:
    """Ouvre un plan et ses actions (au moins une), tout ou rien. `source` : l'objet du constat (un audit, un
    résultat…), retrouvé ensuite par `plans_de(source)`. Chaque action : {"libelle", "echeance", "responsable"?}."""
    titre = str(titre or "").strip()
    if not titre:
        raise ValidationError({"titre": "Donnez un titre au plan d'action."})
    if len(titre) > LONGUEUR_TITRE:
        raise ValidationError({"titre": f"Le titre tient en {LONGUEUR_TITRE} caractères au plus."})
    if origine not in Origine.values:
        raise ValidationError({"origine": f"Origine inconnue : « {origine} »."})
    if structure is not None and structure.commune.departement_id != departement.pk:
        raise ValidationError({"structure": "La structure n'est pas dans le département du plan."})
    if not actions:
        raise ValidationError({"actions": "Un plan d'action compte au moins une action."})
    valides = [
        (*_valider_action(a.get("libelle"), a.get("echeance"), rang), a.get("responsable"))
        for rang, a in enumerate(actions, start=1)
    ]
    plan = PlanDAction.objects.create(
        titre=titre,
        origine=origine,
        departement=departement,
        structure=structure,
        operateur=operateur,
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=source.pk if source is not None else None,
        ouvert_par=auteur,
    )
    Action.objects.bulk_create(
        Action(plan=plan, libelle=libelle, echeance=echeance, responsable=responsable)
        for libelle, echeance, responsable in valides
    )
    journaliser(auteur, "creation", plan, {"origine": origine, "actions": len(valides)})
    return plan


@transaction.atomic
def ajouter_action(plan: PlanDAction, *, libelle, echeance, auteur, responsable=None) -> Action:
    if plan.clos:
        raise ValidationError("Ce plan est clos : on n'y ajoute plus d'action.")
    libelle, echeance = _valider_action(libelle, echeance)
    action = Action.objects.create(plan=plan, libelle=libelle, echeance=echeance, responsable=responsable)
    journaliser(auteur, "modification", plan, {"action_ajoutee": action.pk})
    return action


@transaction.atomic
def repondre(action: Action, *, auteur, texte: str, statut: str = "") -> Suivi:
    """Un suivi sur une action (texte obligatoire), qui peut en changer le statut ; le plan se clôt quand plus
    aucune de ses actions n'est ouverte, et se rouvre si l'une le redevient."""
    texte = str(texte or "").strip()
    if not texte:
        raise ValidationError({"texte": "Écrivez où en est l'action (quelques mots suffisent)."})
    if statut and statut not in Action.Statut.values:
        raise ValidationError({"statut": f"Statut inconnu : « {statut} »."})
    action = Action.objects.select_for_update().select_related("plan").get(pk=action.pk)
    if statut and statut != action.statut:
        action.statut = statut
        action.faite_le = jour_local(timezone.now()) if statut == Action.Statut.FAITE else None
        action.save(update_fields=["statut", "faite_le", "modifiee_le"])
    else:
        statut = ""
    suivi = Suivi.objects.create(action=action, auteur=auteur, texte=texte, statut=statut)
    plan = action.plan
    encore_ouvertes = plan.actions.ouvertes().exists()
    if plan.clos_le is None and not encore_ouvertes:
        plan.clos_le = timezone.now()
        plan.save(update_fields=["clos_le"])
    elif plan.clos_le is not None and encore_ouvertes:
        plan.clos_le = None
        plan.save(update_fields=["clos_le"])
    journaliser(auteur, "modification", plan, {"action": action.pk, "statut": statut or action.statut})
    return suivi


def actions_en_retard(departements=None) -> QuerySet[Action]:
    """Les actions ouvertes dont l'échéance est passée, dans ces départements (tous si None)."""
    actions = Action.objects.en_retard().select_related("plan", "plan__structure", "plan__departement")
    if departements is not None:
        actions = actions.filter(plan__departement__in=departements)
    return actions


def plans_de(source) -> QuerySet[PlanDAction]:
    """Les plans ouverts à partir de cet objet (un audit, un résultat…)."""
    return PlanDAction.objects.filter(source_type=ContentType.objects.get_for_model(source), source_id=source.pk)
