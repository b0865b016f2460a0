from django.shortcuts import get_object_or_404, render

from guichet.reseau.models import Structure


def accueil(request):
    return render(request, "reseau/accueil.html", {"titre": "Accueil"})


def trouver(request):
    return render(request, "reseau/trouver.html", {"titre": "Trouver une France services"})


def structure(request, matricule):
    structure = get_object_or_404(Structure, matricule=matricule)
    return render(request, "reseau/structure.html", {"titre": structure.nom, "structure": structure})
