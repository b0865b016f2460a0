"""Les pages des bornes : la borne elle-même (publique, sans session), l'avis par code QR (public), la gestion
des tablettes (responsable de structure, équipe nationale), les résultats et leurs exports, le code QR remis
par l'agent. Chaque vue demande à `guichet.permissions` ce qui est permis ; les chiffres viennent de
`resultats.py`."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from guichet import hors_ligne, permissions
from guichet.activite.models import Accompagnement
from guichet.bornes import permissions as permissions_bornes
from guichet.bornes import resultats, services
from guichet.bornes.forms import AppairageForm, AvisForm, PlanSatisfactionForm
from guichet.bornes.models import Borne
from guichet.plans_d_action import services as plans
from guichet.plans_d_action.models import Origine
from guichet.qr import qr_code_svg
from guichet.reseau.models import Structure
from guichet.territoires.models import Departement

# Ce que le service worker de la borne garde pour marcher sans réseau, en plus de la page.
FICHIERS_HORS_LIGNE = [
    "dsfr/dist/dsfr/dsfr.min.css",
    "dsfr/dist/utility/utility.min.css",
    "dsfr/dist/fonts/Marianne-Regular.woff2",
    "dsfr/dist/fonts/Marianne-Bold.woff2",
    "bornes/borne.css",
    "bornes/borne.js",
]


# La borne (tablette à la sortie du lieu) : page publique, sans session ; le jeton d'appareil est gardé par
# la tablette et envoyé à l'API avec chaque lot d'avis.


def borne(request):
    reponse = render(
        request,
        "bornes/borne.html",
        {
            "titre": "Votre avis compte",
            "fichiers_css": [static(f) for f in FICHIERS_HORS_LIGNE if f.endswith(".css")],
        },
    )
    reponse["Cache-Control"] = "no-cache"
    return reponse


def service_worker(request):
    return hors_ligne.service_worker(
        gabarit="bornes/sw.js",
        page=reverse("bornes:borne"),
        portee=reverse("bornes:borne"),
        fichiers=FICHIERS_HORS_LIGNE,
        empreintes=("bornes/borne.js", "bornes/borne.css"),
    )


# L'avis sur le téléphone de l'usager (code QR remis après un accompagnement) : usage unique, 7 jours.


@require_http_methods(["GET", "POST"])
def avis(request, jeton):
    invitation = services.invitation_valide(jeton)
    if invitation is None:
        return render(request, "bornes/avis_indisponible.html", {"titre": "Lien d'avis indisponible"}, status=410)
    form = AvisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.repondre_invitation(jeton, form.donnees())
        except services.AvisInvalides as e:
            for erreur in e.erreurs:
                form.add_error(None, f"{erreur.champ} : {erreur.message}")
        except invitation.DoesNotExist:
            return render(request, "bornes/avis_indisponible.html", {"titre": "Lien d'avis indisponible"}, status=410)
        else:
            return render(request, "bornes/avis_merci.html", {"titre": "Merci pour votre avis"})
    reponse = render(
        request, "bornes/avis.html", {"titre": "Votre avis sur votre visite", "form": form, "invitation": invitation}
    )
    reponse["Cache-Control"] = "no-store"
    # Le jeton du lien ne part pas vers un autre site ; « no-referrer » enverrait Origin: null (CSRF refusé).
    reponse["Referrer-Policy"] = "same-origin"
    return reponse


# Gestion des tablettes


@login_required
@require_http_methods(["GET", "POST"])
def gestion(request):
    """Les bornes des structures de l'utilisateur ; un appairage montre le jeton une seule fois."""
    if not permissions_bornes.peut_gerer_bornes(request.user):
        raise PermissionDenied
    structures = permissions_bornes.structures_des_bornes(request.user)
    form = AppairageForm(request.POST or None, structures=structures)
    nouveau = None
    if request.method == "POST" and form.is_valid():
        borne, clair = services.appairer(form.cleaned_data["structure"], form.cleaned_data["nom"], request.user)
        adresse = request.build_absolute_uri(reverse("bornes:borne")) + "#jeton=" + clair
        nouveau = {
            "borne": borne,
            "jeton": clair,
            "adresse": adresse,
            "qr": qr_code_svg(adresse, "Adresse d'appairage"),
        }
        form = AppairageForm(structures=structures)
    bornes = Borne.objects.filter(structure__in=structures).select_related("structure").order_by("structure__nom")
    reponse = render(
        request,
        "bornes/gestion.html",
        {
            "titre": "Bornes de satisfaction",
            "form": form,
            "nouveau": nouveau,
            "bornes": bornes[:200] if permissions_bornes.satisfaction_nationale(request.user) else bornes,
        },
    )
    reponse["Cache-Control"] = "no-store"
    return reponse


