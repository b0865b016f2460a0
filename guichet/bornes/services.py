"""Les bornes de satisfaction : appairage, avis reçus (validation, doublons, cadence), invitations par code QR
et agrégats mensuels.

Un avis a une seule définition de validité (`lire_avis`) : l'API de la tablette et le formulaire du
téléphone (invitation) la partagent.

Cadence : un humain met plusieurs secondes à répondre puis à laisser la place. Un avis d'une même borne à
moins de `ECART_MIN` d'un autre, ou au-delà de `MAX_PAR_MINUTE` avis dans la même minute, est gardé mais
`signale` : il reste dans la base (rien n'est perdu) et hors des chiffres.
"""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from guichet import temps
from guichet.bornes.models import NOTE_SATISFAIT, Attente, Avis, Borne, InvitationAvis, SatisfactionMois
from guichet.reseau.models import Structure
from guichet.statistiques.periodes import decaler_mois

PREFIXE_JETON = "brn_"
TAILLE_MAX_LOT = 500
TOLERANCE_FUTUR = timedelta(minutes=10)
ANCIENNETE_MAX = timedelta(days=60)  # une tablette hors ligne garde ses avis quelques semaines au plus
ECART_MIN = timedelta(seconds=3)
MAX_PAR_MINUTE = 10
INTERVALLE_USAGE = timedelta(minutes=5)
DUREE_INVITATION = timedelta(days=7)
MOIS_RESULTATS = 12

CHAMPS = {
    "id": "identifiant UUID créé sur l'appareil",
    "le": "date et heure ISO 8601",
    "note": "satisfaction de 1 à 5",
    "resolu": "problème résolu (vrai, faux ou null)",
    "attente": f"temps d'attente ({', '.join(Attente.values)} ou null)",
    "reviendrait": "reviendrait (vrai, faux ou null)",
}


# Jetons d'appareil


def empreinte(clair: str) -> str:
    return hashlib.sha256(clair.encode()).hexdigest()


def appairer(structure, nom: str, par=None) -> tuple[Borne, str]:
    """Crée une borne pour la structure ; renvoie la borne et son jeton en clair, à montrer une seule fois."""
    clair = PREFIXE_JETON + secrets.token_urlsafe(32)
    borne = Borne.objects.create(
        structure=structure,
        nom=(nom or "").strip()[:100] or "Borne de satisfaction",
        prefixe=clair[:10],
        empreinte=empreinte(clair),
        creee_par=par if par is not None and par.is_authenticated else None,
    )
    return borne, clair


def authentifier(clair: str) -> Borne | None:
    """La borne active de ce jeton, ou None (inconnu, révoqué)."""
    clair = (clair or "").strip()
    if not clair.startswith(PREFIXE_JETON):
        return None
    borne = Borne.objects.actives().select_related("structure").filter(empreinte=empreinte(clair)).first()
    if borne is None:
        return None
    maintenant = timezone.now()
    if borne.utilisee_le is None or maintenant - borne.utilisee_le > INTERVALLE_USAGE:
        Borne.objects.filter(pk=borne.pk).update(utilisee_le=maintenant)
    return borne


def revoquer(borne: Borne) -> None:
    if borne.revoquee_le is None:
        borne.revoquee_le = timezone.now()
        borne.save(update_fields=["revoquee_le"])


# Validation d'un avis


@dataclass(frozen=True)
class Erreur:
    index: int | None
    champ: str
    message: str

    def en_json(self) -> dict:
        return {"index": self.index, "champ": self.champ, "message": self.message}


class AvisInvalides(Exception):
    def __init__(self, erreurs: list[Erreur]):
        super().__init__("; ".join(f"[{e.index}] {e.champ} : {e.message}" for e in erreurs))
        self.erreurs = erreurs


def _booleen(valeur, champ, index, erreurs):
    if valeur is None or isinstance(valeur, bool):
        return valeur
    erreurs.append(Erreur(index, champ, "vrai, faux ou null attendu."))
    return None


