import factory

from guichet.reseau.models import Creneau, Operateur, Passage, Structure
from tests.territoires.factories import CommuneFactory


class OperateurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Operateur
        django_get_or_create = ["code"]

    code = "caf"
    nom = "Les Allocations familiales"
    national = True


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    matricule = factory.Sequence(lambda n: f"FS-TEST-{n:05d}")
    nom = factory.Sequence(lambda n: f"France services de test {n}")
    commune = factory.SubFactory(CommuneFactory)
    adresse = "1 place de la Mairie"
    code_postal = "01000"
    latitude = factory.LazyAttribute(lambda o: o.commune.latitude)
    longitude = factory.LazyAttribute(lambda o: o.commune.longitude)
    statut = Structure.Statut.LABELLISEE
    type_porteur = Structure.TypePorteur.COLLECTIVITE
    nom_porteur = "Commune"

    class Params:
        bus = factory.Trait(forme=Structure.Forme.ITINERANTE)
        multisite = factory.Trait(forme=Structure.Forme.MULTISITE)
        fermee = factory.Trait(statut=Structure.Statut.FERMEE)


class CreneauFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Creneau

    structure = factory.SubFactory(StructureFactory)
    jour = 0
    debut = "09:00"
    fin = "12:00"


class PassageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Passage

    structure = factory.SubFactory(StructureFactory, bus=True)
    commune = factory.SubFactory(CommuneFactory)
    lieu = "Place de l'église"
    jour = 2
    debut = "09:00"
    fin = "12:00"


def communes_de_l_ain_et_du_genevois():
    """Quatre communes réelles (code INSEE, codes postaux, point de la mairie) pour les imports."""
    from tests.territoires.factories import DepartementFactory

    ain = DepartementFactory(code="01", nom="Ain")
    haute_savoie = DepartementFactory(code="74", nom="Haute-Savoie")
    communes = [
        (ain, "01053", "Bourg-en-Bresse", ["01000"], 46.2052, 5.2255),
        (ain, "01004", "Ambérieu-en-Bugey", ["01500"], 45.9584, 5.3597),
        (ain, "01384", "Saint-Rambert-en-Bugey", ["01230"], 45.948, 5.437),
        (haute_savoie, "74243", "Saint-Julien-en-Genevois", ["74160"], 46.1443, 6.0814),
    ]
    return {
        code: CommuneFactory(
            departement=departement, code=code, nom=nom, codes_postaux=cps, latitude=lat, longitude=lon
        )
        for departement, code, nom, cps, lat, lon in communes
    }


def france_services_de_tulle(jours_ouverts=5, fin="17:00", **structure):
    """La Corrèze, Tulle (19272, 19000) et sa France services FS-19-001 (CAF), ouverte de 9 h à `fin`
    les `jours_ouverts` premiers jours de la semaine."""
    from tests.territoires.factories import DepartementFactory

    correze = DepartementFactory(
        code="19",
        nom="Corrèze",
        contour={"type": "Polygon", "coordinates": [[[1.2, 45], [2.5, 45], [2.5, 45.8], [1.2, 45]]]},
    )
    commune = CommuneFactory(
        code="19272", nom="Tulle", departement=correze, latitude=45.267, longitude=1.771, codes_postaux=["19000"]
    )
    s = StructureFactory(
        matricule="FS-19-001", nom="France services de Tulle", commune=commune, code_postal="19000", **structure
    )
    for jour in range(jours_ouverts):
        CreneauFactory(structure=s, jour=jour, debut="09:00", fin=fin)
    s.operateurs.add(OperateurFactory())
    return s