@login_required
@require_POST
def revoquer(request, pk):
    borne = get_object_or_404(Borne.objects.select_related("structure"), pk=pk)
    if not permissions_bornes.peut_gerer_bornes(request.user, borne.structure):
        raise Http404("Aucune borne à cette adresse.")
    services.revoquer(borne)
    messages.success(request, f"Borne « {borne.nom} » révoquée : ses envois sont désormais refusés.")
    return redirect("bornes:gestion")


# Résultats

FORMATS = {"csv": "text/csv; charset=utf-8"}


@login_required
def resultats_accueil(request):
    """Le tableau que l'utilisateur peut voir : national, sinon son département, sinon sa structure (ou la liste)."""
    user = request.user
    if not permissions_bornes.peut_voir_satisfaction(user):
        raise PermissionDenied
    if permissions_bornes.satisfaction_nationale(user):
        return redirect("bornes:national")
    departements = list(permissions_bornes.departements_satisfaction(user).order_by("code"))
    structures = list(permissions_bornes.structures_satisfaction(user).exclude(commune__departement__in=departements))
    liens = [(f"{d.code} {d.nom}", reverse("bornes:departement", args=[d.code])) for d in departements]
    liens += [(s.nom, reverse("bornes:structure", args=[s.pk])) for s in structures]
    if len(liens) == 1:
        return redirect(liens[0][1])
    return render(request, "bornes/resultats_accueil.html", {"titre": "Satisfaction des usagers", "liens": liens})


def _rendre(request, t, format, export, structure=None):
    if format:
        if format not in FORMATS:
            raise Http404("Format d'export inconnu.")
        reponse = HttpResponse(resultats.en_csv(t), content_type=FORMATS[format])
        nom = f"satisfaction-{t.niveau}-{t.periode.debut:%Y%m%d}-{t.periode.fin:%Y%m%d}.{format}"
        reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
        return reponse
    plans_possibles = t.niveau == "departement" and any(
        permissions_bornes.peut_ouvrir_plan_satisfaction(request.user, ligne.objet)
        for ligne in t.lignes
        if ligne.faible
    )
    plan_structure = structure is not None and permissions_bornes.peut_ouvrir_plan_satisfaction(request.user, structure)
    contexte = {
        "titre": t.titre,
        "t": t,
        "export_csv": export,
        "seuil_faible": round(resultats.SEUIL_FAIBLE * 100),
        "plans": plans_possibles,
        "plan_structure": structure if plan_structure and t.total.faible else None,
        "plans_ouverts": list(plans.plans_de(structure).filter(origine=Origine.BORNE)) if plan_structure else [],
    }
    return render(request, "bornes/resultats.html", contexte)


@login_required
def national(request, format=None):
    if not permissions_bornes.satisfaction_nationale(request.user):
        raise PermissionDenied
    t = resultats.national(services.periode_12_mois(), lambda d: reverse("bornes:departement", args=[d.code]))
    return _rendre(request, t, format, reverse("bornes:national_export", args=["csv"]))


