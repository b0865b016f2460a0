from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from guichet import permissions
from guichet.accueil import blocs_pour
from guichet.comptes import proconnect, services
from guichet.comptes.forms import CodeEnrolementForm, CodeForm, ConnexionForm, InscriptionForm
from guichet.comptes.models import Invitation


class Connexion(auth_views.LoginView):
    template_name = "comptes/connexion.html"
    authentication_form = ConnexionForm
    redirect_authenticated_user = True
    extra_context = {"titre": "Connexion à l'espace professionnel"}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"proconnect": proconnect.actif()}

    def get_success_url(self):
        url = super().get_success_url()
        if permissions.exige_double_facteur(self.request.user):
            return f"{reverse('comptes:double_facteur')}?{urlencode({'next': url})}"
        return url


class Deconnexion(auth_views.LogoutView):
    http_method_names = ["post", "options"]


@login_required
@require_http_methods(["GET", "POST"])
def double_facteur(request):
    """Saisie du code TOTP ; ou, sans appareil confirmé, enrôlement en deux temps.

    L'enrôlement exige d'abord un code d'enrôlement remis hors ligne (le mot de passe seul ne suffit pas),
    puis montre le secret à cette session seulement, et le confirme par un premier code juste.
    """
    suite = services.url_suivante(request)
    if request.user.is_verified() or proconnect.double_facteur_assure(request):
        return redirect(suite)
    appareil = services.appareil_confirme(request.user)
    enrolement = appareil is None
    if enrolement:
        appareil = services.appareil_en_enrolement(request)
        if appareil is None:
            return _code_enrolement(request, suite)

    form = CodeForm(request.POST or None)
    if form.is_valid():
        erreur = services.verifier_code(appareil, form.cleaned_data["code"])
        if erreur is None:
            appareil.refresh_from_db()
            services.valider_session(request, appareil)
            if enrolement:
                messages.success(request, "Votre application d'authentification est enregistrée.")
            return redirect(suite)
        form.add_error("code", erreur)

    contexte = {
        "titre": "Activer la double authentification" if enrolement else "Double authentification",
        "form": form,
        "etape": "enrolement" if enrolement else "verification",
        "suite": suite,
    }
    if enrolement:
        contexte |= {"qr_code": services.qr_code_svg(appareil), "secret": services.secret_lisible(appareil)}
    return render(request, "comptes/double_facteur.html", contexte)


def _code_enrolement(request, suite):
    form = CodeEnrolementForm(request.POST or None)
    if form.is_valid():
        if services.utiliser_code_enrolement(request, form.cleaned_data["code_enrolement"]) is not None:
            return redirect(f"{reverse('comptes:double_facteur')}?{urlencode({'next': suite})}")
        form.add_error(
            "code_enrolement",
            "Ce code d'enrôlement n'est pas valable (erroné, déjà utilisé ou expiré). "
            "Demandez-en un nouveau à l'équipe nationale.",
        )
    contexte = {"titre": "Activer la double authentification", "form": form, "etape": "code", "suite": suite}
    return render(request, "comptes/double_facteur.html", contexte)


@login_required
def espace(request):
    user = request.user
    if permissions.seulement_agent(user) and "compte" not in request.GET:
        # La page d'accueil d'un conseiller ou d'un responsable de structure est son bureau ;
        # « Mon compte » (?compte=1) garde cette page pour ses rôles et la sécurité.
        return redirect("bureau:accueil")
    habilitations = list(
        user.habilitations.select_related("structure", "operateur", "departement").order_by("role", "pk")
    )
    ou_inviter = permissions.ou_inviter_parmi(user, [h.structure_id for h in habilitations])
    for habilitation in habilitations:
        habilitation.peut_inviter = habilitation.structure_id in ou_inviter
    return render(
        request,
        "comptes/espace.html",
        {
            "titre": "Mon espace",
            "habilitations": habilitations,
            "voit_des_structures": permissions.structures_visibles(user).exists(),
            "double_facteur_actif": user.is_verified() or proconnect.double_facteur_assure(request),
            # Les jetons d'API servent aux logiciels qui saisissent l'activité : ils se gèrent avec le compte.
            "jetons_api": permissions.peut_saisir(user),
            # Le tableau d'accueil : les blocs de chaque application pour ce rôle (guichet.accueil).
            "blocs": blocs_pour(user),
        },
    )


@require_http_methods(["GET", "POST"])
def invitation(request, jeton):
    invitation = Invitation.objects.select_related("structure").filter(jeton=jeton).first()
    if invitation is None:
        return _invitation_invalide(request, None, status=404)
    if not invitation.utilisable:
        return _invitation_invalide(request, invitation)

    contexte = {"titre": "Invitation", "invitation": invitation}
    existant = services.compte_existant(invitation)
    if existant is not None:
        if not request.user.is_authenticated:
            connexion = f"{reverse('comptes:connexion')}?{urlencode({'next': request.path})}"
            return render(request, "comptes/invitation.html", contexte | {"etat": "connexion", "connexion": connexion})
        if request.user.pk != existant.pk:
            return render(request, "comptes/invitation.html", contexte | {"etat": "autre_compte"})
        if request.method == "POST":
            try:
                services.accepter_invitation(invitation, request.user)
            except services.InvitationInutilisable:
                return _invitation_invalide(request, invitation)
            messages.success(request, f"Vous avez rejoint l'équipe de {invitation.structure}.")
            return redirect("comptes:espace")
        return render(request, "comptes/invitation.html", contexte | {"etat": "rejoindre"})

    if request.user.is_authenticated:
        return render(request, "comptes/invitation.html", contexte | {"etat": "autre_compte"})
    form = InscriptionForm(request.POST or None, invitation=invitation)
    if form.is_valid():
        try:
            utilisateur = services.creer_compte_par_invitation(
                invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except services.InvitationInutilisable:
            return _invitation_invalide(request, invitation)
        login(request, utilisateur, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Votre compte est créé. Bienvenue dans l'équipe de {invitation.structure}.")
        return redirect("comptes:espace")
    return render(request, "comptes/invitation.html", contexte | {"etat": "inscription", "form": form})


def _invitation_invalide(request, invitation, status=410):
    if invitation is not None:
        invitation.refresh_from_db()
    return render(
        request,
        "comptes/invitation_invalide.html",
        {"titre": "Lien d'invitation non valable", "invitation": invitation},
        status=status,
    )
