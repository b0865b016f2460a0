"""Les courriels des demandes : sans aucune donnée personnelle, un lien vers guichet.

Le sujet nomme la demande (son numéro), l'opérateur et la France services, pour trier depuis la boîte aux
lettres ; jamais l'usager : ni nom, ni numéro de l'usager, ni objet, ni texte de message. Les événements
d'une même demande à quelques minutes d'intervalle partent en un seul courriel par destinataire.
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse

from guichet.demandes import destinataires as qui
from guichet.demandes import permissions as permissions_demandes
from guichet.demandes.models import NotificationEnAttente

SIGNATURE = (
    "\n\nCe courriel ne contient volontairement aucune donnée personnelle : connectez-vous pour lire la demande."
    "\n-- \nguichet France Services"
)

COURRIELS = {
    # événement : (ce qui arrive, en tête du sujet ; texte, avec {delai} et {operateur})
    "nouvelle": (
        "Nouvelle demande",
        "Une France services vous a adressé une nouvelle demande. Première réponse attendue sous {delai} "
        "heures ouvrées.",
    ),
    "invitation": (
        "Invitation",
        "Un autre opérateur vous invite à suivre une demande d'une France services.",
    ),
    "message_agent": ("Nouveau message", "La France services a écrit dans une demande que vous suivez."),
    "message_referent": ("Nouveau message", "{operateur} a répondu à une demande de votre structure."),
    "rappel_48h": (
        "Rappel",
        "Une demande attend sa première réponse ; l'échéance de {delai} heures ouvrées approche.",
    ),
    "rappel_echeance": (
        "Échéance atteinte",
        "Le délai de {delai} heures ouvrées d'une demande est écoulé sans réponse.",
    ),
    "escalade": (
        "Demande en retard",
        "Une demande adressée à vos référents a dépassé le délai de {delai} heures ouvrées sans réponse. "
        "Vous la recevez comme responsable départemental de l'opérateur.",
    ),
}


def lien(chemin):
    return f"{settings.GUICHET_URL.rstrip('/')}{chemin}"


def destinataires(demande, evenement, operateur_id=None):
    """Les comptes à prévenir, selon l'événement (toujours des personnes qui ont accès à la demande)."""
    if evenement == "nouvelle":
        return list(qui.referents(demande.operateur_id, demande.departement_id))
    if evenement == "invitation":
        return list(qui.referents(operateur_id, demande.departement_id))
    if evenement in ("rappel_48h", "rappel_echeance"):
        return list(qui.referents(demande.operateur_id, demande.departement_id))
    if evenement == "escalade":
        return list(qui.responsables(demande.operateur_id, demande.departement_id))
    if evenement == "message_agent":
        charge = demande.prise_en_charge_par
        if charge is not None and charge.is_active and permissions_demandes.cote_dans_demande(charge, demande):
            return [charge]
        return list(qui.referents_de_la_demande(demande))
    if evenement == "message_referent":
        auteur = demande.auteur
        if auteur is not None and auteur.is_active and permissions_demandes.cote_dans_demande(auteur, demande):
            return [auteur]
        return list(qui.equipe_de_la_structure(demande))
    raise ValueError(f"Événement inconnu : {evenement}")


def sujet(demande, evenements) -> str:
    """« Nouveau message — demande n° 12 — la CAF — France services de Belley » : ce qui arrive, la
    demande, l'opérateur et la structure (jamais l'usager)."""
    titres = list(dict.fromkeys(COURRIELS[e][0] for e in evenements))
    quoi = titres[0] if len(titres) == 1 else f"{len(titres)} nouveautés"
    return f"{quoi} — demande n° {demande.pk} — {demande.operateur.court} — {demande.structure.nom}"


def envoyer_en_attente(demande) -> int:
    """Envoie les événements en attente de la demande : un courriel par destinataire (aucun ne voit les
    adresses des autres), qui rassemble ses événements ; renvoie le nombre de courriels."""
    with transaction.atomic():
        en_attente = list(NotificationEnAttente.objects.select_for_update().filter(demande=demande))
        NotificationEnAttente.objects.filter(pk__in=[n.pk for n in en_attente]).delete()
    par_destinataire = {}
    for notification in en_attente:
        for utilisateur in destinataires(demande, notification.evenement, notification.operateur_id):
            evenements = par_destinataire.setdefault(utilisateur.email, [])
            if notification.evenement not in evenements:
                evenements.append(notification.evenement)
    adresse = lien(reverse("demandes:detail", args=[demande.pk]))
    court = demande.operateur.court
    valeurs = {"delai": demande.delai_heures, "operateur": court[:1].upper() + court[1:]}
    courriels = []
    for email, evenements in par_destinataire.items():
        textes = "\n".join(f"- {COURRIELS[e][1].format(**valeurs)}" for e in evenements)
        if len(evenements) == 1:
            textes = textes[2:]
        corps = f"Bonjour,\n\n{textes}\n\nPour la lire : {adresse}{SIGNATURE}"
        courriels.append(EmailMessage(sujet(demande, evenements), corps, to=[email]))
    if courriels:
        get_connection().send_messages(courriels)
    return len(courriels)


def envoyer_recapitulatif(utilisateur, a_traiter: int, en_retard: int) -> None:
    """Le récapitulatif quotidien d'un référent : des nombres et un lien, rien d'autre."""
    retard = f", dont {en_retard} en retard" if en_retard else ""
    corps = (
        f"Bonjour,\n\n{a_traiter} demande{'s' if a_traiter > 1 else ''} attend{'ent' if a_traiter > 1 else ''} "
        f"une réponse de votre part{retard}.\n\nVotre boîte de réception : "
        f"{lien(reverse('demandes:liste'))}{SIGNATURE}"
    )
    EmailMessage("Votre récapitulatif quotidien guichet", corps, to=[utilisateur.email]).send()
