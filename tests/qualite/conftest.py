from datetime import datetime
from types import SimpleNamespace

import pytest

from guichet.temps import PARIS
from tests.comptes.factories import UtilisateurFactory
from tests.demandes.factories import DemandeFactory
from tests.qualite.factories import IDENTITE, cloturer, repondre, rerouter, structure_dans
from tests.reseau.factories import OperateurFactory

MAINTENANT = datetime(2026, 2, 1, 12, 0, tzinfo=PARIS)  # un dimanche


def paris(mois, jour, heure, annee=2026):
    return datetime(annee, mois, jour, heure, tzinfo=PARIS)


@pytest.fixture
def jeu(db):
    """Des demandes de janvier 2026 aux délais connus (heures ouvrées calculées à la main)."""
    j = SimpleNamespace()
    j.caf = OperateurFactory(code="caf", nom="Les Allocations familiales")
    j.cpam = OperateurFactory(code="cpam", nom="L'Assurance Maladie")
    j.s01 = structure_dans("01")
    j.s02 = structure_dans("02")
    j.s57 = structure_dans("57")
    j.dep01, j.dep02, j.dep57 = (s.commune.departement for s in (j.s01, j.s02, j.s57))

    def demande(envoi, structure=j.s01, operateur=j.caf):
        return DemandeFactory(
            envoyee_le=envoi, structure=structure, operateur_initial=operateur, auteur=UtilisateurFactory(), **IDENTITE
        )

    # CAF × 01 : 4 h, 24 h (un week-end au milieu), 96 h (en retard), une sans réponse échue, une en cours.
    d1 = demande(paris(1, 5, 10))
    repondre(d1, paris(1, 5, 14))
    cloturer(d1, paris(1, 6, 9), "oui")
    d2 = demande(paris(1, 9, 15))
    repondre(d2, paris(1, 12, 15))
    cloturer(d2, paris(1, 13, 9), "non")
    d3 = demande(paris(1, 12, 10))
    repondre(d3, paris(1, 16, 10))
    cloturer(d3, paris(1, 19, 9), "ne_sait_pas")
    demande(paris(1, 13, 9))  # échéance le 16 janvier : en retard au 1er février
    demande(paris(1, 30, 9))  # échéance le 4 février : en cours
    # Envoyée à la CAF, réorientée vers la CPAM, qui répond 24 h ouvrées plus tard.
    d6 = demande(paris(1, 6, 10))
    rerouter(d6, paris(1, 6, 12), j.cpam)
    repondre(d6, paris(1, 7, 12))
    # Hors période.
    avant = demande(paris(12, 30, 10, annee=2025))
    repondre(avant, paris(12, 30, 11, annee=2025))
    # CAF × 02 : 1 h.
    d8 = demande(paris(1, 7, 10), structure=j.s02)
    repondre(d8, paris(1, 7, 11))
    # CAF × 57 : jeudi 2 avril 10 h → mardi 7 avril 10 h = 24 h ouvrées en Moselle (Vendredi saint, lundi de Pâques).
    d9 = demande(paris(4, 2, 10), structure=j.s57)
    repondre(d9, paris(4, 7, 10))
    return j
