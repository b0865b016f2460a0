"""Les relances périodiques des demandes : rappels, escalade, récapitulatif quotidien.

`relancer(maintenant)` est appelée toutes les 15 minutes par `guichet relancer_demandes --wet-run`.
Elle est idempotente : chaque relance envoyée est inscrite (`Relance`, `Recapitulatif`, uniques),
et rien de ce qui est inscrit n'est renvoyé.

- Rappel aux référents de l'opérateur quand les deux tiers du délai (48 heures ouvrées sur 72) se sont
  écoulés sans réponse ; le délai est l'engagement de réponse de l'opérateur en vigueur quand la demande
  lui a été adressée (`Demande.delai_heures`).
- À l'échéance sans réponse : rappel aux référents et escalade aux
  responsables départementaux de l'opérateur. Si le rappel à 48 h n'est pas parti à temps
  (service arrêté), seul le rappel d'échéance part : pas deux courriels d'un coup.
- Après une réorientation, le nouvel opérateur a son propre délai et ses propres rappels.
- Chaque jour ouvré, à partir de 8 h (heure de Paris), un récapitulatif par référent qui a des
  demandes à traiter.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, Min, OuterRef
from django.utils import timezone

from guichet.comptes.models import Habilitation, Role
from guichet.demandes import destinataires, echeances, services
from guichet.demandes.models import Demande, Recapitulatif, Relance
from guichet.temps import PARIS, a_paris

HEURE_RECAPITULATIF = time(8, 0)


@dataclass
class Bilan:
    rappels_48h: int = 0
    rappels_echeance: int = 0
    escalades: int = 0
    escalades_sans_responsable: list = field(default_factory=list)  # numéros de demande
    recapitulatifs: int = 0

    def __str__(self):
        texte = (
            f"{self.rappels_48h} rappel(s) à 48 h, {self.rappels_echeance} rappel(s) d'échéance, "
            f"{self.escalades} escalade(s), {self.recapitulatifs} récapitulatif(s)"
        )
        if self.escalades_sans_responsable:
            numeros = ", ".join(str(n) for n in self.escalades_sans_responsable)
            texte += f" ; aucun responsable départemental pour escalader les demandes n° {numeros}"
        return texte


def _inscrire(demande, nature, maintenant, destinataires, ecrire) -> bool:
    """Inscrit la relance (si `ecrire`) et programme son courriel ; False si elle était déjà partie."""
    deja = Relance.objects.filter(demande=demande, nature=nature, routee_le=demande.routee_le).exists()
    if deja:
        return False
    if not ecrire:
        return True
    try:
        with transaction.atomic():
            Relance.objects.create(
                demande=demande,
                nature=nature,
                routee_le=demande.routee_le,
                envoyee_le=maintenant,
                destinataires=destinataires,
            )
    except IntegrityError:  # une autre exécution l'a inscrite entre-temps
        return False
    services._notifier_apres_validation(demande.pk, nature)
    return True


def relancer(maintenant=None, ecrire=True) -> Bilan:
    """Envoie ce qui est dû à `maintenant` ; avec ecrire=False, compte seulement (essai à blanc)."""
    maintenant = maintenant or timezone.now()
    bilan = Bilan()
    deja_escaladees = Relance.objects.filter(
        demande=OuterRef("pk"), nature=Relance.Nature.ESCALADE, routee_le=OuterRef("routee_le")
    )
    # N heures ouvrées durent au moins N heures : les demandes routées depuis moins que le plus court des
    # rappels n'ont rien à recevoir.
    plus_court = Demande.objects.sans_reponse().aggregate(m=Min("delai_heures"))["m"] or echeances.DELAI_HEURES
    candidates = (
        Demande.objects.sans_reponse()
        .filter(routee_le__lte=maintenant - timedelta(hours=echeances.heures_du_rappel(plus_court)))
        .exclude(Exists(deja_escaladees))
        .select_related("departement", "operateur")
        .only("pk", "routee_le", "delai_heures", "echeance_le", "operateur_id", "departement__code", "departement_id")
    )
    for demande in candidates.iterator(chunk_size=500):
        with transaction.atomic():
            if maintenant >= demande.echeance_le:
                nb = destinataires.referents(demande.operateur_id, demande.departement_id).count()
                if _inscrire(demande, Relance.Nature.RAPPEL_ECHEANCE, maintenant, nb, ecrire):
                    bilan.rappels_echeance += 1
                nb = destinataires.responsables(demande.operateur_id, demande.departement_id).count()
                if _inscrire(demande, Relance.Nature.ESCALADE, maintenant, nb, ecrire):
                    bilan.escalades += 1
                    if not nb:
                        bilan.escalades_sans_responsable.append(demande.pk)
            elif maintenant >= echeances.rappel(demande.routee_le, demande.departement.code, demande.delai_heures):
                nb = destinataires.referents(demande.operateur_id, demande.departement_id).count()
                if _inscrire(demande, Relance.Nature.RAPPEL_48H, maintenant, nb, ecrire):
                    bilan.rappels_48h += 1
    bilan.recapitulatifs = recapituler(maintenant, ecrire)
    return bilan


def recapituler(maintenant=None, ecrire=True) -> int:
    """Programme le récapitulatif du jour de chaque référent (un jour ouvré, après 8 h, une fois par jour)."""
    from guichet.demandes import taches

    maintenant = maintenant or timezone.now()
    local = timezone.localtime(maintenant, PARIS)
    if local.time() < HEURE_RECAPITULATIF:
        return 0
    jour = local.date()
    faits = Recapitulatif.objects.filter(jour=jour).values("utilisateur_id")
    premiers = {}
    for utilisateur_id, code in (
        Habilitation.objects.actives()
        .filter(role=Role.REFERENT)
        .exclude(utilisateur_id__in=faits)
        .order_by("utilisateur_id", "departement__code")
        .values_list("utilisateur_id", "departement__code")
    ):
        premiers.setdefault(utilisateur_id, code)
    nombre = 0
    for utilisateur_id, code in premiers.items():
        if not echeances.ouvre(jour, code):
            continue
        nombre += 1
        if ecrire:
            with transaction.atomic():
                _, cree = Recapitulatif.objects.get_or_create(
                    utilisateur_id=utilisateur_id, jour=jour, defaults={"envoye_le": maintenant}
                )
                if cree:
                    transaction.on_commit(
                        lambda u=utilisateur_id: taches.envoyer_recapitulatif.enqueue(u, jour.isoformat())
                    )
    return nombre


def maintenant_depuis_texte(texte: str) -> datetime:
    """« 2026-03-12T10:00 » (heure de Paris si aucun fuseau) → datetime conscient du fuseau."""
    return a_paris(datetime.fromisoformat(texte))
