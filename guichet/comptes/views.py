from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render


class Connexion(auth_views.LoginView):
    template_name = "comptes/connexion.html"
    redirect_authenticated_user = True


@login_required
def double_facteur(request):
    return render(request, "comptes/double_facteur.html", {"titre": "Second facteur"})


@login_required
def espace(request):
    return render(request, "comptes/espace.html", {"titre": "Mon espace"})
