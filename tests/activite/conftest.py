from types import SimpleNamespace

import pytest

from guichet.comptes.models import Role
from guichet.reseau.models import Operateur
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory
from tests.reseau.factories import OperateurFactory, StructureFactory
from tests.territoires.factories import CommuneFactory, DepartementFactory


@pytest.fixture
def lieux(db):
    """Deux structures de l'Ain (a1, a2), une de l'Aisne (b) ; un conseiller et un responsable de a1,
    une conseillère de a1 et a2, un conseiller de b, un référent CAF de l'Ain, une personne sans rôle."""
    m = SimpleNamespace()
    m.ain = DepartementFactory(code="01", nom="Ain")
    m.aisne = DepartementFactory(code="02", nom="Aisne")
    m.a1 = StructureFactory(nom="France services A1", matricule="FS-01-001", commune=CommuneFactory(departement=m.ain))
    m.a2 = StructureFactory(nom="France services A2", matricule="FS-01-002", commune=CommuneFactory(departement=m.ain))
    m.b = StructureFactory(nom="France services B", matricule="FS-02-001", commune=CommuneFactory(departement=m.aisne))
    m.caf = Operateur.objects.get(code="caf")
    m.titres = Operateur.objects.get(code="france-titres")
    m.mission_locale_ain = OperateurFactory(code="mission-locale-ain", nom="Mission locale de l'Ain", national=False)
    m.mission_locale_ain.departement = m.ain
    m.mission_locale_ain.save()

    def personne(nom, *habilitations):
        user = UtilisateurFactory(email=f"{nom}@example.fr")
        for h in habilitations:
            HabilitationFactory(utilisateur=user, **h)
        return user

    m.conseiller = personne("conseiller", {"role": Role.CONSEILLER, "structure": m.a1})
    m.collegue = personne("collegue", {"role": Role.CONSEILLER, "structure": m.a1})
    m.gestionnaire = personne("gestionnaire", {"role": Role.GESTIONNAIRE, "structure": m.a1})
    m.multi = personne(
        "multi", {"role": Role.CONSEILLER, "structure": m.a1}, {"role": Role.CONSEILLER, "structure": m.a2}
    )
    m.conseiller_b = personne("conseiller-b", {"role": Role.CONSEILLER, "structure": m.b})
    m.referent = personne("referent", {"role": Role.REFERENT, "operateur": m.caf, "departement": m.ain})
    m.sans_role = personne("sans-role")
    return m