def lire_avis(item, index: int | None, maintenant: datetime) -> tuple[dict, list[Erreur]]:
    """Les valeurs d'un avis (dict prêt pour le modèle) et ses erreurs, chacune nommant le rang et le champ."""
    erreurs: list[Erreur] = []
    if not isinstance(item, dict):
        return {}, [Erreur(index, "", "un objet JSON attendu pour chaque avis.")]
    for cle in item:
        if cle not in CHAMPS:
            erreurs.append(Erreur(index, str(cle)[:50], f"champ inconnu (attendus : {', '.join(CHAMPS)})."))
    valeurs = {}
    brut = item.get("id")
    try:
        valeurs["id"] = uuid.UUID(str(brut)) if isinstance(brut, str) else None
    except ValueError:
        valeurs["id"] = None
    if valeurs["id"] is None:
        erreurs.append(Erreur(index, "id", "UUID attendu (créé sur l'appareil), par exemple 0f8c6a52-3c1e-4b7a-…."))
    brut = item.get("le")
    le = None
    if isinstance(brut, str):
        try:
            le = parse_datetime(brut)
        except ValueError:
            le = None
    if le is None:
        erreurs.append(Erreur(index, "le", "date et heure ISO 8601 attendues, par exemple 2026-05-04T10:15:00+02:00."))
    else:
        if timezone.is_naive(le):
            le = temps.a_paris(le)
        if le > maintenant + TOLERANCE_FUTUR:
            erreurs.append(Erreur(index, "le", "date dans le futur : l'horloge de l'appareil est-elle à l'heure ?"))
        elif le < maintenant - ANCIENNETE_MAX:
            erreurs.append(Erreur(index, "le", f"avis de plus de {ANCIENNETE_MAX.days} jours : trop ancien."))
        valeurs["le"] = le
    note = item.get("note")
    if isinstance(note, bool) or not isinstance(note, int) or not 1 <= note <= 5:
        erreurs.append(Erreur(index, "note", "un entier de 1 à 5 attendu."))
    else:
        valeurs["note"] = note
    valeurs["resolu"] = _booleen(item.get("resolu"), "resolu", index, erreurs)
    valeurs["reviendrait"] = _booleen(item.get("reviendrait"), "reviendrait", index, erreurs)
    attente = item.get("attente")
    if attente is None:
        valeurs["attente"] = ""
    elif isinstance(attente, str) and attente in Attente.values:
        valeurs["attente"] = attente
    else:
        erreurs.append(Erreur(index, "attente", f"une valeur parmi {', '.join(Attente.values)}, ou null, attendue."))
    return valeurs, erreurs


# Enregistrement


@dataclass(frozen=True)
class Resultat:
    crees: int
    deja_presents: int
    signales: int


def enregistrer_avis(borne: Borne, items: list) -> Resultat:
    """Enregistre un lot d'avis d'une borne, tout ou rien : une erreur et rien n'est écrit (`AvisInvalides`).

    Idempotent : un identifiant déjà reçu (ou répété dans le lot) n'est pas réenregistré (contrainte
    d'unicité de la clé, insertion qui ignore les conflits). Les avis trop rapprochés sont signalés."""
    if not isinstance(items, list):
        items = [items]
    if not items:
        return Resultat(0, 0, 0)
    if len(items) > TAILLE_MAX_LOT:
        raise AvisInvalides([Erreur(None, "", f"au plus {TAILLE_MAX_LOT} avis par envoi ({len(items)} reçus).")])
    maintenant = timezone.now()
    lus, erreurs = {}, []
    for index, item in enumerate(items):
        valeurs, erreurs_item = lire_avis(item, index, maintenant)
        erreurs += erreurs_item
        if not erreurs_item:
            lus.setdefault(valeurs["id"], valeurs)
    if erreurs:
        raise AvisInvalides(erreurs)
    with transaction.atomic():
        deja = set(Avis.objects.filter(pk__in=list(lus)).values_list("pk", flat=True))
        nouveaux = [v for i, v in lus.items() if i not in deja]
        signales = _signaler(borne, nouveaux)
        _inserer(borne, nouveaux, signales, maintenant)
        recalculer({(borne.structure_id, decaler_mois(temps.jour_local(v["le"]), 0)) for v in nouveaux})
    return Resultat(len(nouveaux), len(items) - len(nouveaux), len(signales & {v["id"] for v in nouveaux}))


COLONNES = ("id", "structure_id", "borne_id", "le", "recu_le", "note", "resolu", "attente", "reviendrait", "signale")


def _inserer(borne: Borne, nouveaux: list[dict], signales: set, maintenant: datetime) -> None:
    """Insère les avis en une requête préparée, sans doublon : `ON CONFLICT (id) DO NOTHING` (SQLite et
    PostgreSQL), l'équivalent de `bulk_create(ignore_conflicts=True)` sans en payer la construction d'objets
    (la moitié du temps d'un envoi)."""
    if not nouveaux:
        return
    champ_id, champ_le = Avis._meta.get_field("id"), Avis._meta.get_field("le")
    recu = champ_le.get_db_prep_value(maintenant, connection)
    lignes = [
        (
            champ_id.get_db_prep_value(v["id"], connection),
            borne.structure_id,
            borne.pk,
            champ_le.get_db_prep_value(v["le"], connection),
            recu,
            v["note"],
            v["resolu"],
            v["attente"],
            v["reviendrait"],
            v["id"] in signales,
        )
        for v in nouveaux
    ]
    table = connection.ops.quote_name(Avis._meta.db_table)
    colonnes = ", ".join(connection.ops.quote_name(c) for c in COLONNES)
    marques = ", ".join(["%s"] * len(COLONNES))
    with connection.cursor() as curseur:
        curseur.executemany(
            f"INSERT INTO {table} ({colonnes}) VALUES ({marques}) ON CONFLICT (id) DO NOTHING",  # noqa: S608
            lignes,
        )


