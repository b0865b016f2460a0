import datetime

import factory

from guichet.connaissances.models import Fiche, Sigle, Theme


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["identifiant"]

    identifiant = factory.Sequence(lambda n: f"N{19800 + n}")
    titre = factory.Sequence(lambda n: f"Thème {n}")
    niveau = Theme.Niveau.THEME


class FicheFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fiche
        skip_postgeneration_save = True

    identifiant = factory.Sequence(lambda n: f"F{90000 + n}")
    type = Fiche.Type.FICHE
    nature = "Fiche d'information"
    titre = factory.Sequence(lambda n: f"Fiche de test {n}")
    audience = Fiche.Audience.PARTICULIERS
    date = datetime.date(2020, 7, 21)
    description = ""
    texte = ""
    url_source = factory.LazyAttribute(
        lambda o: f"https://www.service-public.fr/particuliers/vosdroits/{o.identifiant}"
    )

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.themes.set(extracted)


class SigleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sigle
        django_get_or_create = ["sigle"]

    sigle = "ZZT"
    expansion = "zone de test"
