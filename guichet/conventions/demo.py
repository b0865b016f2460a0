"""Les conventions-cadres de démonstration : une par département du réseau de démonstration (2026-2028),
chacune en deux versions — la première, signée en partie puis remplacée ; la seconde en cours de signature."""

from datetime import date

from guichet.conventions import services
from guichet.conventions.models import Convention, Signataire
from guichet.reseau import demo as demo_reseau
from guichet.territoires.models import Departement

PREAMBULE = "Convention de démonstration."
DEBUT, FIN = date(2026, 1, 1), date(2028, 12, 31)


def nettoyer() -> int:
    demo = Convention.objects.filter(preambule__startswith=PREAMBULE) | Convention.objects.filter(
        annexes__structure__matricule__startswith=demo_reseau.PREFIXE
    )
    nombre, _ = Convention.objects.filter(pk__in=list(demo.values_list("pk", flat=True))).delete()
    return nombre


def peupler(graine: int = 2026) -> dict[str, int]:
    nettoyer()
    departements = Departement.objects.filter(
        communes__structures__matricule__startswith=demo_reseau.PREFIXE
    ).distinct()
    nombre = 0
    for departement in departements.order_by("code"):
        if services.chevauchantes(departement, DEBUT, FIN).exists():
            continue  # une vraie convention couvre déjà la période
        premiere = services.preparer_convention(
            departement=departement, debut=DEBUT, fin=FIN, preambule=f"{PREAMBULE} Les engagements sont fictifs."
        )
        premiere.signataires.filter(qualite=Signataire.Qualite.PREFET).update(
            statut=Signataire.Statut.SIGNEE, signee_le=date(2026, 1, 15)
        )
        seconde = services.nouvelle_version(premiere)
        seconde.engagements.filter(operateur__code="caf").update(
            delai_reponse_heures=48, offre_formation="Deux demi-journées par an sur les prestations familiales."
        )
        seconde.signataires.filter(qualite__in=[Signataire.Qualite.PREFET, Signataire.Qualite.OPERATEUR]).update(
            statut=Signataire.Statut.SIGNEE, signee_le=date(2026, 3, 2)
        )
        nombre += 1
    return {"conventions-cadres (deux versions chacune)": nombre}
