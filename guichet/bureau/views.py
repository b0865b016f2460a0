"""Le bureau de l'agent, les guides par événement de vie, l'annuaire des référents et les liens des opérateurs.

Chaque vue demande à `guichet.permissions` ce qui est permis.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from guichet import permissions
from guichet.bureau import permissions as permissions_bureau
from guichet.bureau import services
from guichet.bureau.forms import LienOperateurForm
from guichet.bureau.models import LienOperateur
from guichet.demandes.services import demandes_en_attente_pour
from guichet.journal.services import journaliser

DEMANDES_AFFICHEES = 8


@login_required
def accueil(request):
    user = request.user
    if not permissions.est_agent(user):
        # Les autres rôles ont leur propre page d'accueil : « Mon espace ».
        return redirect("comptes:espace")
    activite = services.activite_du_jour(user)
    en_attente = demandes_en_attente_pour(user).select_related("operateur", "structure", "objet")
    structures = [a.structure for a in activite]
    ou_inviter = permissions.ou_inviter_parmi(user, [s.pk for s in structures])
    for structure in structures:
        structure.peut_inviter = structure.pk in ou_inviter
    return render(
        request,
        "bureau/accueil.html",
        {
            "titre": "Mon bureau",
            "activite": activite,
            "mes_accompagnements": sum(a.les_miens for a in activite),
            "demandes": en_attente.order_by("dernier_message_le")[:DEMANDES_AFFICHEES],
            "nombre_demandes": en_attente.count(),
            "liens": services.liens_par_operateur(),
            "annuaire": services.annuaire_referents(user, services.departements_des_structures(user)),
            "evenements": services.evenements_avec_guide(),
            "peut_gerer_liens": permissions_bureau.peut_gerer_liens_operateurs(user),
        },
    )


def _exiger_professionnel(user):
    if not permissions.est_professionnel(user):
        raise PermissionDenied


@login_required
def guides(request):
    _exiger_professionnel(request.user)
    return render(
        request,
        "bureau/guides.html",
        {"titre": "Guides par événement de vie", "evenements": services.evenements_avec_guide()},
    )


@login_required
def guide(request, code):
    _exiger_professionnel(request.user)
    evenement = get_object_or_404(services.evenements_avec_guide(), code=code)
    return render(
        request,
        "bureau/guide.html",
        {
            "titre": evenement.libelle,
            "evenement": evenement,
            "etapes": services.etapes_du_guide(evenement),
            "peut_saisir": permissions.peut_saisir(request.user),
        },
    )


@login_required
def annuaire(request):
    """Les référents et responsables d'opérateur des départements que l'utilisateur suit."""
    user = request.user
    _exiger_professionnel(user)
    departements = permissions.departements_visibles(user).order_by("code")
    code = request.GET.get("departement", "").strip()
    choisi = get_object_or_404(departements, code=code) if code else None
    if choisi is not None:
        retenus = [choisi]
    elif permissions.perimetre(user).tout_voir:
        retenus = []  # tout le territoire : on choisit d'abord un département
    else:
        retenus = departements
    return render(
        request,
        "bureau/annuaire.html",
        {
            "titre": "Référents des opérateurs",
            "departements": departements,
            "choisi": choisi,
            "annuaire": services.annuaire_referents(user, retenus),
        },
    )


# Liens des opérateurs : équipe nationale seulement


def _exiger_gestion_liens(user):
    if not permissions_bureau.peut_gerer_liens_operateurs(user):
        raise PermissionDenied


@login_required
def liens(request):
    _exiger_gestion_liens(request.user)
    return render(
        request,
        "bureau/liens.html",
        {"titre": "Liens des opérateurs", "liens": services.liens_par_operateur(LienOperateur.objects.all())},
    )


def _formulaire_lien(request, lien):
    form = LienOperateurForm(request.POST or None, instance=lien)
    if request.method == "POST" and form.is_valid():
        creation = lien is None
        lien = form.save()
        journaliser(
            request.user,
            "creation" if creation else "modification",
            lien,
            {"operateur": lien.operateur.code, "champs": sorted(form.changed_data)},
        )
        messages.success(request, f"Le lien « {lien.libelle} » est enregistré.")
        return redirect("bureau:liens")
    titre = "Ajouter un lien" if lien is None else f"Modifier le lien « {lien.libelle} »"
    return render(request, "bureau/lien_formulaire.html", {"titre": titre, "form": form, "lien": lien})


@login_required
@require_http_methods(["GET", "POST"])
def lien_ajouter(request):
    _exiger_gestion_liens(request.user)
    return _formulaire_lien(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def lien_modifier(request, pk):
    _exiger_gestion_liens(request.user)
    return _formulaire_lien(request, get_object_or_404(LienOperateur, pk=pk))


def _changer_actif(request, pk, actif):
    _exiger_gestion_liens(request.user)
    lien = get_object_or_404(LienOperateur, pk=pk)
    if lien.actif != actif:
        lien.actif = actif
        lien.save(update_fields=["actif", "modifie_le"])
        journaliser(request.user, "modification", lien, {"operateur": lien.operateur.code, "champs": ["actif"]})
    etat = "réactivé" if actif else "désactivé : il n'est plus affiché sur les bureaux"
    messages.success(request, f"Le lien « {lien.libelle} » est {etat}.")
    return redirect("bureau:liens")


@login_required
@require_POST
def lien_desactiver(request, pk):
    return _changer_actif(request, pk, False)


@login_required
@require_POST
def lien_reactiver(request, pk):
    return _changer_actif(request, pk, True)
