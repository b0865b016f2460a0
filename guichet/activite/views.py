import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from guichet import hors_ligne, permissions
from guichet.activite import permissions as permissions_activite
from guichet.activite import services
from guichet.activite.forms import AccompagnementForm
from guichet.activite.models import Resultat

# Ce que le service worker garde pour travailler hors ligne, en plus de la page de saisie.
FICHIERS_HORS_LIGNE = [
    "dsfr/dist/dsfr/dsfr.min.css",
    "dsfr/dist/utility/utility.min.css",
    "css/dsfr-django-overrides.css",
    "dsfr/dist/dsfr/dsfr.module.min.js",
    "dsfr/dist/dsfr/dsfr.nomodule.min.js",
    "dsfr/dist/fonts/Marianne-Regular.woff2",
    "dsfr/dist/fonts/Marianne-Medium.woff2",
    "dsfr/dist/fonts/Marianne-Bold.woff2",
    "dsfr/dist/favicon/android-chrome-192x192.png",
    "dsfr/dist/favicon/android-chrome-512x512.png",
    "guichet/guichet.css",
    "activite/saisie.css",
    "activite/saisie.js",
]


@login_required
@require_http_methods(["GET", "POST"])
def saisie(request):
    """La saisie pas à pas : le script de la page la mène côté navigateur (et hors ligne) ; sans
    script, chaque réponse recharge la page avec la question suivante."""
    if not permissions.peut_saisir(request.user):
        raise PermissionDenied
    params = request.POST if request.method == "POST" else request.GET
    saisie = services.Saisie(request.user, params.get("structure"))
    erreurs = []
    if request.method == "POST":
        try:
            (ligne,) = services.enregistrer_lot(request.user, [services.donnees_du_formulaire(request.POST)])
        except services.LotInvalide as e:
            erreurs = e.erreurs
        else:
            if ligne.statut != services.CREE:
                messages.info(request, "Cet accompagnement était déjà enregistré.")
            garder = {c: request.POST[c] for c in ("structure", "canal") if request.POST.get(c)}
            if ligne.statut == services.CREE:
                garder["enregistre"] = str(ligne.id)
            return redirect(f"{reverse('activite:saisie')}?{urlencode(garder)}")
    parcours = saisie.parcours(params)
    question = params.get("q", "").strip()
    contexte = {
        "titre": "Saisir un accompagnement",
        "parcours": parcours,
        "erreurs": erreurs,
        "recherche": question,
        "resultats": saisie.rechercher(question) if question and parcours.etape == "operateur" else None,
        "identifiant": uuid.uuid4(),
        "evenements": list(saisie.ref.evenements.values()),
        "choix": services.CHOIX,
        "comme_derniere_fois": _comme_derniere_fois(saisie),
        "donnees": saisie.en_json(),
        "enregistre": _enregistre(request.user, params.get("enregistre")) if request.method == "GET" else None,
    }
    reponse = render(request, "activite/saisie.html", contexte)
    # La page est gardée par le service worker pour le hors-ligne, pas par les caches HTTP.
    reponse["Cache-Control"] = "no-store" if request.GET else "no-cache, private"
    return reponse


def _enregistre(user, identifiant):
    """L'accompagnement que la page vient d'enregistrer (sans JavaScript) : confirmation, « Annuler » tant
    que c'est possible, et l'ouverture de la demande au back-office s'il y a été transmis."""
    if not identifiant:
        return None
    accompagnement = services.annulable(user, identifiant)
    if accompagnement is None:
        return None
    return {
        "accompagnement": accompagnement,
        "demande": _adresse_demande(accompagnement) if accompagnement.resultat == Resultat.BACK_OFFICE else "",
    }


def _adresse_demande(accompagnement):
    """La demande au back-office pré-remplie (opérateur, démarche, structure) et rattachée à l'accompagnement."""
    parametres = {
        "structure": accompagnement.structure_id,
        "operateur": accompagnement.operateur.code,
        "accompagnement": accompagnement.pk,
    }
    if accompagnement.demarche_id:
        parametres["demarche"] = accompagnement.demarche.code
    return f"{reverse('demandes:nouvelle')}?{urlencode(parametres)}"


