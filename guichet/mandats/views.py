"""Les pages des mandats : le conseiller recueille un mandat et remet le reçu ; il le révoque à la demande de
l'usager ; l'usager le révoque seul avec son code ; un référent d'opérateur vérifie une référence."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from guichet import permissions
from guichet.documents import pdf_depuis_gabarit
from guichet.mandats import permissions as permissions_mandats
from guichet.mandats import services
from guichet.mandats.accreditation import accreditation
from guichet.mandats.forms import MandatForm, ReferenceForm, RevocationForm
from guichet.mandats.models import Mandat
from guichet.qr import qr_code_svg

CLE_CODES = "mandats_codes"  # en session : reference → code de révocation, le temps de remettre le reçu


def _erreurs_dans(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for champ, erreurs in exc.error_dict.items():
            form.add_error(champ if champ in form.fields else None, erreurs)
    else:
        form.add_error(None, exc)


def _pdf(contenu: bytes, nom: str) -> HttpResponse:
    reponse = HttpResponse(contenu, content_type="application/pdf")
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    reponse["Cache-Control"] = "no-store"
    return reponse


@login_required
def liste(request):
    if not permissions_mandats.peut_recueillir_mandat(request.user):
        raise PermissionDenied
    mandats = (
        permissions_mandats.mandats_visibles(request.user)
        .select_related("structure")
        .prefetch_related("operateurs")[:200]
    )
    return render(request, "mandats/liste.html", {"titre": "Mandats des usagers", "mandats": mandats})


@login_required
@require_http_methods(["GET", "POST"])
def nouveau(request):
    if not permissions_mandats.peut_recueillir_mandat(request.user):
        raise PermissionDenied
    form = MandatForm(
        request.POST or None, request.FILES or None, structures=permissions.structures_de_l_agent(request.user)
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if "formulaire_papier" in request.POST:
            return _pdf(
                pdf_depuis_gabarit(
                    "mandats/pdf/formulaire.html",
                    {
                        "d": d,
                        "duree_libelle": Mandat.Duree(d["duree"]).label,
                        "agent": request.user,
                        "aujourd_hui": timezone.localdate(),
                    },
                ),
                "formulaire-de-mandat.pdf",
            )
        try:
            recueilli = services.recueillir(
                agent=request.user,
                structure=d["structure"],
                nom=d["nom"],
                prenom=d["prenom"],
                date_naissance=d["date_naissance"],
                email=d["email"],
                operateurs=d["operateurs"],
                demarches=d["demarches"],
                duree=d["duree"],
                fin=d["fin"],
                consentement=d["consentement"],
                signature=d["signature"],
                formulaire=d["formulaire"],
                attestation=d["attestation"],
            )
        except ValidationError as exc:
            _erreurs_dans(form, exc)
        else:
            codes = request.session.get(CLE_CODES, {})
            codes[recueilli.mandat.reference] = recueilli.code_revocation
            request.session[CLE_CODES] = codes
            messages.success(request, f"Le mandat {recueilli.mandat.reference} est enregistré.")
            return redirect("mandats:recu", recueilli.mandat.reference)
    return render(
        request,
        "mandats/nouveau.html",
        {"titre": "Recueillir un mandat", "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


def _mandat_de_l_agent(request, reference) -> Mandat:
    if not permissions_mandats.peut_recueillir_mandat(request.user):
        raise PermissionDenied
    return get_object_or_404(
        permissions_mandats.mandats_visibles(request.user).select_related("structure", "agent"), reference=reference
    )


@login_required
def detail(request, reference):
    mandat = _mandat_de_l_agent(request, reference)
    return render(request, "mandats/detail.html", {"titre": f"Mandat {mandat.reference}", "mandat": mandat})


def _contexte_recu(request, mandat, code):
    return {
        "mandat": mandat,
        "code": code,
        "url_revocation": settings.GUICHET_URL.rstrip("/") + reverse("mandats:revoquer_usager"),
    }


@login_required
def recu(request, reference):
    mandat = _mandat_de_l_agent(request, reference)
    code = request.session.get(CLE_CODES, {}).get(mandat.reference)
    return render(
        request,
        "mandats/recu.html",
        {"titre": f"Reçu du mandat {mandat.reference}", **_contexte_recu(request, mandat, code)},
    )


@login_required
def recu_pdf(request, reference):
    mandat = _mandat_de_l_agent(request, reference)
    code = request.session.get(CLE_CODES, {}).get(mandat.reference)
    if code is None:
        raise Http404("Le reçu ne se remet qu'au moment où le mandat est recueilli.")
    return _pdf(
        pdf_depuis_gabarit("mandats/pdf/recu.html", _contexte_recu(request, mandat, code)), f"recu-{reference}.pdf"
    )


@login_required
@require_POST
def envoyer_recu(request, reference):
    mandat = _mandat_de_l_agent(request, reference)
    code = request.session.get(CLE_CODES, {}).get(mandat.reference)
    if code is None or not mandat.usager_email:
        raise Http404
    courriel = EmailMessage(
        subject=f"Votre mandat France Services {mandat.reference}",
        body=(
            f"Bonjour,\n\nVous avez donné mandat à un conseiller France Services de {mandat.structure.nom}.\n"
            f"Votre reçu est joint : il porte la référence {mandat.reference} et votre code de révocation.\n"
            "Vous pouvez révoquer ce mandat à tout moment, au guichet ou en ligne.\n\n"
            "— France Services"
        ),
        to=[mandat.usager_email],
    )
    courriel.attach(
        f"recu-{mandat.reference}.pdf",
        pdf_depuis_gabarit("mandats/pdf/recu.html", _contexte_recu(request, mandat, code)),
        "application/pdf",
    )
    courriel.send()
    messages.success(request, "Le reçu est envoyé à l'usager.")
    return redirect("mandats:recu", mandat.reference)


@login_required
@require_POST
def terminer(request, reference):
    """Le reçu est remis : le code de révocation quitte la session, il ne se montrera plus."""
    mandat = _mandat_de_l_agent(request, reference)
    codes = request.session.get(CLE_CODES, {})
    codes.pop(mandat.reference, None)
    request.session[CLE_CODES] = codes
    return redirect(mandat)


@login_required
@require_POST
def revoquer(request, reference):
    mandat = _mandat_de_l_agent(request, reference)
    try:
        services.revoquer(mandat, auteur=request.user)
    except services.MandatRefuse as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Le mandat {mandat.reference} est révoqué : il ne permet plus d'agir.")
    return redirect(mandat)


@require_http_methods(["GET", "POST"])
def revoquer_usager(request):
    """La page publique où l'usager révoque seul son mandat, avec la référence et le code de son reçu."""
    form = RevocationForm(request.POST or None)
    revoque = None
    if request.method == "POST" and form.is_valid():
        try:
            revoque = services.revoquer_par_code(form.cleaned_data["reference"], form.cleaned_data["code"])
        except services.MandatRefuse as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "mandats/revoquer_usager.html",
        {"titre": "Révoquer un mandat", "form": form, "revoque": revoque},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def verifier(request):
    """La vérification d'une référence par un référent d'opérateur : état et portée, jamais l'identité."""
    if not permissions_mandats.peut_verifier_mandat(request.user):
        raise PermissionDenied
    form = ReferenceForm(request.GET or None)
    mandat = services.trouver(form.cleaned_data["reference"]) if form.is_valid() else None
    if form.is_valid() and mandat is None:
        form.add_error("reference", "Aucun mandat ne porte cette référence.")
    return render(
        request,
        "mandats/verifier.html",
        {"titre": "Vérifier un mandat", "form": form, "mandat": mandat},
        status=404 if form.is_bound and form.errors else 200,
    )


