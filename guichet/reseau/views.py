from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from guichet.reseau import services
from guichet.reseau.models import Jour, Structure


def accueil(request):
    nombre = Structure.objects.ouvertes_au_public().count()
    return render(request, "reseau/accueil.html", {"titre": "Accueil", "nombre_structures": nombre})


def _coordonnee(valeur):
    try:
        return float(valeur.replace(",", "."))
    except (AttributeError, ValueError):
        return None


def trouver(request):
    recherche = services.rechercher(
        texte=request.GET.get("q", ""),
        code_commune=request.GET.get("commune", ""),
        latitude=_coordonnee(request.GET.get("lat")),
        longitude=_coordonnee(request.GET.get("lon")),
    )
    points = [
        {
            "nom": r.structure.nom,
            "lat": r.structure.latitude,
            "lon": r.structure.longitude,
            "url": r.structure.get_absolute_url(),
        }
        for r in recherche.resultats
    ]
    return render(
        request,
        "reseau/trouver.html",
        {
            "titre": "Trouver une France services",
            "q": request.GET.get("q", ""),
            "recherche": recherche,
            "carte": {"centre": recherche.point, "points": points},
        },
    )


def structure(request, matricule):
    structure = get_object_or_404(
        Structure.objects.select_related("commune__departement").prefetch_related(
            "creneaux", "exceptions", "operateurs", "passages__commune"
        ),
        matricule=matricule,
    )
    maintenant = timezone.now()
    semaine = structure.semaine()
    jours = [(libelle, semaine.jours.get(valeur)) for valeur, libelle in Jour.choices]
    return render(
        request,
        "reseau/structure.html",
        {
            "titre": structure.nom,
            "structure": structure,
            "jours": jours,
            "horaires_connus": bool(semaine.jours),
            "ouvert": semaine.est_ouvert(maintenant),
            "prochaine_ouverture": semaine.prochaine_ouverture(maintenant),
            "fermeture": semaine.fermeture(maintenant),
            "passages": services.prochaines_dates(structure.passages.all(), maintenant, jours=14),
            "carte": {
                "centre": (structure.latitude, structure.longitude),
                "points": [{"nom": structure.nom, "lat": structure.latitude, "lon": structure.longitude}],
            },
        },
    )
