from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from guichet import permissions
from guichet.connaissances import passages, services
from guichet.connaissances.forms import RechercheForm
from guichet.connaissances.models import Fiche


def _autoriser(request):
    if not permissions.est_professionnel(request.user):
        raise PermissionDenied("La base de connaissances est réservée aux professionnels du réseau.")


@login_required
def recherche(request):
    _autoriser(request)
    operateurs = list(services.operateurs_filtrables())
    themes = list(services.themes_principaux())
    form = RechercheForm(request.GET or None, operateurs=operateurs, themes=themes)
    reponse = page = None
    resultats = []
    if form.is_valid() and form.cleaned_data["q"].strip():
        donnees = form.cleaned_data
        reponse, page = services.page_de_resultats(
            donnees["q"],
            request.GET.get("page"),
            operateur=donnees["operateur"] or None,
            theme=donnees["theme"] or None,
            mode=donnees["mode"] or "auto",
        )
        resultats = [{"r": r, "boutons": services.boutons_resultat(r.fiche)} for r in reponse.resultats]
    contexte = {
        "titre": "Base de connaissances"
        if reponse is None
        else f"« {form.cleaned_data['q']} » — Base de connaissances",
        "form": form,
        "reponse": reponse,
        "resultats": resultats,
        "page_obj": page,
        "hybride": services.hybride_disponible(),
        "fraicheur": services.fraicheur(),
    }
    return render(request, "connaissances/recherche.html", contexte)


@login_required
def fiche(request, identifiant):
    _autoriser(request)
    fiche = get_object_or_404(Fiche, identifiant=identifiant)
    # ?passage=section-2-cas-1 : la page s'ouvre au passage trouvé par la recherche (onglet, accordéons dépliés).
    ouverts = passages.a_ouvrir(fiche.contenu, request.GET.get("passage", ""))
    contexte = {"titre": fiche.titre, "fiche": fiche, **services.page_fiche(fiche, ouverts)}
    return render(request, "connaissances/fiche.html", contexte)
