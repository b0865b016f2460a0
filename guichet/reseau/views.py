import hashlib
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from guichet.reseau import cache_de_page, carte, services
from guichet.reseau.annuaire import annuaire
from guichet.reseau.models import Jour, Structure
from guichet.territoires import fond_de_carte


def accueil(request):
    nombre = Structure.objects.ouvertes_au_public().count()
    return render(request, "reseau/accueil.html", {"titre": "Accueil", "nombre_structures": nombre})


def _coordonnee(valeur):
    try:
        return float(valeur.replace(",", "."))
    except (AttributeError, ValueError):
        return None


def trouver(request):
    maintenant = timezone.now()
    demande = urlencode(sorted((k, v) for k, v in request.GET.items() if k in ("q", "commune", "lat", "lon")))
    # La page dépend de la demande et du contenu de l'annuaire ; l'heure, elle, est réglée par l'instant
    # jusqu'auquel la page reste juste (voir services.valable_jusqu_a).
    cle = f"trouver:{hashlib.sha256(demande.encode()).hexdigest()[:24]}:{annuaire().empreinte}"
    return cache_de_page.servir(request, cle, lambda: _rendre_trouver(request, maintenant), maintenant)


def _rendre_trouver(request, maintenant):
    recherche = services.rechercher(
        texte=request.GET.get("q", ""),
        code_commune=request.GET.get("commune", ""),
        latitude=_coordonnee(request.GET.get("lat")),
        longitude=_coordonnee(request.GET.get("lon")),
        maintenant=maintenant,
    )
    reponse = render(
        request,
        "reseau/trouver.html",
        {
            "titre": "Trouver une France services",
            "q": request.GET.get("q", ""),
            "recherche": recherche,
            "carte": carte.donnees_de_recherche(recherche),
        },
    )
    return reponse, services.valable_jusqu_a(recherche, maintenant)


def structure(request, matricule):
    structure = get_object_or_404(
        Structure.objects.select_related("commune__departement").prefetch_related(
            "creneaux", "exceptions", "operateurs", "passages__commune"
        ),
        matricule=matricule,
    )
    if structure.label_a_venir():
        raise Http404("Cette structure ouvrira au public à sa date de labellisation.")
    maintenant = timezone.now()
    semaine = structure.semaine()
    jours = [(libelle, semaine.jours.get(valeur)) for valeur, libelle in Jour.choices]
    ouverture = services.ouverture_de(structure, maintenant)
    return render(
        request,
        "reseau/structure.html",
        {
            "titre": structure.nom,
            "structure": structure,
            "jours": jours,
            "horaires_connus": bool(semaine.jours),
            "ouverture": ouverture,
            "ouvert": ouverture.ouvert,
            "prochaine_ouverture": ouverture.prochaine_ouverture,
            "fermeture": ouverture.fermeture,
            "passages": services.prochaines_dates(structure.passages.all(), maintenant, jours=14),
            "itineraire": carte.liens_itineraire(structure.latitude, structure.longitude, structure.nom)
            if structure.forme == Structure.Forme.FIXE
            else {},
            "carte": carte.donnees_de_structure(structure),
        },
    )


def _fichier(request, contenu, empreinte):
    """Un fichier du fond de carte : public, gardé un jour par le navigateur, revalidé par son empreinte."""
    etag = f'"{empreinte}"'
    # La compression transforme l'ETag en ETag faible (W/"…") : les deux formes valent.
    if request.headers.get("If-None-Match", "").removeprefix("W/") == etag:
        reponse = HttpResponse(status=304)
    else:
        reponse = HttpResponse(contenu, content_type="application/geo+json")
    reponse["ETag"] = etag
    patch_cache_control(reponse, public=True, max_age=86400)
    return reponse


@require_GET
@gzip_page
def fond_index(request):
    """Les départements (emprise, contour très simplifié) : le fond des vues les plus larges."""
    return _fichier(request, *fond_de_carte.fichier_index())


@require_GET
@gzip_page
def fond_departement(request, code, niveau):
    """Les contours des communes d'un département et le nom des villes, à un niveau de détail."""
    try:
        return _fichier(request, *fond_de_carte.fichier_departement(code, niveau))
    except fond_de_carte.DepartementInconnu:
        raise Http404("Département ou niveau inconnu.") from None
