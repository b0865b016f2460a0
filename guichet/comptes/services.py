"""Règles des comptes : second facteur, invitations, redirections sûres."""

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice

from guichet.comptes.models import Habilitation, Invitation, Utilisateur
from guichet.comptes.taches import envoyer_invitation

# Redirection après connexion


def url_suivante(request, defaut="comptes:espace"):
    """Le paramètre `next` s'il désigne une page de ce site, sinon la page par défaut."""
    suite = request.POST.get("next") or request.GET.get("next") or ""
    if suite and url_has_allowed_host_and_scheme(
        suite, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return suite
    return reverse(defaut)


# Second facteur (TOTP)

NOM_APPAREIL = "Application d'authentification"


def appareil_confirme(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def appareil_a_enroler(user) -> TOTPDevice:
    """L'appareil en cours d'enrôlement : le même d'une tentative à l'autre, pour ne pas perdre le QR code."""
    appareil = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return appareil or TOTPDevice.objects.create(user=user, name=NOM_APPAREIL, confirmed=False)


def verifier_code(appareil: TOTPDevice, code: str) -> str | None:
    """Vérifie le code ; renvoie None s'il est bon, sinon le message d'erreur à afficher.

    Un premier code juste confirme un appareil en cours d'enrôlement.
    """
    autorise, _ = appareil.verify_is_allowed()
    if not autorise:
        return "Trop de codes erronés à la suite : patientez quelques secondes avant de réessayer."
    with transaction.atomic():
        # Verrou : un même code ne peut pas servir à deux requêtes simultanées.
        appareil = TOTPDevice.objects.select_for_update().get(pk=appareil.pk)
        if not appareil.verify_token(code):
            return (
                "Ce code n'est pas valide. Vérifiez l'heure de votre téléphone et saisissez "
                "le code actuellement affiché."
            )
        if not appareil.confirmed:
            appareil.confirmed = True
            appareil.save(update_fields=["confirmed"])
    return None


def secret_lisible(appareil: TOTPDevice) -> str:
    """La clé en base 32, par groupes de 4, pour une saisie manuelle dans l'application."""
    secret = b32encode(appareil.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(appareil: TOTPDevice) -> str:
    """Le QR code de configuration, en SVG à insérer dans la page (aucune ressource externe)."""
    image = qrcode.make(appareil.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    svg = svg.replace("<svg ", '<svg role="img" aria-label="QR code de configuration de l\'application" ', 1)
    return mark_safe(svg)  # produit par qrcode à partir de l'URL de configuration, sans saisie


# Invitations


class InvitationInutilisable(Exception):
    """Le lien a déjà servi ou a expiré."""


def inviter(structure, email: str, role: str, invite_par: Utilisateur) -> Invitation:
    """Crée l'invitation ; le lien d'inscription part par courriel en tâche de fond.

    Le message est le même que la personne ait déjà un compte ou non : il ne révèle rien.
    """
    invitation = Invitation.objects.create(
        structure=structure, email=email.strip().lower(), role=role, invite_par=invite_par
    )
    envoyer_invitation.enqueue(invitation.pk)
    return invitation


def compte_existant(invitation: Invitation) -> Utilisateur | None:
    return Utilisateur.objects.filter(email__iexact=invitation.email).first()


@transaction.atomic
def accepter_invitation(invitation: Invitation, utilisateur: Utilisateur) -> Habilitation:
    """Rattache l'utilisateur à la structure, une seule fois par lien."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.utilisable:
        raise InvitationInutilisable
    if utilisateur.email.lower() != invitation.email.lower():
        raise InvitationInutilisable
    habilitation, _ = Habilitation.objects.get_or_create(
        utilisateur=utilisateur, role=invitation.role, structure=invitation.structure
    )
    invitation.acceptee_le = timezone.now()
    invitation.save(update_fields=["acceptee_le"])
    return habilitation


@transaction.atomic
def creer_compte_par_invitation(invitation: Invitation, first_name: str, last_name: str, password: str):
    """Crée le compte à l'adresse de l'invitation et lui donne le rôle prévu."""
    if compte_existant(invitation) is not None:
        raise InvitationInutilisable
    utilisateur = Utilisateur.objects.create_user(
        email=invitation.email, password=password, first_name=first_name, last_name=last_name
    )
    accepter_invitation(invitation, utilisateur)
    return utilisateur