@login_required
def departement(request, code, format=None):
    d = get_object_or_404(Departement, code=code)
    if not permissions_bornes.peut_voir_satisfaction_departement(request.user, d):
        raise PermissionDenied
    t = resultats.departement(d, services.periode_12_mois(), lambda s: reverse("bornes:structure", args=[s.pk]))
    return _rendre(request, t, format, reverse("bornes:departement_export", args=[d.code, "csv"]))


@login_required
def structure(request, pk, format=None):
    s = get_object_or_404(Structure.objects.select_related("commune__departement"), pk=pk)
    if not permissions_bornes.peut_voir_satisfaction_structure(request.user, s):
        raise PermissionDenied
    t = resultats.structure(s, services.periode_12_mois())
    return _rendre(
        request,
        t,
        format,
        reverse("bornes:structure_export", args=[s.pk, "csv"]),
        structure=s,
    )


@login_required
@require_http_methods(["GET", "POST"])
def ouvrir_plan(request, pk):
    """Un plan d'action sur la satisfaction d'une structure (origine « borne », la structure pour source) :
    préfecture de son département, équipe nationale."""
    s = get_object_or_404(Structure.objects.select_related("commune__departement"), pk=pk)
    if not permissions_bornes.peut_ouvrir_plan_satisfaction(request.user, s):
        raise PermissionDenied
    periode = services.periode_12_mois()
    total = resultats.structure(s, periode).total
    score = f" : {total.part_satisfaits * 100:.0f} % de satisfaits" if total.part_satisfaits is not None else ""
    form = PlanSatisfactionForm(
        request.POST or None, initial={"titre": f"Satisfaction des usagers de {s.nom}{score} ({periode.libelle})"}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            plan = plans.ouvrir_plan(
                titre=d["titre"],
                origine=Origine.BORNE,
                departement=s.commune.departement,
                auteur=request.user,
                structure=s,
                source=s,
                actions=[{"libelle": d["libelle"], "echeance": d["echeance"]}],
            )
        except ValidationError as exc:
            for champ, erreurs in exc.message_dict.items():
                form.add_error(champ if champ in form.fields else None, erreurs)
        else:
            messages.success(request, f"Le plan d'action « {plan.titre} » est ouvert.")
            return redirect(plan)
    return render(
        request,
        "bornes/plan.html",
        {"titre": "Ouvrir un plan d'action sur la satisfaction", "form": form, "structure": s, "total": total},
        status=400 if form.is_bound else 200,
    )


# Le code QR remis par l'agent après un accompagnement

ACCOMPAGNEMENTS_RECENTS = 5


@login_required
@require_http_methods(["GET", "POST"])
def code_qr(request):
    """Les derniers accompagnements de l'agent (des 24 dernières heures) ; pour l'un d'eux, un code QR à
    usage unique qui ouvre les questions de la borne sur le téléphone de l'usager."""
    if not permissions.peut_saisir(request.user):
        raise PermissionDenied
    recents = (
        Accompagnement.objects.filter(
            agent=request.user,
            structure__in=permissions.structures_de_l_agent(request.user),
            le__gte=timezone.now() - timedelta(hours=24),
        )
        .select_related("structure", "operateur", "demarche")
        .order_by("-le")[:ACCOMPAGNEMENTS_RECENTS]
    )
    invitation = None
    if request.method == "POST":
        accompagnement = Accompagnement.objects.filter(pk=request.POST.get("accompagnement") or None).first()
        if not permissions_bornes.peut_inviter_avis(request.user, accompagnement):
            raise Http404("Aucun accompagnement de votre saisie à cette adresse.")
        objet, clair = services.inviter(accompagnement, request.user)
        adresse = request.build_absolute_uri(reverse("bornes:avis", args=[clair]))
        invitation = {"objet": objet, "adresse": adresse, "qr": qr_code_svg(adresse, "Code QR pour donner son avis")}
    reponse = render(
        request,
        "bornes/code_qr.html",
        {"titre": "Avis de l'usager par code QR", "recents": recents, "invitation": invitation},
    )
    reponse["Cache-Control"] = "no-store"
    return reponse