@login_required
@require_POST
def annuler(request):
    """« Annuler » juste après l'enregistrement (bouton de la page, avec ou sans JavaScript)."""
    if not permissions.peut_saisir(request.user):
        raise PermissionDenied
    fait = services.annuler(request.user, request.POST.get("id"))
    json_attendu = "application/json" in request.headers.get("Accept", "")
    if json_attendu:
        if not fait:
            return JsonResponse(
                {"detail": "Cet accompagnement ne peut plus être annulé : corrigez-le depuis « Mes saisies »."},
                status=409,
            )
        return JsonResponse({"detail": "Accompagnement annulé."})
    if fait:
        messages.success(request, "Accompagnement annulé : il n'est pas compté.")
    else:
        messages.error(request, "Cet accompagnement ne peut plus être annulé : corrigez-le depuis « Mes saisies ».")
    garder = {c: request.POST[c] for c in ("structure", "canal") if request.POST.get(c)}
    return redirect(f"{reverse('activite:saisie')}?{urlencode(garder)}")


def _comme_derniere_fois(saisie):
    if saisie.derniere is None:
        return None
    valeurs = services.valeurs_de(saisie.derniere)
    valeurs.pop("duree")
    return {
        "url": "?" + urlencode(valeurs),
        "libelle": saisie.libelle_demarche(services.cle_demarche(valeurs["operateur"], valeurs["demarche"])),
    }


@login_required
def mes_saisies(request):
    if not permissions.peut_saisir(request.user):
        raise PermissionDenied
    accompagnements = (
        permissions_activite.accompagnements_corrigeables(request.user)
        .select_related("structure", "operateur", "demarche")
        .order_by("-le")
    )
    return render(
        request,
        "activite/mes_saisies.html",
        {"titre": "Mes saisies des 7 derniers jours", "accompagnements": accompagnements},
    )


def _corrigeable(request, pk):
    accompagnement = permissions_activite.accompagnements_corrigeables(request.user).filter(pk=pk).first()
    if accompagnement is None:
        raise Http404("Aucun accompagnement à corriger à cette adresse.")
    return accompagnement


@login_required
@require_http_methods(["GET", "POST"])
def corriger(request, pk):
    accompagnement = _corrigeable(request, pk)
    form = AccompagnementForm(request.POST or None, instance=accompagnement, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, "Accompagnement corrigé.")
        return redirect("activite:mes_saisies")
    return render(
        request,
        "activite/corriger.html",
        {"titre": "Corriger un accompagnement", "form": form, "accompagnement": accompagnement},
    )


@login_required
@require_http_methods(["GET", "POST"])
def supprimer(request, pk):
    accompagnement = _corrigeable(request, pk)
    if request.method == "POST":
        accompagnement.delete()  # instance.delete() : les statistiques suivent par le signal post_delete
        messages.success(request, "Accompagnement supprimé.")
        return redirect("activite:mes_saisies")
    return render(
        request,
        "activite/supprimer.html",
        {"titre": "Supprimer un accompagnement", "accompagnement": accompagnement},
    )


# Application installable : manifeste et service worker (servis sous /espace/activite/ pour en couvrir la portée)


def service_worker(request):
    """Le service worker de la saisie hors ligne, avec la liste des fichiers à garder et leur version."""
    return hors_ligne.service_worker(
        gabarit="activite/sw.js",
        page=reverse("activite:saisie"),
        portee=reverse("activite:saisie").rsplit("/", 2)[0] + "/",
        fichiers=FICHIERS_HORS_LIGNE,
        empreintes=("activite/saisie.js", "activite/saisie.css"),
    )


def manifeste(request):
    portee = reverse("activite:saisie").rsplit("/", 2)[0] + "/"
    reponse = JsonResponse(
        {
            "name": "Saisie de l'activité — guichet France Services",
            "short_name": "Saisie FS",
            "description": "Saisir les accompagnements, même sans réseau.",
            "lang": "fr",
            "start_url": reverse("activite:saisie"),
            "scope": portee,
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#000091",
            "icons": [
                {
                    "src": static("dsfr/dist/favicon/android-chrome-192x192.png"),
                    "sizes": "192x192",
                    "type": "image/png",
                },
                {
                    "src": static("dsfr/dist/favicon/android-chrome-512x512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                },
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
    reponse["Cache-Control"] = "no-cache"
    return reponse
