"""Les blocs de la formation sur « Mon espace » : le responsable (ses agents à former), la préfecture (ses
sites à moins de deux agents formés), l'équipe nationale (les chiffres nationaux)."""

from django.urls import reverse

from guichet import permissions
from guichet.accueil import Bloc, Chiffre
from guichet.formation import permissions as permissions_formation
from guichet.formation import services
from guichet.reseau.models import Structure


def blocs(user) -> list[Bloc]:
    if not permissions_formation.peut_voir_formation(user):
        return []
    p = permissions.perimetre(user)
    resultat = []
    if p.structures_gerees:
        sites = services.sites_en_formation(Structure.objects.filter(pk__in=p.structures_gerees))
        a_former = sum(site.agents - site.formes for site in sites)
        chiffres = [Chiffre("Agents à former", a_former, reverse("formation:accueil"), alerte=bool(a_former))]
        chiffres += [
            Chiffre(
                f"Agents formés — {site.structure.nom}",
                f"{site.formes} sur {site.agents}",
                reverse("formation:equipe", args=[site.structure.pk]),
                alerte=site.sous_le_seuil,
            )
            for site in sites
        ]
        resultat.append(Bloc("Formation de mes équipes", ordre=40, chiffres=tuple(chiffres)))
    if p.departements_suivis and not p.tout_voir:
        for ligne in services.chiffres_par_departement(permissions_formation.departements_formation(user)):
            lien = reverse("formation:departement", args=[ligne.code])
            resultat.append(
                Bloc(
                    f"Formation des conseillers — {ligne.nom}",
                    ordre=50,
                    chiffres=(
                        Chiffre(
                            "Structures à moins de deux agents formés",
                            ligne.sites_sous_le_seuil,
                            lien,
                            alerte=bool(ligne.sites_sous_le_seuil),
                        ),
                        Chiffre("Agents formés", f"{ligne.formes} sur {ligne.agents}", lien),
                    ),
                )
            )
    if permissions_formation.voit_chiffres_nationaux_formation(user):
        chiffres = services.chiffres_par_departement(permissions_formation.departements_formation(user))
        lien = reverse("formation:accueil")
        resultat.append(
            Bloc(
                "Formation des conseillers — national",
                ordre=50,
                chiffres=(
                    Chiffre(
                        "Agents formés",
                        f"{sum(c.formes for c in chiffres)} sur {sum(c.agents for c in chiffres)}",
                        lien,
                    ),
                    Chiffre(
                        "Structures à moins de deux agents formés",
                        sum(c.sites_sous_le_seuil for c in chiffres),
                        lien,
                        alerte=any(c.sites_sous_le_seuil for c in chiffres),
                    ),
                ),
                liens=(("Sessions de formation", reverse("formation:sessions")),),
            )
        )
    return resultat
