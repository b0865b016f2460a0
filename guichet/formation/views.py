"""Les pages de la formation : le parcours d'un agent, l'équipe d'une structure, un département, les
sessions, l'attestation. Chaque vue demande à `guichet.permissions` ce qui est permis : un objet hors du
périmètre n'existe pas (404), une action refusée sur un objet visible est interdite (403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from guichet import permissions
from guichet.comptes.models import Utilisateur
from guichet.documents import pdf_depuis_gabarit
from guichet.formation import permissions as permissions_formation
from guichet.formation import services
from guichet.formation.forms import InscriptionForm, PresencesForm, SessionForm
from guichet.formation.models import Session
from guichet.journal.services import journaliser
from guichet.reseau.models import Structure

SESSIONS_AFFICHEES = 50


def _exiger_formation(user):
    if not permissions_formation.peut_voir_formation(user):
        raise PermissionDenied


@login_required
def accueil(request):
    user = request.user
    _exiger_formation(user)
    p = permissions.perimetre(user)
    equipes = []
    if p.structures_gerees:
        equipes = services.sites_en_formation(Structure.objects.filter(pk__in=p.structures_gerees))
    departements = permissions_formation.departements_formation(user)
    national = permissions_formation.voit_chiffres_nationaux_formation(user)
    chiffres = services.chiffres_par_departement(departements) if (national or p.departements_suivis) else []
    total = None
    if national:
        total = {
            "sites": sum(c.sites for c in chiffres),
            "sites_sous_le_seuil": sum(c.sites_sous_le_seuil for c in chiffres),
            "agents": sum(c.agents for c in chiffres),
            "formes": sum(c.formes for c in chiffres),
        }
    return render(
        request,
        "formation/accueil.html",
        {
            "titre": "Formation des conseillers",
            "mon_parcours": services.etat_du_parcours(user) if permissions.est_agent(user) else None,
            "equipes": equipes,
            "chiffres": chiffres,
            "total": total,
            "parcours": services.parcours_en_vigueur(),
            "peut_gerer": permissions_formation.peut_gerer_formation(user),
        },
    )


def _agent_visible(request, pk) -> Utilisateur:
    agent = get_object_or_404(Utilisateur, pk=pk)
    if not permissions_formation.peut_voir_parcours(request.user, agent):
        raise Http404
    return agent


@login_required
def parcours(request, pk):
    agent = _agent_visible(request, pk)
    etat = services.etat_du_parcours(agent)
    nom = agent.get_full_name() or agent.email
    return render(
        request,
        "formation/parcours.html",
        {
            "titre": "Mon parcours de formation" if agent.pk == request.user.pk else f"Parcours de formation de {nom}",
            "agent": agent,
            "etat": etat,
        },
    )


@login_required
def attestation(request, pk):
    agent = _agent_visible(request, pk)
    etat = services.etat_du_parcours(agent)
    if not etat.forme:
        raise Http404("La formation initiale de cet agent n'est pas complète : pas encore d'attestation.")
    pdf = pdf_depuis_gabarit("formation/attestation.html", {"etat": etat, "agent": agent})
    reponse = HttpResponse(pdf, content_type="application/pdf")
    reponse["Content-Disposition"] = f'attachment; filename="attestation-formation-{agent.pk}.pdf"'
    return reponse


@login_required
@require_http_methods(["GET", "POST"])
def equipe(request, pk):
    structure = get_object_or_404(Structure, pk=pk)
    if not permissions_formation.peut_voir_formation_structure(request.user, structure):
        raise Http404
    peut_inscrire = permissions_formation.peut_inscrire_en_formation(request.user, structure)
    membres = services.equipe_en_formation(structure)
    form = None
    if peut_inscrire:
        a_former = [m.agent for m in membres if not m.forme]
        form = InscriptionForm(request.POST or None, structure=structure, agents=a_former)
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        agent, session = form.cleaned_data["agent"], form.cleaned_data["session"]
        try:
            inscription = services.inscrire(session, agent, structure, request.user)
        except services.InscriptionRefusee as refus:
            form.add_error(None, str(refus))
        else:
            journaliser(request.user, "inscription_formation", inscription, {"session": session.pk})
            messages.success(request, f"{agent} est inscrit à « {session.module.titre} » le {session.debut:%d/%m/%Y}.")
            return redirect("formation:equipe", structure.pk)
    return render(
        request,
        "formation/equipe.html",
        {
            "titre": f"Formation de l'équipe — {structure.nom}",
            "structure": structure,
            "membres": membres,
            "formes": sum(m.forme for m in membres),
            "minimum": services.AGENTS_FORMES_MINIMUM,
            "form": form,
        },
    )


@login_required
def departement(request, code):
    departement = get_object_or_404(permissions_formation.departements_formation(request.user), code=code)
    structures = Structure.objects.filter(commune__departement=departement, statut=Structure.Statut.LABELLISEE)
    sites = services.sites_en_formation(structures)
    return render(
        request,
        "formation/departement.html",
        {
            "titre": f"Formation des conseillers — {departement.nom} ({departement.code})",
            "departement": departement,
            "sites": sites,
            "sous_le_seuil": sum(s.sous_le_seuil for s in sites),
            "minimum": services.AGENTS_FORMES_MINIMUM,
        },
    )


@login_required
def sessions(request):
    _exiger_formation(request.user)
    a_venir = (
        Session.objects.a_venir().avec_inscrits().select_related("module", "departement").defer("departement__contour")
    )
    passees = (
        Session.objects.exclude(pk__in=a_venir.values("pk"))
        .avec_inscrits()
        .select_related("module", "departement")
        .defer("departement__contour")
        .order_by("-debut")
    )
    return render(
        request,
        "formation/sessions.html",
        {
            "titre": "Sessions de formation",
            "a_venir": a_venir[:SESSIONS_AFFICHEES],
            "passees": passees[:SESSIONS_AFFICHEES],
            "peut_gerer": permissions_formation.peut_gerer_formation(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session(request, pk):
    _exiger_formation(request.user)
    session = get_object_or_404(Session.objects.select_related("module", "departement"), pk=pk)
    peut_gerer = permissions_formation.peut_gerer_formation(request.user)
    if request.method == "POST" and not peut_gerer:
        raise PermissionDenied
    inscriptions = list(session.inscriptions.select_related("agent", "structure").order_by("agent__last_name"))
    if not peut_gerer:
        # Chacun ne voit que les inscrits de ses structures (ou lui-même) : pas l'annuaire des autres équipes.
        visibles = set(
            permissions_formation.structures_formation(request.user)
            .filter(pk__in={i.structure_id for i in inscriptions})
            .values_list("pk", flat=True)
        )
        inscriptions = [i for i in inscriptions if i.structure_id in visibles or i.agent_id == request.user.pk]
    form = None
    saisie_ouverte = session.debut <= timezone.localdate()
    if peut_gerer and inscriptions and saisie_ouverte:
        form = PresencesForm(request.POST or None, session=session, inscriptions=inscriptions)
        if request.method == "POST" and form.is_valid():
            try:
                nombre = services.enregistrer_presences(session, form.presences, request.user)
            except ValueError as erreur:
                form.add_error(None, str(erreur))
            else:
                journaliser(request.user, "presence_formation", session, {"modifiees": nombre})
                messages.success(request, f"Présence enregistrée ({nombre} modification{'s' if nombre > 1 else ''}).")
                return redirect("formation:session", session.pk)
    elif request.method == "POST":
        messages.error(request, "La présence se saisit à partir du premier jour de la session.")
        return redirect("formation:session", session.pk)
    return render(
        request,
        "formation/session.html",
        {
            "titre": str(session),
            "session": session,
            "inscriptions": inscriptions,
            "form": form,
            "peut_gerer": peut_gerer,
            "saisie_ouverte": saisie_ouverte,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_nouvelle(request):
    if not permissions_formation.peut_gerer_formation(request.user):
        raise PermissionDenied
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        session = form.save(commit=False)
        session.creee_par = request.user
        session.save()
        journaliser(request.user, "creation", session, {"module": session.module.code})
        messages.success(request, f"La session « {session} » est planifiée.")
        return redirect("formation:session", session.pk)
    return render(request, "formation/session_formulaire.html", {"titre": "Planifier une session", "form": form})
