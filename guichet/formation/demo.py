"""La formation de démonstration (appelée par `guichet demo`, après le réseau) : des sessions passées et à
venir dans chaque département du réseau de démonstration, la plupart des agents formés, et des sites où un
agent est encore en formation (moins de deux agents formés : `guichet conformite` le montre). Le compte
« conseiller » est à mi-parcours (son bureau montre la prochaine étape) ; tout est déterministe."""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from guichet.comptes.models import Habilitation, Role
from guichet.formation.models import Inscription, Presence, Session
from guichet.formation.services import parcours_en_vigueur
from guichet.reseau import demo as demo_reseau
from guichet.reseau.models import Structure

# Un site sur six a un agent encore en formation (socle commun fait, modules métiers à venir).
UN_SITE_SUR_EN_FORMATION = 6
ORGANISMES = {
    "socle": "Centre national de la fonction publique territoriale (CNFPT)",
    "metiers": "Réseau des opérateurs nationaux",
    "continue": "Agence nationale de la cohésion des territoires (ANCT)",
}


def nettoyer() -> None:
    """Les sessions de démonstration (et leurs inscriptions) ; avant le réseau, que les inscriptions protègent."""
    Session.objects.filter(organisme_formateur__endswith=" — démonstration").delete()


def _session(module, debut, departement, capacite, ville=None):
    jours = max(1, int((module.demi_journees + 1) // 2))
    a_distance = module.modalite == "en_ligne" or ville is None
    return Session(
        module=module,
        debut=debut,
        fin=debut + timedelta(days=jours - 1),
        a_distance=a_distance,
        lieu="" if a_distance else f"Préfecture, salle de formation — {ville}",
        departement=departement,
        organisme_formateur=f"{ORGANISMES[module.partie]} — démonstration",
        capacite=capacite,
    )


def peupler(graine: int = 2026) -> dict[str, int]:
    parcours = parcours_en_vigueur()
    if parcours is None:
        return {"sessions de formation": 0}
    modules = list(parcours.modules.order_by("ordre"))
    initiaux = [m for m in modules if m.initial]
    socle = [m for m in initiaux if m.partie == "socle"]
    aujourd_hui = timezone.localdate()
    structures = list(
        Structure.objects.filter(matricule__startswith=demo_reseau.PREFIXE)
        .select_related("commune__departement")
        .order_by("matricule")
    )
    equipes = defaultdict(list)
    for structure_id, utilisateur_id, email in (
        Habilitation.objects.actives()
        .filter(structure__in=structures, role__in=[Role.CONSEILLER, Role.GESTIONNAIRE])
        .order_by("utilisateur__email")
        .values_list("structure_id", "utilisateur_id", "utilisateur__email")
    ):
        if utilisateur_id not in {u for u, _ in equipes[structure_id]}:
            equipes[structure_id].append((utilisateur_id, email))

    par_departement = defaultdict(list)
    for structure in structures:
        par_departement[structure.commune.departement].append(structure)

    sessions, passees, a_venir = [], {}, {}
    for departement, sites in sorted(par_departement.items(), key=lambda d: d[0].code):
        capacite = max(12, sum(len(equipes[s.pk]) for s in sites))
        ville = sites[0].commune.nom
        for rang, module in enumerate(initiaux):
            # Le socle il y a quatre mois, les modules métiers il y a trois mois, à raison d'un par jour ouvré.
            recul = 120 if module.partie == "socle" else 90
            debut = aujourd_hui - timedelta(days=recul - rang)
            passees[(departement.pk, module.pk)] = _session(module, debut, departement, capacite, ville)
            a_venir[(departement.pk, module.pk)] = _session(
                module, aujourd_hui + timedelta(days=21 + rang), departement, 12, ville
            )
        sessions += [passees[(departement.pk, m.pk)] for m in initiaux]
        sessions += [a_venir[(departement.pk, m.pk)] for m in initiaux]
    for rang, module in enumerate(m for m in modules if not m.initial):
        sessions.append(_session(module, aujourd_hui + timedelta(days=35 + 7 * rang), None, 40))
    Session.objects.bulk_create(sessions)

    conseiller_demo = f"conseiller@{demo_reseau.DOMAINE}"
    inscriptions = []
    en_formation = 0
    for rang, structure in enumerate(structures):
        departement_id = structure.commune.departement_id
        for numero, (agent_id, email) in enumerate(equipes[structure.pk]):
            if email == conseiller_demo:
                faits = socle + [m for m in initiaux if m.partie == "metiers"][:6]
            elif numero == 1 and rang % UN_SITE_SUR_EN_FORMATION == UN_SITE_SUR_EN_FORMATION // 2:
                faits = socle
                en_formation += 1
            else:
                faits = initiaux
            for module in initiaux:
                if module in faits:
                    session, presence = passees[(departement_id, module.pk)], Presence.PRESENT
                    demi = module.demi_journees
                elif module == initiaux[len(faits)]:
                    session, presence, demi = a_venir[(departement_id, module.pk)], Presence.INSCRIT, None
                elif module.partie == "metiers" and module == initiaux[-1]:
                    # Absent la première fois : le module reste à faire.
                    session, presence, demi = passees[(departement_id, module.pk)], Presence.ABSENT, Decimal(0)
                else:
                    continue
                inscriptions.append(
                    Inscription(
                        agent_id=agent_id,
                        structure=structure,
                        session=session,
                        presence=presence,
                        demi_journees_presentes=demi,
                    )
                )
    Inscription.objects.bulk_create(inscriptions, batch_size=2000)
    return {"sessions de formation": len(sessions), "agents en formation": en_formation + 1}
