"""Règles des comptes : second facteur, invitations, redirections sûres."""

import secrets
from base64 import b32encode

import django_otp
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_totp.models import TOTPDevice

from guichet import qr
from guichet.comptes.models import CodeEnrolement, Habilitation, Invitation, Utilisateur
from guichet.comptes.taches import envoyer_invitation
from guichet.journal.services import journaliser

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


# L'appareil en cours d'enrôlement est lié à la session qui a présenté le code d'enrôlement : une autre
# session du même compte (celle de qui n'a que le mot de passe) ne voit jamais son secret.
SESSION_ENROLEMENT = "comptes_appareil_en_enrolement"
# Sans I, L, O, 0, 1 : lisible au téléphone. 12 caractères de 32 possibles : 60 bits.
ALPHABET_CODE = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def appareil_en_enrolement(request) -> TOTPDevice | None:
    """L'appareil que cette session a ouvert à l'enrôlement en présentant un code, s'il attend encore."""
    pk = request.session.get(SESSION_ENROLEMENT)
    if pk is None:
        return None
    return TOTPDevice.objects.filter(pk=pk, user=request.user, confirmed=False).first()


def creer_code_enrolement(utilisateur: Utilisateur, cree_par: Utilisateur | None = None) -> tuple[str, CodeEnrolement]:
    """Crée un code d'enrôlement à remettre hors ligne ; renvoie (le code en clair, l'objet).

    Le code en clair n'est pas gardé : il s'affiche une fois. Les codes précédents de la personne sont
    retirés, ainsi que son second facteur actuel (c'est aussi la réinitialisation d'un téléphone perdu).
    """
    code = "".join(secrets.choice(ALPHABET_CODE) for _ in range(12))
    code = "-".join(code[i : i + 4] for i in range(0, 12, 4))
    maintenant = timezone.now()
    with transaction.atomic():
        CodeEnrolement.objects.valables().filter(utilisateur=utilisateur).update(expire_le=maintenant)
        TOTPDevice.objects.filter(user=utilisateur).delete()
        objet = CodeEnrolement.objects.create(
            utilisateur=utilisateur,
            empreinte=CodeEnrolement.empreinte_de(code),
            cree_par=cree_par,
            expire_le=maintenant + CodeEnrolement.DUREE,
        )
        journaliser(cree_par, "code_enrolement", utilisateur, {"expire_le": objet.expire_le})
    return code, objet


def utiliser_code_enrolement(request, code: str) -> TOTPDevice | None:
    """Consomme le code d'enrôlement de l'utilisateur connecté et ouvre un appareil à enrôler dans la session.

    Renvoie None si le code n'est pas l'un des siens, valable ; chaque erreur compte pour tous ses codes
    valables, épuisés au bout de `CodeEnrolement.ESSAIS_MAX` erreurs.
    """
    utilisateur = request.user
    empreinte = CodeEnrolement.empreinte_de(code)
    with transaction.atomic():
        valables = list(CodeEnrolement.objects.select_for_update().valables().filter(utilisateur=utilisateur))
        bon = next((c for c in valables if secrets.compare_digest(c.empreinte, empreinte)), None)
        if bon is None:
            CodeEnrolement.objects.filter(pk__in=[c.pk for c in valables]).update(echecs=models.F("echecs") + 1)
            return None
        bon.utilise_le = timezone.now()
        bon.save(update_fields=["utilise_le"])
        # Un secret montré à une autre session ne doit jamais servir.
        TOTPDevice.objects.filter(user=utilisateur, confirmed=False).delete()
        appareil = TOTPDevice.objects.create(user=utilisateur, name=NOM_APPAREIL, confirmed=False)
        journaliser(utilisateur, "code_enrolement_utilise", utilisateur)
    request.session[SESSION_ENROLEMENT] = appareil.pk
    return appareil


def valider_session(request, appareil: TOTPDevice) -> None:
    """La session devient vérifiée : nouvelle clé de session (contre la fixation de session)."""
    django_otp.login(request, appareil)
    request.session.pop(SESSION_ENROLEMENT, None)
    request.session.cycle_key()


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
    return qr.qr_code_svg(appareil.config_url, "QR code de configuration de l'application", taille=8)


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
