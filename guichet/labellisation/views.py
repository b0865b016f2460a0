"""Les pages du dossier de labellisation : liste, proposition d'un site, dossier et ses étapes, audit sur
tablette (chaque ligne enregistrée à chaque changement), pièces et documents, tableau de bord et exports.
Les droits sont ceux de `guichet.permissions` ; les règles, celles des modèles et de `services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from guichet.chiffrement import lire_dechiffre
from guichet.labellisation import documents, services, tableaux
from guichet.labellisation import permissions as permissions_labellisation
from guichet.labellisation.forms import ACTIONS, ConclureForm, PieceForm, PlanifierForm, ProposerForm
from guichet.labellisation.models import Audit, Document, Dossier, Etape, LigneAudit, PieceAudit, ResultatAudit
from guichet.plans_d_action import permissions as permissions_plans_d_action
from guichet.plans_d_action import services as plans

# Les contours (GeoJSON) des communes et départements ne servent à aucune de ces pages : jamais lus.
SANS_CONTOURS = ("structure__commune__contour", "structure__commune__departement__contour")
PAR_PAGE = 100


def _dossier_visible(request, pk) -> Dossier:
    dossier = get_object_or_404(
        Dossier.objects.select_related("structure__commune__departement").defer(*SANS_CONTOURS), pk=pk
    )
    if not permissions_labellisation.peut_voir_dossier(request.user, dossier):
        raise Http404
    return dossier


def _audit_visible(request, pk) -> Audit:
    audit = get_object_or_404(
        Audit.objects.select_related("dossier__structure__commune", "referentiel", "auditeur").defer(
            "dossier__structure__commune__contour"
        ),
        pk=pk,
    )
    if not permissions_labellisation.peut_voir_audit(request.user, audit):
        raise Http404
    return audit


@login_required
def liste(request):
    if not permissions_labellisation.peut_voir_dossiers(request.user):
        raise PermissionDenied
    dossiers = (
        permissions_labellisation.dossiers_visibles(request.user)
        .select_related("structure__commune__departement")
        .defer(*SANS_CONTOURS)
    )
    etape = request.GET.get("etape", "")
    if etape in Etape.values:
        dossiers = dossiers.filter(etape=etape)
    audits = (
        permissions_labellisation.audits_assignes(request.user)
        .select_related("dossier__structure__commune")
        .defer("dossier__structure__commune__contour")
        .order_by("statut", "date_prevue")
    )
    return render(
        request,
        "labellisation/liste.html",
        {
            "titre": "Labellisation",
            "page_obj": Paginator(dossiers.order_by("structure__nom", "pk"), PAR_PAGE).get_page(
                request.GET.get("page")
            ),
            "etapes": Etape.choices,
            "etape": etape,
            "audits": audits,
            "peut_proposer": permissions_labellisation.peut_proposer_site(request.user),
            "peut_voir_tableau": permissions_labellisation.peut_voir_tableau_labellisation(request.user),
        },
    )


@login_required
def proposer(request):
    if not permissions_labellisation.peut_proposer_site(request.user):
        raise PermissionDenied
    form = ProposerForm(request.POST or None, structures=permissions_labellisation.structures_a_proposer(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.proposer(
                form.cleaned_data["structure"],
                request.user,
                email_responsable=form.cleaned_data["email_responsable"],
            )
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(request, f"Candidature de « {dossier.structure.nom} » déposée.")
            return redirect("labellisation:dossier", dossier.pk)
    titre = "Proposer un site à la labellisation"
    return render(request, "labellisation/proposer.html", {"titre": titre, "form": form})


def _permis(user, dossier, action) -> bool:
    if action == "avis":
        return permissions_labellisation.peut_donner_avis_anct(user)
    if action == "deposer_porteur":
        return permissions_labellisation.peut_candidater_pour_le_site(
            user, dossier
        ) and not permissions_labellisation.peut_instruire_dossier(user, dossier)
    return permissions_labellisation.peut_instruire_dossier(user, dossier)


def _formulaire(action, dossier, data=None):
    _, classe, _ = ACTIONS[action]
    if classe is PlanifierForm:
        return classe(data, auditeurs=services.auditeurs_possibles(dossier.structure.commune.departement_id))
    return classe(data)


def actions_possibles(user, dossier) -> list[dict]:
    """Les actions que l'utilisateur peut mener sur le dossier à son étape, chacune avec son formulaire."""
    return [
        {"code": code, "libelle": libelle, "form": _formulaire(code, dossier)}
        for code, (libelle, _, etapes) in ACTIONS.items()
        if dossier.etape in etapes and _permis(user, dossier, code)
    ]


