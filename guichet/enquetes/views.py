"""Les pages des enquêtes : campagnes (équipe nationale), questionnaire public et questionnaire des
conseillers, résultats et exports, affiche (lien et QR code), évaluation du back-office des opérateurs."""

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from guichet import permissions
from guichet.enquetes import permissions as permissions_enquetes
from guichet.enquetes import plans, services
from guichet.enquetes.forms import CampagneForm, EvaluationForm, QuestionForm, QuestionnaireForm
from guichet.enquetes.models import Campagne, Etat, EvaluationOperateur, Public
from guichet.journal.services import journaliser
from guichet.plans_d_action import permissions as permissions_plans_d_action
from guichet.qr import qr_code_svg
from guichet.qualite import permissions as permissions_qualite
from guichet.qualite.forms import FiltreQualiteForm
from guichet.reseau.models import Operateur, Structure
from guichet.statistiques import permissions as permissions_statistiques
from guichet.tableurs import EcrivainCsv
from guichet.territoires.models import Departement

PLAFOND_PAR_HEURE = 200  # réponses publiques par campagne et structure : au-delà, un envoi automatique
DUREE_DU_TEMOIN = 400 * 24 * 3600


def _exiger(condition):
    if not condition:
        raise PermissionDenied


# Campagnes


@login_required
def accueil(request):
    _exiger(permissions_enquetes.peut_voir_enquetes(request.user))
    gerer = permissions_enquetes.peut_gerer_enquetes(request.user)
    campagnes = Campagne.objects.all() if gerer else Campagne.objects.filter(debut__lte=timezone.localdate())
    structures = list(permissions.structures_de_l_agent(request.user))
    return render(
        request,
        "enquetes/accueil.html",
        {
            "titre": "Enquêtes annuelles",
            "campagnes": campagnes.prefetch_related("questions"),
            "gerer": gerer,
            "a_repondre": services.campagnes_a_repondre(request.user, [s.pk for s in structures]),
            "structures": structures,
            "evaluer": permissions_enquetes.peut_evaluer_operateurs(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def nouvelle(request):
    _exiger(permissions_enquetes.peut_gerer_enquetes(request.user))
    form = CampagneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.creee_par = request.user
        campagne = form.save()
        messages.success(request, "Campagne créée : ajoutez ses questions.")
        return redirect("enquetes:campagne", campagne.pk)
    return render(request, "enquetes/nouvelle.html", {"titre": "Nouvelle campagne d'enquête", "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def campagne(request, pk):
    _exiger(permissions_enquetes.peut_gerer_enquetes(request.user))
    campagne = get_object_or_404(Campagne, pk=pk)
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        if not campagne.modifiable:
            messages.error(request, "La campagne a commencé : ses questions ne changent plus.")
            return redirect("enquetes:campagne", campagne.pk)
        if form.is_valid():
            form.instance.campagne = campagne
            form.instance.ordre = campagne.questions.count() + 1
            form.save()
            messages.success(request, "Question ajoutée.")
            return redirect("enquetes:campagne", campagne.pk)
    return render(
        request,
        "enquetes/campagne.html",
        {
            "titre": campagne.titre,
            "campagne": campagne,
            "questions": campagne.questions.all(),
            "form": form,
            "nombre_de_reponses": campagne.reponses.count(),
            "participations": campagne.participations.count(),
        },
    )


# Résultats


def _niveau_demande(request, campagne):
    """Le niveau de l'adresse, ou par défaut le plus large que l'utilisateur lit ; 403 hors de ses droits."""
    niveau_code = request.GET.get("niveau", "")
    if niveau_code:
        niveau = services.lire_niveau(niveau_code, request.GET.get("code", ""))
        if niveau is None:
            raise Http404
    else:
        p = permissions.perimetre(request.user)
        departement = permissions_statistiques.departements_statistiques(request.user).order_by("code").first()
        structure = permissions_statistiques.structures_statistiques(request.user).order_by("nom").first()
        if p.tout_voir:
            niveau = services.Niveau("national")
        elif p.departements_suivis and departement is not None:
            niveau = services.Niveau("departement", departement)
        elif structure is not None:
            niveau = services.Niveau("structure", structure)
        else:
            niveau = services.Niveau("national")
    _exiger(permissions_enquetes.peut_voir_resultats_enquete(request.user, niveau))
    return niveau


def _campagne_lisible(request, pk):
    _exiger(permissions_enquetes.peut_voir_enquetes(request.user))
    campagne = get_object_or_404(Campagne, pk=pk)
    if campagne.debut > timezone.localdate() and not permissions_enquetes.peut_gerer_enquetes(request.user):
        raise Http404
    return campagne


def _raccourcis(user):
    """Les niveaux propres à l'utilisateur (sa structure, son département) : des liens directs."""
    liens = []
    if permissions.perimetre(user).tout_voir:
        return liens  # le national descend par le tableau des régions
    for departement in permissions_statistiques.departements_statistiques(user).order_by("code")[:5]:
        liens.append(services.Niveau("departement", departement))
    for structure in permissions.structures_de_l_agent(user)[:5]:
        liens.append(services.Niveau("structure", structure))
    return liens


@login_required
def resultats(request, pk):
    campagne = _campagne_lisible(request, pk)
    return _page_resultats(request, campagne, _niveau_demande(request, campagne))


def _page_resultats(request, campagne, niveau, form_plan=None):
    textes = permissions_enquetes.voit_textes_libres(request.user)
    r = services.calculer(campagne, niveau, textes_libres=textes)
    parent = _parent_lisible(request.user, niveau)
    lisibles = permissions_enquetes.resultats_enquete_lisibles(request.user, [ligne["niveau"] for ligne in r.detail])
    for ligne, lisible in zip(r.detail, lisibles, strict=True):
        ligne["lisible"] = lisible
    return render(
        request,
        "enquetes/resultats.html",
        {
            "titre": f"Résultats — {campagne.titre}",
            "campagne": campagne,
            "r": r,
            "niveau": niveau,
            "parent": parent,
            "vers_national": niveau.code != "national" and (parent is None or parent.code != "national"),
            "textes": textes,
            "raccourcis": [n for n in _raccourcis(request.user) if n not in (niveau, parent)],
            "echelles": [q for q in campagne.questions.all() if q.nature == "echelle"],
            "export": reverse("enquetes:export", args=[campagne.pk]) + "?" + _encoder(niveau),
            **_plans_du_resultat(request.user, campagne, niveau, form_plan),
        },
        status=400 if form_plan is not None else 200,
    )


def _plans_du_resultat(user, campagne, niveau, form=None):
    departement = plans.departement_du_niveau(niveau)
    peut_ouvrir = departement is not None and permissions_plans_d_action.peut_ouvrir_plan(user, departement)
    if peut_ouvrir and form is None:
        form = plans.PlanDepuisConstatForm(
            initial={"titre": f"Enquête « {campagne.titre} » — {niveau.libelle}"}, prefix="plan"
        )
    return {
        "plans": plans.visibles(user, plans.plans_du_resultat(campagne, niveau)),
        "form_plan": form if peut_ouvrir else None,
        "action_plan": reverse("enquetes:plan_resultat", args=[campagne.pk]) + "?" + _encoder(niveau),
    }


@login_required
@require_POST
def plan_resultat(request, pk):
    """Ouvre un plan d'action depuis le résultat d'une structure ou d'un département (préfecture, ANCT)."""
    campagne = _campagne_lisible(request, pk)
    niveau = _niveau_demande(request, campagne)
    departement = plans.departement_du_niveau(niveau)
    _exiger(departement is not None and permissions_plans_d_action.peut_ouvrir_plan(request.user, departement))
    form = plans.PlanDepuisConstatForm(request.POST, prefix="plan")
    if form.is_valid():
        plan = plans.ouvrir(
            form,
            request.user,
            origine="enquete",
            departement=departement,
            structure=niveau.objet if niveau.code == "structure" else None,
            source=campagne,
        )
        if plan is not None:
            messages.success(request, f"Le plan d'action « {plan.titre} » est ouvert.")
            return redirect(plan)
    messages.error(request, "Le plan d'action n'est pas ouvert : voyez les champs signalés.")
    return _page_resultats(request, campagne, niveau, form)


def _parent(niveau):
    if niveau.code == "structure":
        return services.Niveau("departement", niveau.objet.commune.departement)
    if niveau.code == "departement":
        return services.Niveau("region", niveau.objet.region)
    if niveau.code == "region":
        return services.Niveau("national")
    return None


def _parent_lisible(user, niveau):
    """Le premier niveau au-dessus que l'utilisateur peut lire (une structure remonte à sa région si son
    département ne lui est pas ouvert)."""
    parent = _parent(niveau)
    while parent is not None and not permissions_enquetes.peut_voir_resultats_enquete(user, parent):
        parent = _parent(parent)
    return parent


def _encoder(niveau):
    return urlencode(niveau.parametres)


@login_required
def export(request, pk):
    campagne = _campagne_lisible(request, pk)
    niveau = _niveau_demande(request, campagne)
    r = services.calculer(campagne, niveau)
    reponse = HttpResponse(content_type="text/csv; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="enquete-{campagne.pk}-{niveau.code}.csv"'
    lignes = services.en_lignes_csv(r)
    EcrivainCsv(reponse, delimiter=";").writerows(lignes)
    journaliser(
        request.user, "export", ("enquetes.campagne", campagne.pk), {"niveau": niveau.code, "lignes": len(lignes)}
    )
    return reponse


# Répondre


@login_required
@require_http_methods(["GET", "POST"])
def repondre(request, pk):
    campagne = get_object_or_404(Campagne, pk=pk, public=Public.AGENTS)
    _exiger(permissions.est_agent(request.user))
    if not permissions_enquetes.peut_repondre_enquete(request.user, campagne):
        raise Http404
    if services.a_repondu(campagne, request.user):
        messages.info(request, "Vous avez déjà répondu à cette enquête : merci.")
        return redirect("enquetes:accueil")
    form = QuestionnaireForm(request.POST or None, campagne=campagne)
    if request.method == "POST" and form.is_valid():
        structure = permissions.structures_de_l_agent(request.user).order_by("pk").first()
        valeurs = services.valeurs_depuis_formulaire(campagne, form.reponses())
        try:
            services.enregistrer_reponse(campagne, structure, valeurs, agent=request.user)
        except services.DejaRepondu:
            messages.info(request, "Vous avez déjà répondu à cette enquête : merci.")
            return redirect("enquetes:accueil")
        messages.success(request, "Merci : votre réponse est enregistrée, sans votre nom.")
        return redirect("enquetes:accueil")
    return render(request, "enquetes/repondre.html", {"titre": campagne.titre, "campagne": campagne, "form": form})


def _temoin(campagne, structure):
    return f"enquete-{campagne.pk}-{structure.pk}"


def _campagne_publique(pk, matricule):
    campagne = Campagne.objects.filter(pk=pk, public=Public.USAGERS).first()
    structure = Structure.objects.ouvertes_au_public().filter(matricule=matricule[:40]).first()
    if campagne is None or structure is None:
        raise Http404("Cette enquête n'existe pas.")
    return campagne, structure


@require_http_methods(["GET", "POST"])
def questionnaire(request, pk, matricule):
    """Le questionnaire public d'une structure : sans compte, sans adresse IP, une fois par navigateur."""
    campagne, structure = _campagne_publique(pk, matricule)
    contexte = {"titre": campagne.titre, "campagne": campagne, "structure": structure}
    if not campagne.ouverte:
        return render(request, "enquetes/fermee.html", contexte, status=410 if campagne.etat() == "close" else 404)
    if request.get_signed_cookie(_temoin(campagne, structure), default=None, salt="enquetes") is not None:
        return render(request, "enquetes/merci.html", {**contexte, "deja": True})
    form = QuestionnaireForm(request.POST or None, campagne=campagne, structure=structure, public=True)
    if request.method == "POST" and form.is_valid():
        heure = timezone.now().strftime("%Y%m%d%H")
        cle_debit = f"enquete-debit-{campagne.pk}-{structure.pk}-{heure}"
        cache.add(cle_debit, 0, 3600)
        if not cache.add(f"enquete-nonce-{form.nonce}", 1, 3 * 3600) or cache.incr(cle_debit) > PLAFOND_PAR_HEURE:
            form.add_error(
                None, "Ce questionnaire a déjà été envoyé, ou trop de réponses arrivent : réessayez plus tard."
            )
        else:
            with transaction.atomic():
                valeurs = services.valeurs_depuis_formulaire(campagne, form.reponses())
                services.enregistrer_reponse(campagne, structure, valeurs)
            reponse = render(request, "enquetes/merci.html", {**contexte, "deja": False})
            reponse.set_signed_cookie(
                _temoin(campagne, structure),
                "1",
                salt="enquetes",
                max_age=DUREE_DU_TEMOIN,
                httponly=True,
                secure=request.is_secure(),
                samesite="Lax",
            )
            return reponse
    return render(request, "enquetes/questionnaire.html", {**contexte, "form": form})


@login_required
def affiche(request, pk, matricule):
    """Le lien public et le QR code d'une structure pour une enquête des usagers, à imprimer."""
    campagne = get_object_or_404(Campagne, pk=pk, public=Public.USAGERS)
    structure = get_object_or_404(Structure, matricule=matricule[:40])
    _exiger(permissions_enquetes.peut_voir_affiche_enquete(request.user, structure))
    if campagne.etat() == Etat.CLOSE:
        raise Http404  # le questionnaire n'est plus ouvert : pas d'affiche qui y mène
    url = request.build_absolute_uri(reverse("enquete:questionnaire", args=[campagne.pk, structure.matricule]))
    return render(
        request,
        "enquetes/affiche.html",
        {
            "titre": f"Affiche de l'enquête — {structure.nom}",
            "campagne": campagne,
            "structure": structure,
            "url": url,
            "qr": qr_code_svg(url, f"QR code de l'enquête pour {structure.nom}"),
        },
    )


# Évaluation du back-office des opérateurs


@login_required
@require_http_methods(["GET", "POST"])
def evaluations(request):
    structures = list(permissions_enquetes.structures_qui_evaluent(request.user).order_by("nom"))
    _exiger(structures)
    choisie = request.GET.get("structure") or request.POST.get("structure")
    structure = next((s for s in structures if str(s.pk) == choisie), structures[0]) if choisie else structures[0]
    if choisie and str(structure.pk) != choisie:
        raise PermissionDenied
    annee = timezone.localdate().year
    operateurs = list(services.operateurs_a_evaluer())
    existantes = {e.operateur_id: e for e in EvaluationOperateur.objects.filter(annee=annee, structure=structure)}
    formulaires = []
    for operateur in operateurs:
        e = existantes.get(operateur.pk)
        initial = (
            {"joignabilite": e.joignabilite, "delai": e.delai, "utilite": e.utilite, "commentaire": e.commentaire}
            if e
            else {}
        )
        formulaires.append((operateur, EvaluationForm(request.POST or None, prefix=operateur.code, initial=initial)))
    if request.method == "POST":
        if all(form.is_valid() for _, form in formulaires):
            notes = {o: form.cleaned_data for o, form in formulaires if form.note}
            nombre = services.enregistrer_evaluations(structure, request.user, annee, notes)
            messages.success(
                request, f"{nombre} opérateur{'s' if nombre > 1 else ''} noté{'s' if nombre > 1 else ''} pour {annee}."
            )
            return redirect(reverse("enquetes:evaluations") + f"?structure={structure.pk}")
        messages.error(request, "Certaines notes sont incomplètes : voyez les opérateurs signalés.")
    return render(
        request,
        "enquetes/evaluations.html",
        {
            "titre": "Évaluer le back-office des opérateurs",
            "structure": structure,
            "structures": structures,
            "annee": annee,
            "formulaires": formulaires,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_operateur(request):
    """Les notes des structures au back-office d'un opérateur dans un département, ses plans d'action, et
    l'ouverture d'un plan (préfecture du département, ANCT) que le responsable départemental de l'opérateur
    verra et suivra."""
    perimetre = permissions_qualite.perimetre_qualite(request.user)
    _exiger(perimetre is not None)
    operateur = Operateur.objects.filter(pk=_entier(request.GET.get("operateur"))).first()
    departement = Departement.objects.filter(pk=_entier(request.GET.get("departement"))).first()
    if operateur is None or departement is None:
        raise Http404
    _exiger(perimetre.couvre(operateur.pk, departement.pk))
    peut_ouvrir = permissions_plans_d_action.peut_ouvrir_plan(request.user, departement)
    form = None
    if peut_ouvrir:
        titre = f"Back-office {operateur.nom} — {departement.nom} ({departement.code})"
        form = plans.PlanDepuisConstatForm(request.POST or None, initial={"titre": titre}, prefix="plan")
        if request.method == "POST" and form.is_valid():
            plan = plans.ouvrir(
                form,
                request.user,
                origine="evaluation_operateur",
                departement=departement,
                operateur=operateur,
            )
            if plan is not None:
                messages.success(request, f"Le plan d'action « {plan.titre} » est ouvert.")
                return redirect(plan)
    elif request.method == "POST":
        raise PermissionDenied
    annee = timezone.localdate().year
    avis = services.avis_des_structures(
        perimetre,
        date(annee - 1, 1, 1),
        timezone.localdate(),
        operateur_id=operateur.pk,
        departement_id=departement.pk,
        commentaires=permissions_enquetes.voit_textes_libres(request.user),
    )
    return render(
        request,
        "enquetes/plan_operateur.html",
        {
            "titre": f"Back-office {operateur.nom} — {departement.nom}",
            "operateur": operateur,
            "departement": departement,
            "avis": avis[0] if avis else None,
            "depuis": date(annee - 1, 1, 1),
            "seuil": services.SEUIL,
            "plans": plans.visibles(request.user, plans.plans_de_l_operateur(operateur, departement)),
            "form_plan": form,
            "action_plan": request.get_full_path(),
        },
        status=400 if form is not None and form.is_bound else 200,
    )


def _entier(valeur) -> int | None:
    return int(valeur) if valeur and str(valeur).isdigit() and len(str(valeur)) < 12 else None


@login_required
def export_evaluations(request):
    perimetre = permissions_qualite.perimetre_qualite(request.user)
    _exiger(perimetre is not None)
    form = FiltreQualiteForm(request.GET or {}, perimetre=perimetre)
    valide = form.is_valid()
    if form.hors_perimetre() or not valide:
        raise PermissionDenied
    d = form.cleaned_data
    avis = services.avis_des_structures(
        perimetre,
        d["du"],
        d["au"],
        operateur_id=d["operateur"].pk if d["operateur"] else None,
        departement_id=d["departement"].pk if d["departement"] else None,
    )
    reponse = HttpResponse(content_type="text/csv; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="evaluations-operateurs-{d["du"]}-{d["au"]}.csv"'
    ecrivain = EcrivainCsv(reponse, delimiter=";")
    ecrivain.writerow(["operateur", "departement", "du", "au", "structures", "joignabilite", "delai", "utilite"])
    for a in avis:
        moyennes = ["" if a.masque else round(a.moyennes[c], 2) for c in ("joignabilite", "delai", "utilite")]
        ecrivain.writerow([a.operateur.nom, a.departement.code, d["du"], d["au"], a.structures or "", *moyennes])
    journaliser(
        request.user, "export", ("enquetes.evaluations", ""), {"du": d["du"], "au": d["au"], "lignes": len(avis)}
    )
    return reponse
