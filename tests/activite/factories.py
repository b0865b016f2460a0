import uuid

import factory
from django.utils import timezone

from guichet.activite.models import Accompagnement, Duree, Resultat, TypeAide
from guichet.reseau.models import Operateur
from tests.reseau.factories import StructureFactory


class AccompagnementFactory(factory.django.DjangoModelFactory):
    """Un accompagnement à la CAF (opérateur du catalogue, posé par la migration), sa première démarche,
    résolu sur place ; `oriente=True` : orienté vers l'opérateur."""

    class Meta:
        model = Accompagnement

    class Params:
        oriente = factory.Trait(resultat=Resultat.ORIENTE)

    id = factory.LazyFunction(uuid.uuid4)
    structure = factory.SubFactory(StructureFactory)
    agent = None
    le = factory.LazyFunction(timezone.now)
    operateur = factory.LazyFunction(lambda: Operateur.objects.get(code="caf"))
    demarche = factory.LazyAttribute(lambda o: o.operateur.demarches.order_by("ordre").first())
    type_aide = TypeAide.DEMARCHE_EN_LIGNE
    resultat = Resultat.RESOLU
    duree = Duree.MOINS_15
