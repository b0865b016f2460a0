"""Les blocs d'accueil des demandes : pour les rôles de suivi (préfecture, équipe nationale, auditeur),
les demandes en retard de leur périmètre et les opérateurs nationaux sans référent dans un département ;
pour un référent ou le responsable d'un opérateur, sa boîte (à traiter, en retard, les siennes)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from guichet import permissions
from guichet.accueil import Bloc, Chiffre
from guichet.comptes.models import Habilitation, Role
from guichet.demandes import permissions as permissions_demandes
from guichet.reseau.models import Operateur

NB_DEPARTEMENTS_CITES = 6


def _liste(filtre) -> str:
    return f"{reverse('demandes:liste')}?{urlencode({'vue': 'anonyme', 'filtre': filtre})}"


def operateurs_sans_referent(departements) -> dict:
    """Département → opérateurs nationaux qui n'y ont aucun référent actif (dans l'ordre de l'accord-cadre)."""
    nationaux = list(Operateur.objects.filter(national=True).order_by("ordre", "nom"))
    avec = set(
        Habilitation.objects.actives()
        .filter(role=Role.REFERENT, departement__in=departements)
        .values_list("departement_id", "operateur_id")
    )
    return {d: [o for o in nationaux if (d.pk, o.pk) not in avec] for d in departements}


def _boite(vue, **parametres) -> str:
    return f"{reverse('demandes:liste')}?{urlencode({'vue': vue, **parametres})}"


def bloc_du_referent(user) -> list[Bloc]:
    """La boîte du référent en trois chiffres, chacun lien vers la liste filtrée."""
    if "operateur" not in permissions_demandes.vues_des_demandes(user):
        return []
    # Une requête : les trois comptes sont des filtres de la même boîte (ceux de DemandeQuerySet).
    boite = permissions_demandes.demandes_de_l_operateur(user)
    attendues = boite.en_attente_de_reponse()
    comptes = boite.aggregate(
        a_traiter=Count("pk", filter=Q(pk__in=attendues.values("pk"))),
        en_retard=Count("pk", filter=Q(pk__in=boite.en_retard(timezone.now()).values("pk"))),
        miennes=Count("pk", filter=Q(pk__in=attendues.filter(prise_en_charge_par=user).values("pk"))),
    )
    a_traiter, en_retard, miennes = comptes["a_traiter"], comptes["en_retard"], comptes["miennes"]
    return [
        Bloc(
            titre="Ma boîte de référent",
            ordre=5,
            chiffres=(
                Chiffre("à traiter (réponse attendue)", a_traiter, _boite("operateur", filtre="a_traiter")),
                Chiffre(
                    "en retard (sans première réponse à l'échéance)",
                    en_retard,
                    _boite("operateur", filtre="en_retard"),
                    en_retard > 0,
                ),
                Chiffre("prises en charge par moi", miennes, _boite("operateur", filtre="a_traiter", miennes="1")),
            ),
        )
    ]


def blocs(user) -> list[Bloc]:
    referent = bloc_du_referent(user)
    if not permissions.voit_tableau_d_accueil(user) or "anonyme" not in permissions_demandes.vues_des_demandes(user):
        return referent
    demandes = permissions_demandes.demandes_anonymes(user)
    en_retard = demandes.en_retard(timezone.now()).count()
    en_cours = demandes.ouvertes().count()
    resultat = referent + [
        Bloc(
            titre="Demandes au back-office",
            ordre=20,
            chiffres=(
                Chiffre(
                    "en retard (sans première réponse à l'échéance)", en_retard, _liste("en_retard"), en_retard > 0
                ),
                Chiffre("en cours", en_cours, _liste("en_cours")),
            ),
        )
    ]
    departements = list(permissions.departements_suivis(user).order_by("code"))
    manques = {d: ops for d, ops in operateurs_sans_referent(departements).items() if ops}
    if len(departements) == 1:
        (departement,) = departements
        ops = manques.get(departement, [])
        texte = (
            "Sans référent : " + ", ".join(o.nom for o in ops) + "."
            if ops
            else "Chaque opérateur national a au moins un référent."
        )
        resultat.append(
            Bloc(
                titre=f"Opérateurs sans référent ({departement.nom})",
                ordre=30,
                chiffres=(Chiffre("opérateurs nationaux sans référent", len(ops), alerte=bool(ops)),),
                texte=texte,
            )
        )
    elif departements:
        paires = sum(len(ops) for ops in manques.values())
        pires = sorted(manques.items(), key=lambda item: (-len(item[1]), item[0].code))[:NB_DEPARTEMENTS_CITES]
        texte = " ; ".join(f"{d.nom} ({d.code}) : {len(ops)}" for d, ops in pires)
        resultat.append(
            Bloc(
                titre="Opérateurs sans référent",
                ordre=30,
                chiffres=(
                    Chiffre(
                        "départements où un opérateur national n'a aucun référent", len(manques), alerte=bool(manques)
                    ),
                    Chiffre("couples opérateur × département sans référent", paires, alerte=bool(paires)),
                ),
                texte=f"Les plus dépourvus : {texte}." if pires else "",
            )
        )
    return resultat
