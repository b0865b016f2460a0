from types import SimpleNamespace

import pytest

from guichet.enquetes import services
from guichet.enquetes.models import Valeur
from tests.comptes.monde import construire_monde
from tests.enquetes.factories import CampagneFactory, questionnaire_type


def repondre(campagne, structure, note=None, choix=None, texte=None, agent=None):
    echelle, question_choix, question_texte = campagne.questions.order_by("ordre")[:3]
    valeurs = []
    if note is not None:
        valeurs.append(Valeur(question=echelle, note=note))
    if choix is not None:
        valeurs.append(Valeur(question=question_choix, choix=choix))
    if texte is not None:
        valeurs.append(Valeur(question=question_texte, texte=texte))
    return services.enregistrer_reponse(campagne, structure, valeurs, agent=agent)


@pytest.fixture
def monde(db):
    return construire_monde()


@pytest.fixture
def enquete(monde):
    """Une campagne des usagers : a1 a 12 réponses, a2 en a 3, b en a 6."""
    e = SimpleNamespace(monde=monde)
    e.campagne = CampagneFactory(titre="Enquête usagers 2026")
    e.echelle, e.choix, e.texte = questionnaire_type(e.campagne)
    notes_a1 = [5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 3, 1]
    for i, note in enumerate(notes_a1):
        repondre(e.campagne, monde.a1, note=note, choix="Oui" if i < 8 else "Non", texte=f"Très bien, merci {i}")
    for note in (2, 2, 3):
        repondre(e.campagne, monde.a2, note=note, choix="Non")
    for note in (5, 5, 4, 4, 4, 3):
        repondre(e.campagne, monde.b, note=note, choix="Oui", texte="Rappelez-moi au 06 12 34 56 78")
    return e
