"""L'habilitation de tiers de confiance d'un conseiller France Services : déduite, jamais saisie.

Un agent (conseiller ou responsable, compte actif) est habilité quand au moins une de ses structures est
labellisée et que sa formation initiale est complète (`guichet.formation`). Elle prend fin d'elle-même avec le
label (suspension, retrait) ou le départ de l'agent (habilitation retirée, compte désactivé).
"""

from dataclasses import dataclass, field

from guichet.comptes.models import Habilitation
from guichet.formation import services as formation
from guichet.reseau.models import Structure


@dataclass(frozen=True)
class Accreditation:
    accreditee: bool
    formee: bool
    structures: tuple = field(default_factory=tuple)  # les structures de l'agent, labellisées d'abord

    @property
    def raison(self) -> str:
        if self.accreditee:
            return "Structure labellisée et formation initiale complète."
        if not self.structures:
            return "N'exerce dans aucune France services."
        if not any(s.statut == Structure.Statut.LABELLISEE for s in self.structures):
            return "Sa France services n'est pas labellisée (ou son label est suspendu ou retiré)."
        return "Formation initiale pas encore complète."


def accreditations(agent_ids) -> dict[int, Accreditation]:
    """{agent: habilitation} pour ces agents, en trois requêtes quel que soit leur nombre."""
    agent_ids = list(agent_ids)
    structures = {}
    for habilitation in (
        Habilitation.objects.actives()
        .filter(utilisateur_id__in=agent_ids, role__in=formation.ROLES_AGENTS)
        .select_related("structure")
    ):
        structures.setdefault(habilitation.utilisateur_id, {})[habilitation.structure_id] = habilitation.structure
    formes = formation.agents_formes(agent_ids)
    resultat = {}
    for agent_id in agent_ids:
        siennes = sorted(
            structures.get(agent_id, {}).values(), key=lambda s: (s.statut != Structure.Statut.LABELLISEE, s.nom)
        )
        labellisee = any(s.statut == Structure.Statut.LABELLISEE for s in siennes)
        forme = agent_id in formes
        resultat[agent_id] = Accreditation(accreditee=labellisee and forme, formee=forme, structures=tuple(siennes))
    return resultat


def accreditation(agent) -> Accreditation:
    return accreditations([agent.pk])[agent.pk]
