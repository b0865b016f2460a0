"""Les visites mystères : enregistrer une visite, clore une campagne, résumer les notes par critère."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone

from guichet.visites.models import CampagneVisites, Critere, Note, Visite


@transaction.atomic
def enregistrer_visite(visite: Visite, *, scenario, realisee_le, commentaire, notes: dict) -> Visite:
    """Écrit la visite et ses notes (`notes` {critere: (valeur, commentaire)}), en remplaçant les précédentes."""
    visite.scenario, visite.realisee_le, visite.commentaire = scenario, realisee_le, commentaire
    visite.save(update_fields=["scenario", "realisee_le", "commentaire"])
    visite.notes.all().delete()
    Note.objects.bulk_create(
        Note(visite=visite, critere=critere, valeur=valeur, commentaire=texte)
        for critere, (valeur, texte) in notes.items()
    )
    return visite


def clore(campagne: CampagneVisites) -> None:
    """Clôt la campagne : les structures visitées voient alors leurs résultats ; plus aucune saisie."""
    if campagne.close_le is None:
        campagne.close_le = timezone.now()
        campagne.save(update_fields=["close_le"])


@dataclass
class ResumeCritere:
    critere: Critere
    visites: int
    moyenne: float | None


def resume(campagne: CampagneVisites, visites) -> list[ResumeCritere]:
    """La note moyenne de chaque critère de la grille sur les visites réalisées données (avec leur nombre)."""
    par_critere = {
        ligne["critere_id"]: ligne
        for ligne in Note.objects.filter(visite__in=visites.filter(realisee_le__isnull=False))
        .values("critere_id")
        .annotate(n=Count("pk"), m=Avg("valeur"))
    }
    return [
        ResumeCritere(c, par_critere.get(c.pk, {}).get("n", 0), par_critere.get(c.pk, {}).get("m"))
        for c in campagne.grille.criteres.all()
    ]
