"""Les pages de la couverture : nationale (équipe nationale), départementale (préfecture), exports, scénarios.

Rien n'est enregistré par ces pages : un scénario (ajouts, retraits, déplacements) vit dans l'adresse de la
page (paramètres GET), recalculé à chaque affichage. Sans JavaScript, chaque changement recharge la page ; avec,
la page demande le même scénario à `scenario` (JSON) et ne remplace que ses chiffres, ses tableaux et sa carte.
La couverture de départ du département (état des nœuds de route compris) reste en mémoire du processus."""

import io
import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from guichet.couverture import calcul, services
from guichet.couverture import permissions as permissions_couverture
from guichet.couverture.donnees import LIBELLES_TYPES
from guichet.couverture.models import Mesure
from guichet.couverture.routier import GrapheIndisponible
from guichet.reseau.carte import reglages
from guichet.tableurs import EcrivainCsv
from guichet.territoires.models import Commune, Departement

LIGNES_ZONES_BLANCHES = 100
LIGNES_COMMUNES_QUI_CHANGENT = 200
CHIFFRES_JSON = ("population_totale", "population_sous_seuil", "part_sous_seuil")


@login_required
def accueil(request):
    if permissions_couverture.peut_voir_couverture_nationale(request.user):
        return redirect("couverture:nationale")
    departements = list(permissions_couverture.departements_couverture(request.user))
    if not departements:
        raise PermissionDenied
    if len(departements) == 1:
        # Le moteur et la variante demandés suivent (« …/couverture/?moteur=routier »).
        adresse = reverse("couverture:departement", args=[departements[0].code])
        return redirect(f"{adresse}?{request.GET.urlencode()}" if request.GET else adresse)
    return render(
        request, "couverture/accueil.html", {"titre": "Couverture du territoire", "departements": departements}
    )


@login_required
def nationale(request):
    if not permissions_couverture.peut_voir_couverture_nationale(request.user):
        raise PermissionDenied
    s = services.synthese_nationale()
    noms = dict(Departement.objects.values_list("code", "nom"))
    lignes = [
        {
            "code": code,
            "nom": noms.get(code, code),
            "population": d["population_totale"],
            "part_20": calcul.pourcentage(d["part_sous_seuil"]["20"]),
            "part_30": calcul.pourcentage(d["part_sous_seuil"]["30"]),
            "hors_20": d["population_totale"] - d["population_sous_seuil"]["20"],
        }
        for code, d in sorted(s["par_departement"].items(), key=lambda x: (x[1]["part_sous_seuil"]["20"], x[0]))
    ]
    return render(
        request,
        "couverture/nationale.html",
        {
            "titre": "Couverture du territoire : France",
            "synthese": s,
            "chiffres": calcul.lignes_de_synthese(s),
            "lignes": lignes,
            "mesures": Mesure.objects.filter(moteur="estimation").order_by("-date")[:30],
            "mesures_routier": Mesure.objects.filter(moteur="routier").order_by("-date")[:30],
        },
    )


def _departement_permis(request, code) -> Departement:
    departement = get_object_or_404(Departement, code=code)
    if not permissions_couverture.peut_voir_couverture_departement(request.user, departement):
        raise PermissionDenied
    return departement


def _couverture(request, departement):
    nom_moteur = request.GET.get("moteur", "estimation")
    if nom_moteur not in services.MOTEURS:
        nom_moteur = "estimation"
    fixes = request.GET.get("variante") == "fixes"
    erreur_moteur = ""
    try:
        c = services.couverture_memorisee(departement.code, nom_moteur, fixes_seulement=fixes)
    except GrapheIndisponible as erreur:
        erreur_moteur = str(erreur)
        c = services.couverture_memorisee(departement.code, "estimation", fixes_seulement=fixes)
    return c, fixes, erreur_moteur


def _entier(texte, defaut, mini, maxi):
    try:
        return max(mini, min(maxi, int(texte)))
    except (TypeError, ValueError):
        return defaut


def _scenario(request, departement) -> dict:
    """Ce que la page et sa réponse JSON montrent : la couverture de départ (gardée en mémoire du processus, état
    des nœuds de route compris) et, s'il y a un scénario dans l'adresse, ses écarts ; rien n'est enregistré."""
    c, fixes, erreur_moteur = _couverture(request, departement)
    changement, erreurs, descriptions = services.lire_changement(request.GET, c)
    scenario = bool(descriptions)
    apres = calcul.appliquer(c, changement) if scenario else c
    avant_s = calcul.synthese(c)
    apres_s = calcul.synthese(apres) if scenario else avant_s
    lieux = [
        d.en_dict() | {"indice": i}
        for i, d in enumerate(apres.destinations.liste)
        if (d.departement == departement.code or not d.departement) and apres.actives[i]
    ]
    return {
        "departement": departement,
        "couverture": c,
        "apres_couverture": apres,
        "moteur": apres.moteur,
        "erreur_moteur": erreur_moteur,
        "fixes": fixes,
        "avant": avant_s,
        "apres": apres_s,
        "lignes_avant": calcul.lignes_de_synthese(avant_s),
        "lignes_apres": calcul.lignes_de_synthese(apres_s),
        "scenario": scenario,
        "ecarts": calcul.ecarts(c, apres) if scenario else None,
        "erreurs": erreurs,
        "descriptions": descriptions,
        "zones_blanches": calcul.zones_blanches(apres, calcul.SEUIL_PROMESSE, LIGNES_ZONES_BLANCHES),
        "nombre_zones_blanches": int((~(apres.minutes <= calcul.SEUIL_PROMESSE)).sum()),
        "lieux": lieux,
        "minutes": {
            str(code): calcul.minutes_arrondies(m) for code, m in zip(apres.origines.codes, apres.minutes, strict=True)
        },
        "parametres_export": request.GET.urlencode(),
    }


