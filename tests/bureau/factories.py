import factory

from guichet.bureau.models import EtapeGuide, LienOperateur
from tests.reseau.factories import OperateurFactory


class LienOperateurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LienOperateur

    operateur = factory.SubFactory(OperateurFactory)
    libelle = factory.Sequence(lambda n: f"Lien de test {n}")
    url = factory.Sequence(lambda n: f"https://exemple-{n}.gouv.fr")
    nature = LienOperateur.Nature.OUTIL
    ordre = 10


class EtapeGuideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EtapeGuide

    operateur = factory.SubFactory(OperateurFactory)
    ordre = factory.Sequence(lambda n: n + 1)
    titre = factory.Sequence(lambda n: f"Étape de test {n}")
    fiches = factory.LazyFunction(list)
    cerfas = factory.LazyFunction(list)
    services_en_ligne = factory.LazyFunction(list)