@login_required
def carte(request):
    """La carte professionnelle du conseiller : son code public (pour son badge) et son habilitation."""
    if not permissions_mandats.peut_recueillir_mandat(request.user):
        raise PermissionDenied
    carte = services.carte_de(request.user)
    url = settings.GUICHET_URL.rstrip("/") + reverse("mandats:verifier_conseiller") + f"?code={carte.code}"
    return render(
        request,
        "mandats/carte.html",
        {
            "titre": "Ma carte de conseiller France Services",
            "carte": carte,
            "url_verification": url,
            "qr_code": qr_code_svg(url, "QR code de vérification de la carte"),
            "accreditation": accreditation(request.user),
        },
    )


def verifier_conseiller(request):
    """Page publique : la personne qui se présente comme conseiller France Services l'est-elle ? Par le code de
    son badge : son nom, sa France services, son habilitation ; rien d'autre."""
    code = (request.GET.get("code") or "").strip()
    carte = services.carte_par_code(code) if code else None
    trouve = carte is not None and carte.utilisateur.is_active
    contexte = {"titre": "Vérifier un conseiller France Services", "code": code[:20], "carte": None}
    if trouve:
        contexte |= {"carte": carte, "accreditation": accreditation(carte.utilisateur)}
    statut = 404 if code and not trouve else 200
    return render(request, "mandats/verifier_conseiller.html", contexte, status=statut)
