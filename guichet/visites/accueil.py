"""Le bloc de « Mon espace » pour les visites mystères : l'évaluateur voit les visites qui l'attendent ;
qui planifie, ses campagnes en cours."""

from django.urls import reverse

from guichet.accueil import Bloc, Chiffre
from guichet.visites import permissions as permissions_visites


def blocs(user) -> list[Bloc]:
    if not permissions_visites.peut_voir_visites(user):
        return []
    url = reverse("visites:accueil")
    chiffres = []
    a_faire = permissions_visites.visites_de_l_evaluateur(user).filter(campagne__close_le__isnull=True)
    if a_faire.exists():
        chiffres.append(Chiffre("visites à faire", a_faire.filter(realisee_le__isnull=True).count(), url, alerte=True))
        chiffres.append(Chiffre("visites saisies, corrigibles", a_faire.filter(realisee_le__isnull=False).count(), url))
    if permissions_visites.peut_planifier_visites(user):
        en_cours = permissions_visites.campagnes_visites_suivies(user).filter(close_le__isnull=True).count()
        chiffres.append(Chiffre("campagnes de visites en cours", en_cours, url))
    return [Bloc("Visites mystères", ordre=61, chiffres=tuple(chiffres))] if chiffres else []
