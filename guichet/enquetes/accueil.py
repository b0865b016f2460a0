"""Les blocs de « Mon espace » pour les enquêtes : l'équipe nationale voit ses campagnes en cours et à
venir ; un agent, les questionnaires qui l'attendent ; un responsable de structure, l'évaluation annuelle
du back-office des opérateurs."""

from django.urls import reverse
from django.utils import timezone

from guichet import permissions
from guichet.accueil import Bloc, Chiffre
from guichet.enquetes import permissions as permissions_enquetes
from guichet.enquetes import services
from guichet.enquetes.models import Campagne, EvaluationOperateur


def blocs(user) -> list[Bloc]:
    if not permissions_enquetes.peut_voir_enquetes(user):
        return []
    url = reverse("enquetes:accueil")
    chiffres, liens = [], []
    if permissions_enquetes.peut_gerer_enquetes(user):
        jour = timezone.localdate()
        chiffres.append(Chiffre("campagnes ouvertes", Campagne.objects.ouvertes(jour).count(), url))
        chiffres.append(Chiffre("campagnes à venir", Campagne.objects.filter(debut__gt=jour).count(), url))
        liens.append(("Nouvelle campagne", reverse("enquetes:nouvelle")))
    structures = list(permissions.structures_de_l_agent(user).values_list("pk", flat=True))
    a_repondre = services.campagnes_a_repondre(user, structures)
    if a_repondre:
        chiffres.append(Chiffre("questionnaires à remplir", len(a_repondre), url, alerte=True))
    if permissions_enquetes.peut_evaluer_operateurs(user):
        annee = timezone.localdate().year
        notes = EvaluationOperateur.objects.filter(
            annee=annee, structure__in=permissions_enquetes.structures_qui_evaluent(user)
        ).count()
        chiffres.append(Chiffre(f"opérateurs notés en {annee}", notes, reverse("enquetes:evaluations")))
    return [Bloc("Enquêtes annuelles", ordre=60, chiffres=tuple(chiffres), liens=tuple(liens))]
