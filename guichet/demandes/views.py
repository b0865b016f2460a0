"""Pages des demandes : liste (ou boîte du référent), ouverture, fil et ses actions, pièces jointes.

Les vues demandent à `guichet.permissions` qui voit quoi, et à `guichet.demandes.services` d'agir.
Une demande hors du périmètre n'existe pas (404) ; une action interdite sur une demande visible est
refusée (403). Chaque lecture d'une demande est inscrite au journal d'audit.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from guichet import permissions
from guichet.demandes import services
from guichet.demandes.chiffrement import ErreurDechiffrement, lire_dechiffre
from guichet.demandes.forms import (
    ClotureForm,
    InvitationForm,
    MessageForm,
    NouvelleDemandeForm,
    ReouvertureForm,
    ReroutageForm,
)
from guichet.demandes.models import Cote, Demande, Lecture, Message, Nature, PieceJointe, Statut
from guichet.journal.services import journaliser
from guichet.reseau.models import Operateur

PAR_PAGE = 25

# Les filtres de chaque vue de liste : code → (libellé, filtre, tri)
FILTRES_REFERENT = {
    "a_traiter": ("À traiter", lambda qs, m: qs.en_attente_de_reponse(), ["echeance_le", "id"]),
    "en_retard": ("En retard", lambda qs, m: qs.en_retard(m), ["echeance_le", "id"]),
    "toutes": ("Toutes", lambda qs, m: qs, ["-envoyee_le", "-id"]),
}
FILTRES_AGENT = {
    "en_cours": ("En cours", lambda qs, m: qs.ouvertes(), ["-envoyee_le", "-id"]),
    "a_lire": ("Réponse reçue", lambda qs, m: qs.en_attente_de_l_agent(), ["-envoyee_le", "-id"]),
    "en_retard": ("En retard", lambda qs, m: qs.en_retard(m), ["-envoyee_le", "-id"]),
    "cloturees": ("Clôturées", lambda qs, m: qs.cloturees(), ["-envoyee_le", "-id"]),
    "toutes": ("Toutes", lambda qs, m: qs, ["-envoyee_le", "-id"]),
}
FILTRES_ANONYMES = {
    "en_cours": FILTRES_AGENT["en_cours"],
    "en_retard": FILTRES_AGENT["en_retard"],
    "cloturees": FILTRES_AGENT["cloturees"],
    "toutes": FILTRES_AGENT["toutes"],
}


class ListeTriee:
    """Des parties disjointes de demandes, lues comme une seule liste triée et paginable.

    La page se lit en deux temps : les identifiants de la tranche (dans l'ordre d'un index, parties
    réunies par UNION ALL, jamais par un OU qui forcerait à trier toute la boîte), puis les demandes
    elles-mêmes avec leurs relations. Le nombre est la somme des nombres des parties.
    """

    ordered = True

    def __init__(self, parties, tri, charger, nombre=None):
        self.parties, self.tri, self.charger, self.nombre = parties, tri, charger, nombre
        self.cles = [champ.lstrip("-") for champ in tri]

    def count(self):
        if self.nombre is None:
            self.nombre = sum(partie.count() for partie in self.parties)
        return self.nombre

    def __getitem__(self, tranche):
        colonnes = [
            partie.order_by().values_list("id", *[c for c in self.cles if c != "id"]) for partie in self.parties
        ]
        if not colonnes:
            return []
        liste = colonnes[0].union(*colonnes[1:], all=True) if len(colonnes) > 1 else colonnes[0]
        ids = [ligne[0] for ligne in liste.order_by(*self.tri)[tranche]]
        par_id = self.charger(Demande.objects.filter(pk__in=ids)).in_bulk()
        return [par_id[pk] for pk in ids if pk in par_id]


def _vue_de_liste(request):
    """« operateur » (boîte du référent), « agent » (demandes de ses structures) ou « anonyme »."""
    user = request.user
    p = permissions.perimetre(user)
    voulue = request.GET.get("vue")
    vues = []
    if permissions.voit_boite_operateur(user):
        vues.append("operateur")
    if p.structures_lues:
        vues.append("agent")
    if not vues and permissions.demandes_anonymes(user).exists():
        vues.append("anonyme")
    if not vues:
        if p.tout_voir:
            vues.append("anonyme")
        else:
            raise PermissionDenied
    return (voulue if voulue in vues else vues[0]), vues


@login_required
@never_cache
def liste(request):
    user = request.user
    maintenant = timezone.now()
    vue, vues = _vue_de_liste(request)
    if vue == "operateur":
        parties, filtres, titre = permissions.boite_operateur(user), FILTRES_REFERENT, "Boîte de réception"
    elif vue == "agent":
        parties, filtres, titre = [permissions.demandes_des_structures(user)], FILTRES_AGENT, "Demandes de ma structure"
    else:
        parties, filtres, titre = [permissions.demandes_anonymes(user)], FILTRES_ANONYMES, "Demandes (anonymisées)"
    # Une vue anonymisée ne lit même pas la précision sur l'objet (texte libre de l'agent).
    differes = [*Demande.CHAMPS_PERSONNELS, *(["objet_libre"] if vue == "anonyme" else [])]
    code = request.GET.get("filtre")
    code = code if code in filtres else next(iter(filtres))
    # Le nombre de chaque onglet (sauf « toutes ») ; celui de l'onglet choisi sert aussi à la pagination.
    nombres = {
        c: sum(f(partie, maintenant).count() for partie in parties) for c, (_, f, _) in filtres.items() if c != "toutes"
    }
    _, filtrer, tri = filtres[code]
    selection = ListeTriee(
        [filtrer(partie, maintenant) for partie in parties],
        tri,
        lambda qs: qs.select_related("operateur", "structure", "departement", "objet").defer(*differes),
        nombre=nombres.get(code),
    )
    page = Paginator(selection, PAR_PAGE).get_page(request.GET.get("page"))
    # Lu depuis le dernier message ? Une requête pour la page (plutôt qu'une sous-requête par ligne triée).
    lectures = dict(
        Lecture.objects.filter(utilisateur=user, demande__in=[d.pk for d in page.object_list]).values_list(
            "demande_id", "lu_le"
        )
    )
    for demande in page.object_list:
        demande.statut_courant = demande.statut_au(maintenant)
        # Temps ouvré restant ; une demande en retard affiche la date de son échéance (calcul borné).
        demande.restant = None if demande.statut_courant == Statut.EN_RETARD else demande.heures_restantes(maintenant)
        demande.lue = demande.pk in lectures and lectures[demande.pk] >= demande.dernier_message_le
    onglets = [
        {"code": c, "libelle": libelle, "actif": c == code, "nombre": nombres.get(c)}
        for c, (libelle, _, _) in filtres.items()
    ]
    return render(
        request,
        "demandes/liste.html",
        {
            "titre": titre,
            "vue": vue,
            "vues": vues if len(vues) > 1 else [],
            "onglets": onglets,
            "filtre": code,
            "page_obj": page,
            "peut_ouvrir": vue == "agent" and permissions.structures_ou_ouvrir_demande(user).exists(),
            "Statut": Statut,
        },
    )


@login_required
@never_cache
def nouvelle(request):
    structures = permissions.structures_ou_ouvrir_demande(request.user)
    if not structures.exists():
        raise PermissionDenied
    initial = {}
    if code := request.GET.get("operateur"):
        initial["operateur"] = Operateur.objects.filter(code=code).first()
    form = NouvelleDemandeForm(request.POST or None, request.FILES or None, structures=structures, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            demande = services.ouvrir_demande(
                auteur=request.user,
                structure=form.cleaned_data["structure"],
                operateur=form.cleaned_data["operateur"],
                donnees=form.donnees_demande(),
                pieces=form.cleaned_data["pieces_jointes"],
            )
        except services.AucunReferent as erreur:
            form.add_error("operateur", f"« Opérateur » : {erreur}")
        else:
            messages.success(
                request,
                f"Demande n° {demande.pk} envoyée aux référents de {demande.operateur} "
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


def _demande(request, pk):
    demande = get_object_or_404(
        Demande.objects.select_related(
            "structure__commune", "departement", "operateur", "operateur_initial", "objet", "auteur"
        ),
        pk=pk,
    )
    acces = permissions.acces_demande(request.user, demande)
    if acces is None:
        raise Http404
    return demande, acces


def _demande_pour_agir(request, pk):
    demande, acces = _demande(request, pk)
    if acces != permissions.ACCES_COMPLET:
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
        "anonyme": acces == permissions.ACCES_ANONYME,
        "statut": demande.statut_au(maintenant),
        "restant": demande.heures_restantes(maintenant),
        "invitations": demande.invitations.select_related("operateur"),
        "Statut": Statut,
        "Nature": Nature,
    }
    if acces == permissions.ACCES_ANONYME:
        contexte["fil"] = demande.messages.filter(interne=False).defer("corps").select_related("operateur_cible")
        return render(request, "demandes/detail.html", contexte, status=statut)
    cote = permissions.cote_dans_demande(user, demande)
    ouverte = demande.cloturee_le is None and not demande.donnees_effacees
    formulaires = formulaires or {}
    actions = {}
    if ouverte:
        actions["message"] = formulaires.get("message") or MessageForm(
            notes_internes=cote == Cote.REFERENT, prefix="message"
        )
    if cote == Cote.REFERENT and ouverte:
        actions["rapides"] = True
        if permissions.peut_rerouter(user, demande):
            actions["reroutage"] = formulaires.get("reroutage") or ReroutageForm(demande=demande, prefix="reroutage")
        actions["invitation"] = formulaires.get("invitation") or InvitationForm(demande=demande, prefix="invitation")
    if cote == Cote.AGENT and ouverte:
        actions["cloture"] = formulaires.get("cloture") or ClotureForm(prefix="cloture")
    if cote == Cote.AGENT and demande.cloturee_le is not None and not demande.donnees_effacees:
        actions["reouverture"] = formulaires.get("reouverture") or ReouvertureForm(prefix="reouverture")
    contexte |= {"cote": cote, "fil": _fil(demande, cote), "actions": actions, "Cote": Cote}
    return render(request, "demandes/detail.html", contexte, status=statut)


@login_required
@never_cache
def detail(request, pk):
    demande, acces = _demande(request, pk)
    journaliser(request.user, "lecture", demande, {"acces": acces})
    if acces == permissions.ACCES_COMPLET:
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
    return _afficher(request, demande, permissions.ACCES_COMPLET, {nom: form}, statut=400)


@login_required
@require_POST
def message(request, pk):
    demande = _demande_pour_agir(request, pk)
    cote = permissions.cote_dans_demande(request.user, demande)
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
    return _executer(
        request, demande, services.marquer_traitee, succes="Demande marquée traitée : l'agent peut la clôturer."
    )


@login_required
@require_POST
def rerouter(request, pk):
    demande = _demande_pour_agir(request, pk)
    if not permissions.peut_rerouter(request.user, demande):
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
    messages.success(request, f"Demande réorientée vers {operateur} : elle a quitté votre boîte de réception.")
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
    messages.success(request, f"Les référents de {operateur} sont invités dans le fil.")
    return redirect(demande)


@login_required
@require_POST
def cloturer(request, pk):
    demande = _demande_pour_agir(request, pk)
    form = ClotureForm(request.POST, prefix="cloture")
    if not form.is_valid():
        return _formulaire_invalide(request, demande, "cloture", form)
    return _executer(
        request,
        demande,
        services.cloturer,
        form.cleaned_data["utile"],
        form.cleaned_data["corps"],
        succes="Demande clôturée. Merci pour votre avis.",
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
    acces = permissions.acces_demande(request.user, demande)
    if acces is None:
        raise Http404
    if acces != permissions.ACCES_COMPLET:
        raise PermissionDenied
    if message_.interne and permissions.cote_dans_demande(request.user, demande) != Cote.REFERENT:
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