@login_required
def dossier(request, pk):
    dossier = _dossier_visible(request, pk)
    return render(
        request,
        "labellisation/dossier.html",
        {
            "titre": f"Dossier de labellisation — {dossier.structure.nom}",
            "dossier": dossier,
            "structure": dossier.structure,
            "label_a_venir": dossier.structure.label_a_venir(),
            "evenements": dossier.evenements.select_related("auteur"),
            "audits": dossier.audits.select_related("auditeur", "referentiel"),
            "documents": dossier.documents.all(),
            "actions": actions_possibles(request.user, dossier),
            "plans": [
                plan
                for audit in dossier.audits.all()
                for plan in plans.plans_de(audit)
                if permissions_plans_d_action.peut_voir_plan(request.user, plan)
            ],
        },
    )


def _executer(request, dossier, action, d):
    user = request.user
    match action:
        case "deposer":
            dossier.deposer_candidature(user, commentaire=d["commentaire"])
        case "deposer_porteur":
            dossier.deposer_candidature(user, par_porteur=True, commentaire=d["commentaire"])
        case "endosser":
            dossier.endosser(user, commentaire=d["commentaire"])
        case "planifier" | "controle":
            services.planifier_audit(
                dossier, user, auditeur=d["auditeur"], date_prevue=d["date_prevue"], controle=action == "controle"
            )
        case "avis":
            dossier.donner_avis(user, favorable=d["avis"] == "favorable", motifs=d["motifs"])
        case "decider" if d["decision"] == "labelliser":
            services.labelliser(dossier, user, date=d["date"], email_responsable=d["email_responsable"] or None)
        case "decider":
            services.refuser(dossier, user, motifs=d["motifs"])
        case "mettre_en_demeure":
            dossier.mettre_en_demeure(user, echeance=d["echeance"], motifs=d["motifs"])
        case "lever":
            dossier.lever_mise_en_demeure(user, commentaire=d["commentaire"])
        case "suspendre":
            dossier.suspendre(user, motifs=d["motifs"])
        case "retablir":
            dossier.retablir(user, commentaire=d["commentaire"])
        case "retirer":
            dossier.retirer(user, motifs=d["motifs"])


@login_required
@require_POST
def agir(request, pk, action):
    dossier = _dossier_visible(request, pk)
    if action not in ACTIONS:
        raise Http404
    if not _permis(request.user, dossier, action):
        raise PermissionDenied
    form = _formulaire(action, dossier, request.POST)
    if not form.is_valid():
        for champ, erreurs in form.errors.items():
            nom = form.fields[champ].label if champ in form.fields else ""
            for erreur in erreurs:
                messages.error(request, f"{nom} : {erreur}" if nom else erreur)
        return redirect("labellisation:dossier", dossier.pk)
    try:
        _executer(request, dossier, action, form.cleaned_data)
    except ValidationError as erreur:
        for message in erreur.messages:
            messages.error(request, message)
    else:
        dossier.refresh_from_db()
        etape = dossier.get_etape_display()
        messages.success(request, f"{ACTIONS[action][0]} : fait. Le dossier est à l'étape « {etape} ».")
    return redirect("labellisation:dossier", dossier.pk)


# Audit


def _etat_audit(audit) -> dict:
    return {"raisons": audit.raisons_defavorables(), "a_remplir": len(audit.lignes_a_remplir())}


@login_required
def audit(request, pk):
    audit = _audit_visible(request, pk)
    modifiable = permissions_labellisation.peut_remplir_audit(request.user, audit)
    lignes = list(audit.lignes.select_related("critere").prefetch_related("pieces"))
    return render(
        request,
        "labellisation/audit.html",
        {
            "titre": f"{audit.get_nature_display()} — {audit.dossier.structure.nom}",
            "audit": audit,
            "dossier": audit.dossier,
            "lignes": lignes,
            "resultats": ResultatAudit.choices,
            "modifiable": modifiable,
            "etat": _etat_audit(audit),
            "form_conclure": ConclureForm() if modifiable else None,
            "form_piece": PieceForm() if modifiable else None,
            "dossier_visible": permissions_labellisation.peut_voir_dossier(request.user, audit.dossier),
        },
    )


def _ligne_modifiable(request, pk, ligne_pk) -> tuple[Audit, LigneAudit]:
    audit = _audit_visible(request, pk)
    if not permissions_labellisation.peut_remplir_audit(request.user, audit):
        raise PermissionDenied
    return audit, get_object_or_404(LigneAudit.objects.select_related("critere"), pk=ligne_pk, audit=audit)


