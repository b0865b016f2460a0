"""Recueillir un mandat, le vérifier avant d'agir, l'utiliser, le révoquer : tout passe ici, tout est journalisé.

Une seule règle de validité (`verifier`) sert à la demande envoyée sous mandat, à la page de vérification
des référents et au reçu : un mandat révoqué, expiré, déjà utilisé (mandat pour une seule démarche) ou qui ne
couvre pas l'opérateur ou la démarche est refusé avec un message qui dit pourquoi.
"""

import base64
import binascii
import calendar
import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from guichet.chiffrement import enregistrer_chiffre, type_du_contenu, verifier_piece_jointe
from guichet.journal.services import journaliser
from guichet.mandats.models import CarteProfessionnelle, EssaiRevocation, Etat, Mandat, normaliser_code
from guichet.temps import jour_local

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # sans 0/O ni 1/I : se lit et se dicte sans confusion
DUREE_MAXIMALE_MOIS = 12
DUREE_DEMARCHE_MOIS = 3  # un mandat pour une seule démarche vaut au plus trois mois
TAILLE_MAXIMALE_SIGNATURE = 300_000  # octets de l'image PNG
ESSAIS_PAR_HEURE = 5


class MandatRefuse(Exception):
    """Le mandat ne permet pas ce qu'on lui demande ; le message dit pourquoi, en français."""


def ajouter_mois(jour: datetime.date, mois: int) -> datetime.date:
    """Le même quantième `mois` mois plus tard, ramené au dernier jour du mois s'il n'existe pas (31 → 30, 29/02)."""
    annee, rang = divmod(jour.month - 1 + mois, 12)
    annee += jour.year
    dernier = calendar.monthrange(annee, rang + 1)[1]
    return datetime.date(annee, rang + 1, min(jour.day, dernier))


def fin_maximale(debut: datetime.date, duree: str) -> datetime.date:
    mois = DUREE_DEMARCHE_MOIS if duree == Mandat.Duree.DEMARCHE else DUREE_MAXIMALE_MOIS
    return ajouter_mois(debut, mois) - datetime.timedelta(days=1)


def _code(groupes: int) -> str:
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(groupes))


def lire_signature(donnees: str) -> bytes:
    """Une signature tracée à l'écran, reçue en URL `data:image/png;base64,…` : une vraie image PNG, bornée."""
    entete, _, charge = str(donnees or "").partition(",")
    if entete != "data:image/png;base64" or not charge:
        raise ValidationError({"signature": "Faites signer l'usager dans le cadre prévu."})
    if len(charge) > TAILLE_MAXIMALE_SIGNATURE * 4 // 3 + 4:
        raise ValidationError({"signature": "La signature est trop lourde (300 Ko au plus)."})
    try:
        contenu = base64.b64decode(charge, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"signature": "La signature reçue est illisible ; faites signer à nouveau."}) from None
    if type_du_contenu(contenu, "signature.png") != "image/png":
        raise ValidationError({"signature": "La signature reçue n'est pas une image ; faites signer à nouveau."})
    return contenu


@dataclass
class MandatRecueilli:
    mandat: Mandat
    code_revocation: str  # en clair, une seule fois : pour le reçu de l'usager


