import factory

from guichet.territoires.models import Canton, CodePostal, Commune, Departement, Region


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "84"
    nom = "Auvergne-Rhône-Alpes"


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{(n % 95) + 1:02d}")
    nom = factory.LazyAttribute(lambda o: f"Département {o.code}")
    region = factory.SubFactory(RegionFactory)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["code"]
        skip_postgeneration_save = True

    departement = factory.SubFactory(DepartementFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.departement.code}{n % 1000:03d}")
    nom = factory.Sequence(lambda n: f"Commune {n}")
    population = 1000
    latitude = 45.0
    longitude = 5.0

    @factory.post_generation
    def codes_postaux(obj, create, extracted, **kwargs):
        if create:
            for code in extracted or []:
                CodePostal.objects.get_or_create(commune=obj, code=code)


class CantonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Canton

    departement = factory.SubFactory(DepartementFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.departement.code}{n % 100:02d}")
    nom = factory.Sequence(lambda n: f"Canton {n}")
