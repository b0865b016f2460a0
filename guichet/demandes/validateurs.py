"""Contrôle des identifiants de l'usager saisis dans une demande (messages d'erreur en français)."""

import re

from django.core.exceptions import ValidationError

from guichet.texte import chiffres as que_des_chiffres

_SEPARATEURS = re.compile(r"[\s.\-]")
_NIR = re.compile(r"^[12378]\d{4}(\d{2}|2A|2B)\d{6}\d{2}$")


def normaliser(valeur: str) -> str:
    """Sans espaces, points ni tirets, en majuscules."""
    return _SEPARATEURS.sub("", valeur or "").upper()


def cle_nir(treize: str) -> int:
    """La clé de contrôle d'un NIR : 97 - (n mod 97), n étant les 13 premiers caractères lus comme un nombre.

    Corse : « 2A » compte comme 19 et « 2B » comme 18 (règle de l'INSEE).
    """
    departement = treize[5:7]
    if departement == "2A":
        treize = treize[:5] + "19" + treize[7:]
    elif departement == "2B":
        treize = treize[:5] + "18" + treize[7:]
    return 97 - int(treize) % 97


def valider_nir(valeur: str) -> str:
    """Le NIR normalisé (15 caractères), ou ValidationError nommant le défaut."""
    nir = normaliser(valeur)
    if len(nir) != 15:
        raise ValidationError(
            "Le numéro de sécurité sociale compte 15 caractères, clé comprise "
            f"(ici {len(nir)}) : par exemple 1 84 12 75 108 478 36.",
            code="longueur",
        )
    if not _NIR.match(nir):
        raise ValidationError(
            "Le numéro de sécurité sociale ne contient que des chiffres (sauf 2A ou 2B pour la Corse) "
            "et commence par 1 ou 2.",
            code="format",
        )
    attendue = cle_nir(nir[:13])
    if int(nir[13:]) != attendue:
        raise ValidationError(
            "La clé du numéro de sécurité sociale (les deux derniers chiffres) ne correspond pas : "
            "vérifiez le numéro recopié.",
            code="cle",
        )
    return nir


def valider_numero_fiscal(valeur: str) -> str:
    numero = normaliser(valeur)
    if not (len(numero) == 13 and que_des_chiffres(numero) and numero[0] in "0123"):
        raise ValidationError(
            "Le numéro fiscal compte 13 chiffres et commence par 0, 1, 2 ou 3.",
            code="format",
        )
    return numero


def valider_numero_allocataire(valeur: str) -> str:
    numero = normaliser(valeur)
    if not (que_des_chiffres(numero) and 5 <= len(numero) <= 13):
        raise ValidationError("Le numéro d'allocataire ne contient que des chiffres (7 en général).", code="format")
    return numero


def valider_telephone(valeur: str) -> str:
    brut = (valeur or "").strip()
    chiffres = re.sub(r"[\s.\-()]", "", brut)
    if chiffres.startswith("+"):
        chiffres = chiffres[1:]
    if not (que_des_chiffres(chiffres) and 10 <= len(chiffres) <= 15):
        raise ValidationError(
            "Le numéro de téléphone doit compter 10 chiffres (ou commencer par +33).",
            code="format",
        )
    return brut