@transaction.atomic
def recueillir(
    *,
    agent,
    structure,
    nom: str,
    prenom: str,
    date_naissance: datetime.date,
    email: str = "",
    operateurs,
    demarches=(),
    duree: str,
    fin: datetime.date | None = None,
    consentement: str,
    signature: str = "",
    formulaire=None,
    attestation: bool = False,
) -> MandatRecueilli:
    """Enregistre le mandat (tout ou rien) ; ValidationError qui nomme le champ sinon."""
    aujourd_hui = jour_local(timezone.now())
    nom, prenom = str(nom or "").strip(), str(prenom or "").strip()
    if not nom:
        raise ValidationError({"nom": "Indiquez le nom de l'usager."})
    if not prenom:
        raise ValidationError({"prenom": "Indiquez le prénom de l'usager."})
    if not isinstance(date_naissance, datetime.date) or date_naissance >= aujourd_hui:
        raise ValidationError({"date_naissance": "La date de naissance doit être une date passée."})
    if date_naissance.year < aujourd_hui.year - 130:
        raise ValidationError({"date_naissance": "Vérifiez l'année de naissance."})
    operateurs = list(operateurs)
    if not operateurs:
        raise ValidationError({"operateurs": "Choisissez au moins un opérateur."})
    demarches = list(demarches)
    hors = [d for d in demarches if d.operateur_id not in {o.pk for o in operateurs}]
    if hors:
        raise ValidationError(
            {"demarches": f"La démarche « {hors[0].libelle} » n'est pas d'un des opérateurs choisis."}
        )
    if duree not in Mandat.Duree.values:
        raise ValidationError({"duree": "Choisissez la durée du mandat."})
    limite = fin_maximale(aujourd_hui, duree)
    fin = fin or limite
    if fin < aujourd_hui:
        raise ValidationError({"fin": "La fin du mandat ne peut pas être passée."})
    if fin > limite:
        raise ValidationError(
            {"fin": f"{Mandat.Duree(duree).label} : le mandat vaut au plus jusqu'au {limite:%d/%m/%Y}."}
        )
    mandat = Mandat(
        structure=structure,
        agent=agent,
        usager_nom=nom,
        usager_prenom=prenom,
        usager_date_naissance=date_naissance.isoformat(),
        usager_email=str(email or "").strip() or None,
        duree=duree,
        debut=aujourd_hui,
        fin=fin,
        consentement=consentement,
    )
    if consentement == Mandat.Consentement.SIGNATURE:
        mandat.signature = enregistrer_chiffre(lire_signature(signature), "signature.png", dossier="mandats")
    elif consentement == Mandat.Consentement.CASE:
        if not attestation:
            raise ValidationError(
                {"attestation": "Attestez que l'usager, présent, a donné son accord (ou faites-le signer)."}
            )
        mandat.attestation_conseiller = True
    elif consentement == Mandat.Consentement.PAPIER:
        if formulaire is None:
            raise ValidationError({"formulaire": "Joignez le formulaire signé, numérisé."})
        nom_fichier, type_mime = verifier_piece_jointe(formulaire)
        mandat.formulaire_signe = enregistrer_chiffre(formulaire.read(), nom_fichier, dossier="mandats")
        mandat.formulaire_type = type_mime
    else:
        raise ValidationError({"consentement": "Indiquez comment l'usager a donné son accord."})
    code = _code(3)
    mandat.code_revocation = make_password(normaliser_code(code))
    for _ in range(5):
        mandat.reference = "M-" + _code(2)
        try:
            with transaction.atomic():
                mandat.save()
            break
        except IntegrityError:
            continue
    else:
        raise RuntimeError("Impossible de tirer une référence de mandat libre.")
    mandat.operateurs.set(operateurs)
    mandat.demarches.set(demarches)
    journaliser(
        agent,
        "creation",
        mandat,
        {"operateurs": sorted(o.code for o in operateurs), "demarches": len(demarches), "fin": fin.isoformat()},
    )
    return MandatRecueilli(mandat, code)


def verifier(mandat: Mandat, operateur, demarche=None, jour: datetime.date | None = None) -> None:
    """Lève MandatRefuse si le mandat ne permet pas d'agir auprès de cet opérateur (et pour cette démarche)."""
    jour = jour or jour_local(timezone.now())
    etat = mandat.etat(jour)
    if etat == Etat.REVOQUE:
        raise MandatRefuse(f"Le mandat {mandat.reference} a été révoqué le {mandat.revoque_le:%d/%m/%Y}.")
    if etat == Etat.UTILISE:
        raise MandatRefuse(
            f"Le mandat {mandat.reference} valait pour une seule démarche, déjà faite le {mandat.utilise_le:%d/%m/%Y}."
        )
    if jour < mandat.debut:
        raise MandatRefuse(f"Le mandat {mandat.reference} ne commence que le {mandat.debut:%d/%m/%Y}.")
    if etat == Etat.EXPIRE:
        raise MandatRefuse(f"Le mandat {mandat.reference} a pris fin le {mandat.fin:%d/%m/%Y}.")
    if not mandat.operateurs.filter(pk=operateur.pk).exists():
        raise MandatRefuse(f"Le mandat {mandat.reference} ne couvre pas {operateur.nom}.")
    if demarche is not None and mandat.demarches.exists() and not mandat.demarches.filter(pk=demarche.pk).exists():
        raise MandatRefuse(f"Le mandat {mandat.reference} ne couvre pas la démarche « {demarche.libelle} ».")