def _signaler(borne: Borne, nouveaux: list[dict]) -> set:
    """Les identifiants des nouveaux avis à signaler ; signale aussi les avis déjà gardés qu'un nouvel
    avis rend trop rapprochés."""
    if not nouveaux:
        return set()
    fenetre = timedelta(minutes=1)
    debut = min(v["le"] for v in nouveaux) - fenetre
    fin = max(v["le"] for v in nouveaux) + fenetre
    gardes = list(Avis.objects.filter(borne=borne, le__gte=debut, le__lte=fin).values_list("pk", "le", "signale"))
    tous = sorted([(v["le"], v["id"], True, False) for v in nouveaux] + [(le, pk, False, s) for pk, le, s in gardes])
    a_signaler = set()
    depart = 0
    for i, (le, pk, _, _) in enumerate(tous):
        proche = (i > 0 and le - tous[i - 1][0] < ECART_MIN) or (i + 1 < len(tous) and tous[i + 1][0] - le < ECART_MIN)
        while tous[depart][0] <= le - fenetre:
            depart += 1
        if proche or i - depart + 1 > MAX_PAR_MINUTE:
            a_signaler.add(pk)
    nouveaux_ids = {v["id"] for v in nouveaux}
    anciens = [pk for le, pk, nouveau, signale in tous if not nouveau and not signale and pk in a_signaler]
    if anciens:
        Avis.objects.filter(pk__in=anciens).update(signale=True)
    return a_signaler & nouveaux_ids


# Invitations (code QR remis après un accompagnement)


def inviter(accompagnement, par=None) -> tuple[InvitationAvis, str]:
    """Une invitation à usage unique, valable 7 jours, liée à l'accompagnement ; renvoie aussi son jeton en clair."""
    clair = secrets.token_urlsafe(24)
    invitation = InvitationAvis.objects.create(
        structure_id=accompagnement.structure_id,
        accompagnement=accompagnement,
        operateur_id=accompagnement.operateur_id,
        demarche_id=accompagnement.demarche_id,
        empreinte=empreinte(clair),
        creee_par=par,
        expire_le=timezone.now() + DUREE_INVITATION,
    )
    return invitation, clair


def invitation_valide(clair: str) -> InvitationAvis | None:
    """L'invitation de ce jeton si elle n'a servi ni expiré, sinon None."""
    if not clair:
        return None
    return (
        InvitationAvis.objects.select_related("structure")
        .filter(empreinte=empreinte(clair), utilisee_le__isnull=True, expire_le__gt=timezone.now())
        .first()
    )


def repondre_invitation(clair: str, donnees: dict) -> Avis:
    """Enregistre l'avis donné par une invitation et la consomme (une seule fois, même en concurrence).
    `AvisInvalides` si l'avis est invalide ; `InvitationAvis.DoesNotExist` si elle a déjà servi ou expiré."""
    maintenant = timezone.now()
    valeurs, erreurs = lire_avis({"id": str(uuid.uuid4()), "le": maintenant.isoformat(), **donnees}, None, maintenant)
    if erreurs:
        raise AvisInvalides(erreurs)
    with transaction.atomic():
        consommees = InvitationAvis.objects.filter(
            empreinte=empreinte(clair or ""), utilisee_le__isnull=True, expire_le__gt=maintenant
        ).update(utilisee_le=maintenant)
        if consommees != 1:
            raise InvitationAvis.DoesNotExist("Invitation déjà utilisée ou expirée.")
        invitation = InvitationAvis.objects.get(empreinte=empreinte(clair))
        avis = Avis.objects.create(
            structure_id=invitation.structure_id,
            invitation=invitation,
            operateur_id=invitation.operateur_id,
            demarche_id=invitation.demarche_id,
            **valeurs,
        )
        recalculer({(invitation.structure_id, decaler_mois(temps.jour_local(avis.le), 0))})
    return avis


# Agrégats mensuels