def _lieux_de_la_carte(lieux) -> list[dict]:
    return [{k: lieu[k] for k in ("nom", "type", "type_libelle", "lat", "lon", "horaires")} for lieu in lieux]


@login_required
def departement(request, code):
    departement = _departement_permis(request, code)
    contexte = _scenario(request, departement)
    c, apres = contexte["couverture"], contexte["apres_couverture"]
    implantation = None
    if "implanter" in request.GET:
        implantation = services.implanter(apres, _entier(request.GET.get("implanter"), 3, 1, 10))
    communes = sorted(
        ({"code": str(code), "nom": str(nom)} for code, nom in zip(c.origines.codes, c.origines.noms, strict=True)),
        key=lambda x: x["nom"],
    )
    carte = {
        **reglages(),
        "departement": departement.code,
        "minutes": contexte["minutes"],
        "lieux": _lieux_de_la_carte(contexte["lieux"]),
        "scenario_json": reverse("couverture:scenario", args=[departement.code]),
    }
    if len(c.origines):
        carte["centre"] = [float(c.origines.lat.mean()), float(c.origines.lon.mean())]
    return render(
        request,
        "couverture/departement.html",
        contexte
        | {
            "titre": f"Couverture du territoire : {departement.nom}",
            "moteurs_disponibles": [m for m in services.MOTEURS if m == "estimation" or services.routier_disponible()],
            "communes": communes,
            "carte": carte,
            "implantation": implantation,
            "libelles_types": LIBELLES_TYPES,
            "moteur_choisi": request.GET.get("moteur", "estimation"),
        },
    )


@login_required
def scenario(request, code):
    """Le scénario de l'adresse, en JSON, pour que la page se mette à jour sans se recharger : les chiffres, les
    communes qui changent, les minutes de chaque commune (la carte), les zones blanches ; et les morceaux de la page
    qu'ils remplacent, rendus par les mêmes gabarits que la page. Mêmes droits que la page."""
    departement = _departement_permis(request, code)
    contexte = _scenario(request, departement)
    ecarts = contexte["ecarts"]
    fragments = {
        nom: render_to_string(f"couverture/_{nom}.html", contexte, request=request)
        for nom in ("resultats", "communes_qui_changent", "zones_blanches", "scenario_cache", "options_lieux", "lieux")
    }
    return JsonResponse(
        {
            "moteur": contexte["moteur"].nom,
            "moteur_libelle": contexte["moteur"].libelle,
            "scenario": contexte["scenario"],
            "erreurs": contexte["erreurs"],
            "descriptions": [d["texte"] for d in contexte["descriptions"]],
            "avant": {k: contexte["avant"][k] for k in CHIFFRES_JSON},
            "apres": {k: contexte["apres"][k] for k in CHIFFRES_JSON},
            "ecarts": None if ecarts is None else {k: v for k, v in ecarts.items() if k != "communes"},
            "communes_qui_changent": [] if ecarts is None else ecarts["communes"][:LIGNES_COMMUNES_QUI_CHANGENT],
            "nombre_communes_qui_changent": 0 if ecarts is None else len(ecarts["communes"]),
            "minutes": contexte["minutes"],
            "zones_blanches": contexte["zones_blanches"],
            "nombre_zones_blanches": contexte["nombre_zones_blanches"],
            "lieux": _lieux_de_la_carte(contexte["lieux"]),
            "adresse": reverse("couverture:departement", args=[departement.code])
            + (f"?{contexte['parametres_export']}" if contexte["parametres_export"] else ""),
            "fragments": fragments,
        }
    )


@login_required
def export(request, code, format):
    departement = _departement_permis(request, code)
    if format not in ("csv", "geojson"):
        raise Http404
    c, fixes, _ = _couverture(request, departement)
    lignes = [calcul.ligne_commune(c, i) for i in range(len(c.origines))]
    nom = f"couverture-{departement.code}-{c.moteur.nom}{'-fixes' if fixes else ''}"
    if format == "csv":
        flux = io.StringIO()
        ecrivain = EcrivainCsv(flux, delimiter=";")
        ecrivain.writerow(
            [
                "code_insee",
                "commune",
                "population",
                "minutes",
                "matricule_du_lieu_le_plus_proche",
                "lieu_le_plus_proche",
                "ecart_a_la_route_km",
                "moteur",
            ]
        )
        for ligne in lignes:
            ecrivain.writerow(
                [
                    ligne["code"],
                    ligne["nom"],
                    ligne["population"],
                    "" if ligne["minutes"] is None else ligne["minutes"],
                    ligne["matricule"] or "",
                    ligne["lieu"] or "",
                    ligne["ecart_km"],
                    c.moteur.nom,
                ]
            )
        reponse = HttpResponse(flux.getvalue(), content_type="text/csv; charset=utf-8")
        reponse["Content-Disposition"] = f'attachment; filename="{nom}.csv"'
        return reponse
    contours = dict(Commune.objects.filter(departement=departement).values_list("code", "contour"))
    geo = {
        "type": "FeatureCollection",
        "moteur": c.moteur.nom,
        "features": [
            {"type": "Feature", "properties": ligne | {"moteur": c.moteur.nom}, "geometry": contours.get(ligne["code"])}
            for ligne in lignes
        ],
    }
    reponse = HttpResponse(json.dumps(geo, ensure_ascii=False), content_type="application/geo+json")
    reponse["Content-Disposition"] = f'attachment; filename="{nom}.geojson"'
    return reponse
