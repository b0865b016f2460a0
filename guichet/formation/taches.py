"""Tâches de fond de la formation (interface django-tasks) : le rappel hebdomadaire aux responsables."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from guichet.comptes.models import Utilisateur
from guichet.formation import services


@task()
def envoyer_rappel(destinataire_id: int) -> int:
    """Le rappel d'un responsable : ses agents qui ne sont pas encore formés et leur prochaine étape.

    Relit la base au moment de l'envoi : un agent formé entre-temps n'y figure plus, et rien ne part s'il
    n'en reste aucun (ou si le compte a été désactivé)."""
    destinataire = Utilisateur.objects.filter(pk=destinataire_id, is_active=True).first()
    if destinataire is None:
        return 0
    a_former = services.agents_a_former_de(destinataire)
    if not a_former:
        return 0
    base = settings.GUICHET_URL.rstrip("/")
    contexte = {
        "destinataire": destinataire,
        "structures": [
            (structure, membres, base + reverse("formation:equipe", args=[structure.pk]))
            for structure, membres in a_former
        ],
    }
    send_mail(
        subject=render_to_string("formation/emails/rappel_objet.txt", contexte).strip(),
        message=render_to_string("formation/emails/rappel.txt", contexte),
        from_email=None,
        recipient_list=[destinataire.email],
    )
    return sum(len(membres) for _, membres in a_former)
