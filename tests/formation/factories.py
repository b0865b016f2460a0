from datetime import timedelta

import factory
from django.utils import timezone

from guichet.formation.models import Inscription, Module, Parcours, Presence, Session
from tests.comptes.factories import UtilisateurFactory
from tests.reseau.factories import StructureFactory


def parcours():
    return Parcours.objects.en_vigueur()


def module(code):
    return parcours().modules.get(code=code)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    module = factory.LazyFunction(lambda: module("socle-accueil"))
    debut = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    fin = factory.LazyAttribute(lambda o: o.debut + timedelta(days=1))
    lieu = "Préfecture de la Corrèze, Tulle"
    organisme_formateur = "CNFPT"
    capacite = 12

    class Params:
        passee = factory.Trait(debut=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30)))


class InscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inscription

    session = factory.SubFactory(SessionFactory)
    agent = factory.SubFactory(UtilisateurFactory)
    structure = factory.SubFactory(StructureFactory)


def _sessions_passees() -> dict[str, Session]:
    """Une session passée par module du parcours en vigueur (partagée par les agents d'un même test)."""
    sessions = {}
    for m in Module.objects.filter(parcours=parcours()):
        session = Session.objects.filter(module=m, organisme_formateur="Sessions passées des tests").first()
        if session is None:
            jour = timezone.localdate() - timedelta(days=60)
            session = Session.objects.create(
                module=m,
                debut=jour,
                fin=jour,
                lieu="Tulle",
                organisme_formateur="Sessions passées des tests",
                capacite=999,
            )
        sessions[m.code] = session
    return sessions


def former(agent, structure, sauf=(), seulement=None) -> list[Inscription]:
    """L'agent présent à une session passée de chaque module initial (sauf `sauf`, ou seulement `seulement`)."""
    inscriptions = []
    for code, session in _sessions_passees().items():
        if not session.module.initial or code in sauf or (seulement is not None and code not in seulement):
            continue
        inscriptions.append(
            Inscription.objects.create(
                session=session,
                agent=agent,
                structure=structure,
                presence=Presence.PRESENT,
                demi_journees_presentes=session.module.demi_journees,
            )
        )
    return inscriptions
