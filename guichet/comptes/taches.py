"""Tâches de fond des comptes (interface django-tasks)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from guichet.comptes.models import Invitation


def lien_invitation(invitation: Invitation) -> str:
    # L'adresse du site vient des réglages, jamais de l'en-tête Host de la requête.
    return settings.GUICHET_URL.rstrip("/") + reverse("comptes:invitation", args=[invitation.jeton])


@task()
def envoyer_invitation(invitation_id: int) -> bool:
    """Envoie le lien d'inscription d'une invitation (rien si elle a disparu ou n'est plus utilisable).

    Mise en file dans la même transaction que l'invitation (moteur en base) : le courriel ne part
    que si l'invitation existe, et part même si le serveur web s'arrête juste après.
    """
    invitation = Invitation.objects.select_related("structure").filter(pk=invitation_id).first()
    if invitation is None or not invitation.utilisable:
        return False
    contexte = {"invitation": invitation, "lien": lien_invitation(invitation), "jours": Invitation.DUREE.days}
    send_mail(
        subject=render_to_string("comptes/emails/invitation_objet.txt", contexte).strip(),
        message=render_to_string("comptes/emails/invitation.txt", contexte),
        from_email=None,
        recipient_list=[invitation.email],
    )
    return True
