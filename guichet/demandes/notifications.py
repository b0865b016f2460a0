"""Les courriels des demandes : sans aucune donnée personnelle (sujet neutre, un lien vers guichet).

Ni nom, ni numéro, ni objet, ni texte de message : seulement ce qu'il faut pour aller lire la demande
après s'être connecté (second facteur compris pour les référents).
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse

from guichet import permissions
from guichet.demandes import destinataires as qui

SIGNATURE = (
    "\n\nCe courriel ne contient volontairement aucune donnée personnelle : connectez-vous pour lire la demande."
    "\n-- \nguichet France Services"
)

COURRIELS = {
    # événement : (sujet, texte)
    "nouvelle": (
        "Nouvelle demande sur guichet",
        "Une France services vous a adressé une nouvelle demande. Première réponse attendue sous 72 heures ouvrées.",
    ),
    "invitation": (
        "Nouvelle demande sur guichet",
        "Un autre opérateur vous invite à suivre une demande d'une France services.",
    ),
    "message_agent": ("Nouveau message sur guichet", "La France services a écrit dans une demande que vous suivez."),
    "message_referent": ("Nouveau message sur guichet", "L'opérateur a répondu à une demande de votre structure."),
    "rappel_48h": (
        "Rappel : une demande attend une réponse sur guichet",
        "Une demande attend sa première réponse depuis 48 heures ouvrées ; l'échéance est dans 24 heures ouvrées.",
    ),
    "rappel_echeance": (
        "Échéance atteinte : une demande attend une réponse sur guichet",
        "Le délai de 72 heures ouvrées d'une demande est écoulé sans réponse.",
    ),
    "escalade": (
        "Demande en retard sur guichet",
        "Une demande adressée à vos référents a dépassé le délai de 72 heures ouvrées sans réponse. "
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
        if charge is not None and charge.is_active and permissions.cote_dans_demande(charge, demande):
            return [charge]
        return list(qui.referents_de_la_demande(demande))
    if evenement == "message_referent":
        auteur = demande.auteur
        if auteur is not None and auteur.is_active and permissions.cote_dans_demande(auteur, demande):
            return [auteur]
        return list(qui.equipe_de_la_structure(demande))
    raise ValueError(f"Événement inconnu : {evenement}")


def envoyer(demande, evenement, operateur_id=None) -> int:
    """Envoie un courriel par destinataire (aucun ne voit les adresses des autres) ; renvoie leur nombre."""
    sujet, texte = COURRIELS[evenement]
    corps = f"Bonjour,\n\n{texte}\n\nPour la lire : {lien(reverse('demandes:detail', args=[demande.pk]))}{SIGNATURE}"
    courriels = [EmailMessage(sujet, corps, to=[u.email]) for u in destinataires(demande, evenement, operateur_id)]
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
