"""Pages des demandes : liste (ou boîte du référent), ouverture, fil et ses actions, pièces jointes.

Les vues demandent à `guichet.permissions` qui voit quoi, et à `guichet.demandes.services` d'agir.
Une demande hors du périmètre n'existe pas (404) ; une action interdite sur une demande visible est
refusée (403). Chaque lecture d'une demande est inscrite au journal d'audit.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from guichet import permissions
from guichet.chiffrement import ErreurDechiffrement, lire_dechiffre
from guichet.demandes import listes, services
from guichet.demandes import permissions as permissions_demandes
from guichet.demandes.forms import (
    ClotureForm,
    InvitationForm,
    MessageForm,
    NouvelleDemandeForm,
    ReouvertureForm,
    ReroutageForm,
    TraiteeForm,
)
from guichet.demandes.models import Cote, Demande, Message, Nature, PieceJointe, Statut
from guichet.demarches.models import Demarche
from guichet.journal.services import journaliser
from guichet.mandats.accreditation import accreditation
from guichet.reseau.models import Operateur


def _vue_de_liste(request):
    """« operateur » (boîte du référent), « agent » (demandes de ses structures) ou « anonyme »."""
    vues = permissions_demandes.vues_des_demandes(request.user)
    if not vues:
        raise PermissionDenied
    voulue = request.GET.get("vue")
    return (voulue if voulue in vues else vues[0]), vues


@login_required
@never_cache
def liste(request):
    vue, vues = _vue_de_liste(request)
    criteres = listes.Criteres.lire(request.GET)
    liste = listes.liste_de_demandes(
        request.user,
        vue,
        request.GET.get("filtre"),
        request.GET.get("page"),
        maintenant=timezone.now(),
        criteres=criteres,
    )
    return render(
        request,
        "demandes/liste.html",
        {
            "titre": liste.titre,
            "vue": vue,
            "vues": vues if len(vues) > 1 else [],
            "onglets": liste.onglets,
            "filtre": liste.filtre,
            "page_obj": liste.page,
            "peut_ouvrir": vue == "agent" and permissions.est_agent(request.user),
            "criteres": criteres,
            "garder": urlencode({"vue": vue, **criteres.parametres()}),
            "structures": liste.structures,
            "echeances": listes.ECHEANCES,
            "Statut": Statut,
        },
    )


@login_required
@never_cache
def nouvelle(request):
    structures = permissions.structures_de_l_agent(request.user)
    if not structures.exists():
        raise PermissionDenied
    initial = _pre_remplissage(request.GET, structures)
    identifiant = request.POST.get("accompagnement") if request.method == "POST" else initial.get("accompagnement")
    form = NouvelleDemandeForm(
        request.POST or None,
        request.FILES or None,
        structures=structures,
        initial=initial,
        accompagnement_saisi=services.accompagnement_saisi(request.user, identifiant),
    )
    if request.method == "POST" and form.is_valid():
        try:
            demande = services.ouvrir_demande(
                auteur=request.user,
                structure=form.cleaned_data["structure"],
                operateur=form.cleaned_data["operateur"],
                donnees=form.donnees_demande(),
                pieces=form.cleaned_data["pieces_jointes"],
                accompagnement=form.accompagnement_de_la_demande(),
            )
        except services.AucunReferent as erreur:
            form.add_error("operateur", f"« Opérateur » : {erreur}")
        except services.ActionImpossible as erreur:
            form.add_error(None, str(erreur))
        else:
            messages.success(
                request,
                f"Demande n° {demande.pk} envoyée aux référents {demande.operateur.de_nom} "
                f"({demande.departement}). Première réponse attendue avant le "
                f"{timezone.localtime(demande.echeance_le):%d/%m/%Y à %H:%M}.",
            )
            return redirect(demande)
    return render(
        request,
        "demandes/nouvelle.html",
        {
            "titre": "Nouvelle demande à un opérateur",
            "form": form,
            "departement": form.departement,
            "sans_referent": form.operateurs_sans_referent(),
        },
    )


def _pre_remplissage(params, structures):
    """La demande ouverte depuis la saisie d'un accompagnement : structure, opérateur, démarche et
    l'identifiant de l'accompagnement, lus dans l'adresse (seulement ce qui a cours pour l'agent)."""
    initial = {}
    operateur = Operateur.objects.filter(code=params.get("operateur") or "").first()
    if operateur is not None:
        initial["operateur"] = operateur
        if code := params.get("demarche"):
            initial["objet"] = Demarche.objects.actives().filter(operateur=operateur, code=code).first()
    structure = params.get("structure") or ""
    if structure.isascii() and structure.isdigit() and structures.filter(pk=int(structure)).exists():
        initial["structure"] = int(structure)
    try:
        initial["accompagnement"] = uuid.UUID(params.get("accompagnement") or "")
    except ValueError:
        pass
    return initial


def _demande(request, pk):
    demande = get_object_or_404(
        Demande.objects.select_related(
            "structure__commune",
            "departement",
            "operateur",
            "operateur_initial",
            "objet",
            "auteur",
            "prise_en_charge_par",
        ),
        pk=pk,
    )
    acces = permissions_demandes.acces_demande(request.user, demande)
    if acces is None:
        raise Http404
    return demande, acces


def _demande_pour_agir(request, pk):
    demande, acces = _demande(request, pk)
    if acces != permissions_demandes.ACCES_COMPLET:
        raise PermissionDenied
    return demande


def _fil(demande, cote):
    messages_ = demande.messages.select_related("auteur", "operateur", "operateur_cible")
    if cote != Cote.REFERENT:
        messages_ = messages_.filter(interne=False)
    return messages_.prefetch_related(Prefetch("pieces_jointes", queryset=PieceJointe.objects.order_by("pk")))


def _afficher(request, demande, acces, formulaires=None, statut=200):
    user = request.user
    maintenant = timezone.now()
    contexte = {
        "titre": f"Demande n° {demande.pk}",
        "demande": demande,
        "acces": acces,
        "anonyme": acces == permissions_demandes.ACCES_ANONYME,
        "statut": demande.statut_au(maintenant),
        "restant": demande.heures_restantes(maintenant),
        "invitations": demande.invitations.select_related("operateur"),
        "Statut": Statut,
        "Nature": Nature,
        "accreditation_auteur": None,
    }
    if acces == permissions_demandes.ACCES_ANONYME:
        contexte["fil"] = demande.messages.filter(interne=False).defer("corps").select_related("operateur_cible")
        return render(request, "demandes/detail.html", contexte, status=statut)
    cote = permissions_demandes.cote_dans_demande(user, demande)
    permises = permissions_demandes.actions_demande(user, demande, cote)
    formulaires = formulaires or {}
    fabriques = {
        "message": lambda: MessageForm(notes_internes=cote == Cote.REFERENT, prefix="message"),
        "rapides": lambda: True,
        "reroutage": lambda: ReroutageForm(demande=demande, prefix="reroutage"),
        "invitation": lambda: InvitationForm(demande=demande, prefix="invitation"),
        "cloture": lambda: ClotureForm(prefix="cloture", avec_reponse=demande.premiere_reponse_le is not None),
        "traitee": lambda: TraiteeForm(prefix="traitee"),
        "reouverture": lambda: ReouvertureForm(prefix="reouverture"),
    }
    if "rapides" in permises:
        permises = {*permises, "traitee"}  # « Traitée » est une réponse rapide, avec son message
    actions = {nom: formulaires.get(nom) or fabrique() for nom, fabrique in fabriques.items() if nom in permises}
    contexte |= {"cote": cote, "fil": _fil(demande, cote), "actions": actions, "Cote": Cote}
    # Qui est le conseiller et s'il est habilité tiers de confiance (label de sa structure, formation complète).
    contexte["accreditation_auteur"] = accreditation(demande.auteur) if demande.auteur_id else None
    return render(request, "demandes/detail.html", contexte, status=statut)


@login_required
@never_cache
def detail(request, pk):
    demande, acces = _demande(request, pk)
    journaliser(request.user, "lecture", demande, {"acces": acces})
    if acces == permissions_demandes.ACCES_COMPLET:
        services.marquer_lue(demande, request.user)
    return _afficher(request, demande, acces)


def _executer(request, demande, action, *args, succes, **kwargs):
    """Appelle le service ; une règle du fil qui refuse l'action devient un message d'erreur."""
    try:
        action(demande, request.user, *args, **kwargs)
    except services.ActionImpossible as erreur:
        messages.error(request, str(erreur))
    else:
        messages.success(request, succes)
    return redirect(demande)


def _formulaire_invalide(request, demande, nom, form):
    messages.error(request, "Le formulaire contient des erreurs : corrigez les champs signalés.")
    return _afficher(request, demande, permissions_demandes.ACCES_COMPLET, {nom: form}, statut=400)


@login_required
@require_POST
def message(request, pk):
    demande = _demande_pour_agir(request, pk)
    cote = permissions_demandes.cote_dans_demande(request.user, demande)
    form = MessageForm(request.POST, request.FILES, notes_internes=cote == Cote.REFERENT, prefix="message")
    if not form.is_valid():
        return _formulaire_invalide(request, demande, "message", form)
    interne = form.cleaned_data.get("interne", False)
    return _executer(
        request,
        demande,
        services.ecrire,
        form.cleaned_data["corps"],
        interne=interne,
        pieces=form.cleaned_data["pieces_jointes"],
        succes="Note interne enregistrée." if interne else "Message envoyé.",
    )


@login_required
@require_POST
def prendre_en_charge(request, pk):
    demande = _demande_pour_agir(request, pk)
    return _executer(request, demande, services.prendre_en_charge, succes="Vous prenez en charge cette demande.")


@login_required
@require_POST
def traitee(request, pk):
    demande = _demande_pour_agir(request, pk)
    form = TraiteeForm(request.POST, prefix="traitee")
    if not form.is_valid():
        return _formulaire_invalide(request, demande, "traitee", form)
    return _executer(
        request,
        demande,
        services.marquer_traitee,
        form.cleaned_data["corps"],
        succes="Demande marquée traitée : l'agent a votre réponse et peut la clôturer.",
    )


@login_required
@require_POST
def rerouter(request, pk):
    demande = _demande_pour_agir(request, pk)
    if not permissions_demandes.peut_rerouter(request.user, demande):
        raise PermissionDenied
    form = ReroutageForm(request.POST, demande=demande, prefix="reroutage")
    if not form.is_valid():
        return _formulaire_invalide(request, demande, "reroutage", form)
    operateur = form.cleaned_data["operateur"]
    try:
        services.rerouter(demande, request.user, operateur, form.cleaned_data["corps"])
    except services.ActionImpossible as erreur:
        form.add_error("operateur", f"« Opérateur compétent » : {erreur}")
        return _formulaire_invalide(request, demande, "reroutage", form)
    messages.success(
        request, f"Demande réorientée vers {operateur.avec_article} : elle a quitté votre boîte de réception."
    )
    return redirect("demandes:liste")


@login_required
@require_POST
def inviter(request, pk):
    demande = _demande_pour_agir(request, pk)
    form = InvitationForm(request.POST, demande=demande, prefix="invitation")
    if not form.is_valid():
        return _formulaire_invalide(request, demande, "invitation", form)
    operateur = form.cleaned_data["operateur"]
    try:
        services.inviter(demande, request.user, operateur)
    except services.ActionImpossible as erreur:
        form.add_error("operateur", f"« Opérateur à inviter » : {erreur}")
        return _formulaire_invalide(request, demande, "invitation", form)
    messages.success(request, f"Les référents {operateur.de_nom} sont invités dans le fil.")
    return redirect(demande)


@login_required
@require_POST
def cloturer(request, pk):
    demande = _demande_pour_agir(request, pk)
    form = ClotureForm(request.POST, prefix="cloture", avec_reponse=demande.premiere_reponse_le is not None)
    if not form.is_valid():
        return _formulaire_invalide(request, demande, "cloture", form)
    return _executer(
        request,
        demande,
        services.cloturer,
        form.cleaned_data.get("utile", ""),
        form.cleaned_data["corps"],
        succes="Demande clôturée. Merci pour votre avis." if form.cleaned_data.get("utile") else "Demande clôturée.",
    )


@login_required
@require_POST
def rouvrir(request, pk):
    demande = _demande_pour_agir(request, pk)
    form = ReouvertureForm(request.POST, prefix="reouverture")
    if not form.is_valid():
        return _formulaire_invalide(request, demande, "reouverture", form)
    return _executer(request, demande, services.rouvrir, form.cleaned_data["corps"], succes="Demande rouverte.")


@login_required
@never_cache
def piece_jointe(request, pk):
    piece = get_object_or_404(PieceJointe.objects.select_related("message__demande"), pk=pk)
    message_: Message = piece.message
    demande = message_.demande
    acces = permissions_demandes.acces_demande(request.user, demande)
    if acces is None:
        raise Http404
    if acces != permissions_demandes.ACCES_COMPLET:
        raise PermissionDenied
    if message_.interne and permissions_demandes.cote_dans_demande(request.user, demande) != Cote.REFERENT:
        raise Http404
    try:
        contenu = lire_dechiffre(piece.fichier)
    except (ErreurDechiffrement, FileNotFoundError) as erreur:
        raise Http404("Pièce jointe illisible ou effacée.") from erreur
    journaliser(request.user, "lecture", demande, {"piece_jointe": piece.pk})
    reponse = HttpResponse(contenu, content_type=piece.type_mime)
    reponse["Content-Disposition"] = content_disposition_header(True, piece.nom or f"piece-jointe-{piece.pk}")
    reponse["X-Content-Type-Options"] = "nosniff"
    return reponse