@transaction.atomic
def utiliser(mandat: Mandat, *, auteur, operateur, demarche=None, objet=None) -> None:
    """Agit sous le mandat : le vérifie (verrou posé), le marque utilisé s'il ne valait qu'une fois, journalise."""
    mandat = Mandat.objects.select_for_update().get(pk=mandat.pk)
    verifier(mandat, operateur, demarche)
    if mandat.duree == Mandat.Duree.DEMARCHE:
        mandat.utilise_le = timezone.now()
        mandat.save(update_fields=["utilise_le"])
    details = {"operateur": operateur.code, "demarche": getattr(demarche, "code", "")}
    if objet is not None:
        details["objet"] = f"{objet._meta.label_lower}:{objet.pk}"
    journaliser(auteur, "utilisation", mandat, details)


@transaction.atomic
def revoquer(mandat: Mandat, *, auteur=None, par_usager: bool = False) -> Mandat:
    mandat = Mandat.objects.select_for_update().get(pk=mandat.pk)
    if mandat.revoque_le is not None:
        raise MandatRefuse(f"Le mandat {mandat.reference} est déjà révoqué depuis le {mandat.revoque_le:%d/%m/%Y}.")
    mandat.revoque_le = timezone.now()
    mandat.revoque_par_usager = par_usager
    mandat.save(update_fields=["revoque_le", "revoque_par_usager"])
    journaliser(auteur, "revocation", mandat, {"par_usager": par_usager})
    return mandat


def _cle_essais(reference: str) -> str:
    return hashlib.sha256(normaliser_code(reference).encode()).hexdigest()


def revoquer_par_code(reference: str, code: str) -> Mandat:
    """La révocation par l'usager seul, avec la référence et le code de son reçu ; immédiate. Le même message
    pour une référence inconnue et un code faux (rien n'apprend qu'une référence existe) ; au-delà de
    ESSAIS_PAR_HEURE essais faux sur une référence, elle est bloquée une heure."""
    cle = _cle_essais(reference)
    maintenant = timezone.now()
    EssaiRevocation.objects.filter(le__lt=maintenant - datetime.timedelta(days=1)).delete()
    if EssaiRevocation.objects.filter(cle=cle, le__gte=maintenant - datetime.timedelta(hours=1)).count() >= (
        ESSAIS_PAR_HEURE
    ):
        raise MandatRefuse("Trop d'essais pour cette référence : réessayez dans une heure.")
    mandat = trouver(reference)
    if mandat is None or not mandat.code_correct(code):
        EssaiRevocation.objects.create(cle=cle)
        raise MandatRefuse("La référence ou le code de révocation est incorrect. Vérifiez votre reçu.")
    return revoquer(mandat, par_usager=True)


def trouver(reference: str) -> Mandat | None:
    lue = normaliser_code(reference)
    if len(lue) != 9 or not lue.startswith("M"):
        return None
    return (
        Mandat.objects.filter(reference=f"M-{lue[1:5]}-{lue[5:9]}").prefetch_related("operateurs", "demarches").first()
    )


def carte_de(agent) -> CarteProfessionnelle:
    """La carte professionnelle de l'agent (créée à la première demande), avec son code public."""
    carte = CarteProfessionnelle.objects.filter(utilisateur=agent).first()
    while carte is None:
        try:
            with transaction.atomic():
                carte = CarteProfessionnelle.objects.create(utilisateur=agent, code=_code(2))
        except IntegrityError:
            carte = CarteProfessionnelle.objects.filter(utilisateur=agent).first()
    return carte


def carte_par_code(code: str) -> CarteProfessionnelle | None:
    lu = normaliser_code(code)
    if len(lu) != 8:
        return None
    return CarteProfessionnelle.objects.select_related("utilisateur").filter(code=f"{lu[:4]}-{lu[4:]}").first()
