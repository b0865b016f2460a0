"""Un petit monde de labellisation : un département, un site en projet, une personne par rôle."""

from types import SimpleNamespace

from guichet.comptes.models import Role
from guichet.labellisation.models import Dossier, Etape
from guichet.reseau.models import Structure
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory
from tests.reseau.factories import StructureFactory
from tests.territoires.factories import CommuneFactory, DepartementFactory


def personne(nom, **habilitation):
    user = UtilisateurFactory(email=f"{nom}@example.fr", first_name=nom.split("-")[0].capitalize())
    if habilitation:
        HabilitationFactory(utilisateur=user, **habilitation)
    return user


def monde_labellisation():
    m = SimpleNamespace()
    m.dep = DepartementFactory(code="19", nom="Corrèze")
    m.autre_dep = DepartementFactory(code="23", nom="Creuse")
    m.site = StructureFactory(
        nom="France services d'Égletons", commune=CommuneFactory(departement=m.dep), statut=Structure.Statut.PROJET
    )
    m.site_ailleurs = StructureFactory(
        nom="France services d'Aubusson",
        commune=CommuneFactory(departement=m.autre_dep),
        statut=Structure.Statut.PROJET,
    )
    m.prefecture = personne("prefecture-19", role=Role.PREFECTURE, departement=m.dep)
    m.prefecture_ailleurs = personne("prefecture-23", role=Role.PREFECTURE, departement=m.autre_dep)
    m.auditeur = personne("auditrice-19", role=Role.AUDITEUR, departement=m.dep)
    m.autre_auditeur = personne("auditeur-19", role=Role.AUDITEUR, departement=m.dep)
    m.national = personne("anct", role=Role.NATIONAL)
    m.gestionnaire = personne("porteur", role=Role.GESTIONNAIRE, structure=m.site)
    m.conseiller = personne("conseiller", role=Role.CONSEILLER, structure=m.site)
    m.referent = personne("referent", role=Role.REFERENT, departement=m.dep, operateur=_caf())
    m.sans_role = personne("sans-role")
    m.dossier = Dossier.objects.create(structure=m.site)
    return m


def _caf():
    from tests.reseau.factories import OperateurFactory

    return OperateurFactory(code="caf")


def mettre_a(dossier, etape: Etape):
    """Place le dossier à une étape sans passer par les transitions (pour éprouver les gardes)."""
    Dossier.objects.filter(pk=dossier.pk).update(etape=etape)
    dossier.refresh_from_db()
    return dossier
