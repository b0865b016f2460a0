from datetime import timedelta

import factory
from django.utils import timezone

from guichet.enquetes.models import Campagne, Nature, Public, Question


class CampagneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campagne

    titre = factory.Sequence(lambda n: f"Enquête annuelle {n}")
    public = Public.USAGERS
    debut = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    fin = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=20))

    class Params:
        close = factory.Trait(
            debut=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=60)),
            fin=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1)),
        )
        a_venir = factory.Trait(
            debut=factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=5)),
            fin=factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30)),
        )
        agents = factory.Trait(public=Public.AGENTS)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    campagne = factory.SubFactory(CampagneFactory)
    ordre = factory.Sequence(lambda n: n)
    libelle = "Êtes-vous satisfait de l'accueil ?"
    nature = Nature.ECHELLE
    echelle_max = 5


def questionnaire_type(campagne):
    """Trois questions : une échelle de 1 à 5, un choix unique, un texte libre."""
    echelle = QuestionFactory(campagne=campagne, ordre=1, libelle="Satisfaction", nature=Nature.ECHELLE)
    choix = QuestionFactory(
        campagne=campagne, ordre=2, libelle="Problème résolu ?", nature=Nature.CHOIX, choix=["Oui", "En partie", "Non"]
    )
    texte = QuestionFactory(campagne=campagne, ordre=3, libelle="Un mot ?", nature=Nature.TEXTE)
    return echelle, choix, texte