def _veut_du_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def ligne(request, pk, ligne):
    audit, ligne = _ligne_modifiable(request, pk, ligne)
    try:
        services.enregistrer_ligne(
            ligne, resultat=request.POST.get("resultat", ""), commentaire=request.POST.get("commentaire", "")
        )
    except ValidationError as erreur:
        if _veut_du_json(request):
            return JsonResponse({"ok": False, "erreur": " ".join(erreur.messages)}, status=400)
        messages.error(request, f"{ligne.critere.code} : {' '.join(erreur.messages)}")
        return redirect(reverse("labellisation:audit", args=[audit.pk]) + f"#ligne-{ligne.pk}")
    if _veut_du_json(request):
        return JsonResponse({"ok": True, "ligne": ligne.pk, **_etat_audit(audit)})
    messages.success(request, f"{ligne.critere.code} enregistré.")
    return redirect(reverse("labellisation:audit", args=[audit.pk]) + f"#ligne-{ligne.pk}")


@login_required
@require_POST
def joindre(request, pk, ligne):
    audit, ligne = _ligne_modifiable(request, pk, ligne)
    form = PieceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            piece = services.joindre_piece(ligne, form.cleaned_data["fichier"], request.user)
        except ValidationError as erreur:
            messages.error(request, f"{ligne.critere.code} : {' '.join(erreur.messages)}")
        else:
            messages.success(request, f"{ligne.critere.code} : « {piece.nom} » jointe.")
    else:
        messages.error(request, f"{ligne.critere.code} : choisissez un fichier.")
    return redirect(reverse("labellisation:audit", args=[audit.pk]) + f"#ligne-{ligne.pk}")


@login_required
@require_POST
def conclure(request, pk):
    audit = _audit_visible(request, pk)
    if not permissions_labellisation.peut_remplir_audit(request.user, audit):
        raise PermissionDenied
    form = ConclureForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Conclusion de l'audit : choisissez « favorable » ou « défavorable ».")
        return redirect("labellisation:audit", audit.pk)
    try:
        services.conclure_audit(
            audit, request.user, conclusion=form.cleaned_data["conclusion"], synthese=form.cleaned_data["synthese"]
        )
    except ValidationError as erreur:
        for message in erreur.messages:
            messages.error(request, message)
        return redirect("labellisation:audit", audit.pk)
    messages.success(request, "Audit conclu : le rapport est joint au dossier.")
    return redirect("labellisation:audit", audit.pk)


def _telechargement(contenu: bytes, type_mime: str, nom: str, en_ligne=False) -> HttpResponse:
    reponse = HttpResponse(contenu, content_type=type_mime)
    disposition = "inline" if en_ligne else "attachment"
    reponse["Content-Disposition"] = f'{disposition}; filename="{nom}"'
    reponse["X-Content-Type-Options"] = "nosniff"
    reponse["Cache-Control"] = "private, no-store"
    return reponse


@login_required
def piece(request, pk):
    piece = get_object_or_404(PieceAudit.objects.select_related("ligne__audit__dossier"), pk=pk)
    if not permissions_labellisation.peut_voir_audit(request.user, piece.ligne.audit):
        raise Http404
    return _telechargement(lire_dechiffre(piece.fichier), piece.type_mime, piece.nom)


@login_required
def document(request, pk):
    document = get_object_or_404(Document.objects.select_related("dossier"), pk=pk)
    if not permissions_labellisation.peut_telecharger_document(request.user, document):
        raise Http404
    return _telechargement(documents.contenu(document), "application/pdf", document.nom)


# Tableau de bord


def _tableau(request):
    if not permissions_labellisation.peut_voir_tableau_labellisation(request.user):
        raise PermissionDenied
    departements = permissions_labellisation.departements_tableau_labellisation(request.user)
    national = permissions_labellisation.tableau_labellisation_national(request.user)
    code = request.GET.get("departement", "")
    if code:
        departements = departements.filter(code=code)
        if not departements.exists():
            raise Http404
        national = False
    return tableaux.calculer(departements, national=national)


@login_required
def tableau(request):
    tableau = _tableau(request)
    return render(
        request,
        "labellisation/tableau.html",
        {
            "titre": "Tableau de la labellisation",
            "tableau": tableau,
            "parametres": request.GET.urlencode(),
        },
    )


@login_required
def export(request, format):
    if format not in ("csv", "xlsx"):
        raise Http404
    tableau = _tableau(request)
    if format == "csv":
        contenu, type_mime = tableaux.en_csv(tableau), "text/csv; charset=utf-8"
    else:
        contenu = tableaux.en_xlsx(tableau)
        type_mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _telechargement(contenu, type_mime, f"labellisation.{format}")
