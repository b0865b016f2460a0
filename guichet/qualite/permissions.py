"""Qui peut voir ou faire quoi dans qualite : ses règles, posées sur le périmètre de `guichet.permissions`.

Le périmètre de l'utilisateur est lu une fois par requête par le module central ; chaque règle ici le relit.
Les vues ne testent jamais les rôles elles-mêmes : elles posent une question à ce module.
"""

from dataclasses import dataclass, field

from guichet.demandes.permissions import _paires_operateur
from guichet.permissions import compte_actif, perimetre

# Qualité (tableau de qualité du back-office, guichet.qualite).
#
# Opérateur (référents, responsables départementaux) : ses couples opérateur × département ;
# préfecture et auditeur départemental : tous les opérateurs de leur département ; équipe nationale,
# équipe technique et auditeur national : tout. Les agents des structures n'y ont pas accès.


@dataclass(frozen=True)
class PerimetreQualite:
    tout: bool = False
    departements: frozenset = field(default_factory=frozenset)  # tous les opérateurs de ces départements
    paires: frozenset = field(default_factory=frozenset)  # couples (operateur_id, departement_id)

    def couvre(self, operateur_id, departement_id) -> bool:
        return self.tout or departement_id in self.departements or (operateur_id, departement_id) in self.paires


def perimetre_qualite(user) -> PerimetreQualite | None:
    """Ce que l'utilisateur voit du tableau de qualité du back-office, ou None s'il n'y a pas accès."""
    if not compte_actif(user):
        return None
    p = perimetre(user)
    if p.tout_voir:
        return PerimetreQualite(tout=True)
    paires = _paires_operateur(p)
    if not (p.departements_suivis or paires):
        return None
    return PerimetreQualite(departements=p.departements_suivis, paires=paires)


def peut_voir_qualite(user) -> bool:
    return perimetre_qualite(user) is not None
