from datetime import timedelta

import factory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from guichet.comptes.models import Habilitation, Invitation, Role, Utilisateur
from tests.reseau.factories import OperateurFactory, StructureFactory
from tests.territoires.factories import DepartementFactory

MOT_DE_PASSE = "mot-de-passe-de-test-2026"


class UtilisateurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Utilisateur
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.fr")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    password = factory.PostGenerationMethodCall("set_password", MOT_DE_PASSE)

    @factory.post_generation
    def _enregistrer(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class HabilitationFactory(factory.django.DjangoModelFactory):
    """Par défaut : équipe nationale. Les traits donnent chaque rôle avec un périmètre valide."""

    class Meta:
        model = Habilitation

    utilisateur = factory.SubFactory(UtilisateurFactory)
    role = Role.NATIONAL

    class Params:
        conseiller = factory.Trait(role=Role.CONSEILLER, structure=factory.SubFactory(StructureFactory))
        gestionnaire = factory.Trait(role=Role.GESTIONNAIRE, structure=factory.SubFactory(StructureFactory))
        prefecture = factory.Trait(role=Role.PREFECTURE, departement=factory.SubFactory(DepartementFactory))
        referent = factory.Trait(
            role=Role.REFERENT,
            departement=factory.SubFactory(DepartementFactory),
            operateur=factory.SubFactory(OperateurFactory),
        )
        auditeur = factory.Trait(role=Role.AUDITEUR)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invite{n}@example.fr")
    structure = factory.SubFactory(StructureFactory)
    role = Role.CONSEILLER
    invite_par = factory.SubFactory(UtilisateurFactory)

    class Params:
        expiree = factory.Trait(cree_le=factory.LazyFunction(lambda: timezone.now() - timedelta(days=8)))
        acceptee = factory.Trait(acceptee_le=factory.LazyFunction(timezone.now))


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UtilisateurFactory)
    name = "Téléphone"
    confirmed = True