def _compteurs():
    retenus = Q(signale=False)
    return {
        "reponses": Count("pk", filter=retenus),
        "satisfaits": Count("pk", filter=retenus & Q(note__gte=NOTE_SATISFAIT)),
        "resolu_reponses": Count("pk", filter=retenus & Q(resolu__isnull=False)),
        "resolu_oui": Count("pk", filter=retenus & Q(resolu=True)),
        "reviendrait_reponses": Count("pk", filter=retenus & Q(reviendrait__isnull=False)),
        "reviendrait_oui": Count("pk", filter=retenus & Q(reviendrait=True)),
        "signales": Count("pk", filter=Q(signale=True)),
    }


def recalculer(paires) -> None:
    """Recalcule l'agrégat de chaque couple (structure, premier du mois) depuis les avis."""
    departements = dict(
        Structure.objects.filter(pk__in={s for s, _ in paires}).values_list("pk", "commune__departement_id")
    )
    for structure_id, mois in sorted(paires):
        debut, fin = temps.bornes(mois, decaler_mois(mois, 1) - timedelta(days=1))
        valeurs = Avis.objects.filter(structure_id=structure_id, le__gte=debut, le__lt=fin).aggregate(**_compteurs())
        valeurs["departement_id"] = departements[structure_id]
        SatisfactionMois.objects.update_or_create(structure_id=structure_id, mois=mois, defaults=valeurs)


def recalculer_tout() -> int:
    """Reconstruit tous les agrégats (après un chargement en masse) ; renvoie le nombre de lignes."""
    lignes = (
        Avis.objects.annotate(mois_local=TruncMonth("le", tzinfo=temps.PARIS))
        .values("structure_id", "structure__commune__departement_id", "mois_local")
        .annotate(**_compteurs())
        .order_by()
    )
    objets = []
    for ligne in lignes:
        mois = ligne.pop("mois_local")
        ligne["departement_id"] = ligne.pop("structure__commune__departement_id")
        mois = mois.date() if isinstance(mois, datetime) else mois
        objets.append(SatisfactionMois(mois=mois, **ligne))
    with transaction.atomic():
        SatisfactionMois.objects.all().delete()
        SatisfactionMois.objects.bulk_create(objets, batch_size=2000)
    return len(objets)


# Résultats


@dataclass(frozen=True)
class Periode:
    debut: date  # premier jour du premier mois
    fin: date  # incluse (aujourd'hui)

    @property
    def libelle(self) -> str:
        return f"du {self.debut:%d/%m/%Y} au {self.fin:%d/%m/%Y}"


def periode_12_mois(aujourd_hui: date | None = None) -> Periode:
    """Les 12 derniers mois : le mois en cours et les 11 mois entiers qui le précèdent."""
    aujourd_hui = aujourd_hui or temps.jour_local(timezone.now())
    return Periode(decaler_mois(aujourd_hui, -(MOIS_RESULTATS - 1)), aujourd_hui)


CHAMPS_SOMMES = (
    "reponses",
    "satisfaits",
    "resolu_reponses",
    "resolu_oui",
    "reviendrait_reponses",
    "reviendrait_oui",
    "signales",
)


def sommes(periode: Periode, cle: str, structures=None, filtres=None) -> dict:
    """{valeur de `cle`: {champ: somme}} sur la période, lu dans les agrégats mensuels.
    `cle` : "structure_id", "mois" ou "departement_id"."""
    qs = SatisfactionMois.objects.filter(mois__gte=periode.debut, mois__lte=periode.fin)
    if structures is not None:
        qs = qs.filter(structure__in=structures)
    if filtres:
        qs = qs.filter(**filtres)
    lignes = qs.values(cle).annotate(**{champ: Sum(champ) for champ in CHAMPS_SOMMES}).order_by()
    return {ligne.pop(cle): ligne for ligne in lignes}


def part(numerateur: int, denominateur: int) -> float | None:
    return round(numerateur / denominateur, 4) if denominateur else None


MIN_PUBLIC = 30  # avis sur 12 mois avant de publier la satisfaction d'une structure sur sa page publique


@dataclass(frozen=True)
class SatisfactionPublique:
    reponses: int
    part: float
    periode: Periode


def satisfaction_publique(structure, aujourd_hui: date | None = None) -> SatisfactionPublique | None:
    if structure is None or structure.pk is None:
        return None
    periode = periode_12_mois(aujourd_hui)
    s = sommes(periode, "structure_id", filtres={"structure": structure}).get(structure.pk)
    if not s or s["reponses"] < MIN_PUBLIC:
        return None
    return SatisfactionPublique(s["reponses"], part(s["satisfaits"], s["reponses"]), periode)
