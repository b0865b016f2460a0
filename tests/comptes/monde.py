"""Un petit réseau où chaque rôle a un dedans et un dehors, pour éprouver les droits.

Département A : structures a1 et a2 (a1 sert la CAF). Département B : structure b (sert la CAF
et un partenaire local de B). Chaque personne a un rôle sur une partie seulement de ce réseau.
"""

from types import SimpleNamespace

from guichet.comptes.models import Role
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory
from tests.reseau.factories import OperateurFactory, StructureFactory
from tests.territoires.factories import CommuneFactory, DepartementFactory


def construire_monde():
    m = SimpleNamespace()
    m.dep_a = DepartementFactory(code="01", nom="Ain")
    m.dep_b = DepartementFactory(code="02", nom="Aisne")
    m.caf = OperateurFactory(code="caf", nom="Les Allocations familiales", national=True)
    m.cpam = OperateurFactory(code="cpam", nom="L'Assurance Maladie", national=True)
    m.local_b = OperateurFactory(code="mission-locale-b", nom="Mission locale de l'Aisne", national=False)
    m.local_b.departement = m.dep_b
    m.local_b.save()

    m.a1 = StructureFactory(nom="France services A1", commune=CommuneFactory(departement=m.dep_a))
    m.a2 = StructureFactory(nom="France services A2", commune=CommuneFactory(departement=m.dep_a))
    m.b = StructureFactory(nom="France services B", commune=CommuneFactory(departement=m.dep_b))
    m.a1.operateurs.add(m.caf)
    m.b.operateurs.add(m.caf, m.local_b)

    def personne(nom, **habilitation):
        user = UtilisateurFactory(email=f"{nom}@example.fr")
        if habilitation:
            HabilitationFactory(utilisateur=user, **habilitation)
        return user

    m.national = personne("national", role=Role.NATIONAL)
    m.auditeur_national = personne("auditeur-national", role=Role.AUDITEUR)
    m.auditeur_a = personne("auditeur-a", role=Role.AUDITEUR, departement=m.dep_a)
    m.prefecture_a = personne("prefecture-a", role=Role.PREFECTURE, departement=m.dep_a)
    m.referent_caf_a = personne("referent-caf-a", role=Role.REFERENT, operateur=m.caf, departement=m.dep_a)
    m.referent_local_b = personne("referent-local-b", role=Role.REFERENT, operateur=m.local_b, departement=m.dep_b)
    m.gestionnaire_a1 = personne("gestionnaire-a1", role=Role.GESTIONNAIRE, structure=m.a1)
    m.conseiller_a1 = personne("conseiller-a1", role=Role.CONSEILLER, structure=m.a1)
    m.conseiller_b = personne("conseiller-b", role=Role.CONSEILLER, structure=m.b)
    m.sans_role = personne("sans-role")
    m.staff = personne("staff")
    m.staff.is_staff = True
    m.staff.save()
    m.inactif = personne("inactif", role=Role.GESTIONNAIRE, structure=m.a1)
    m.inactif.is_active = False
    m.inactif.save()
    return m


# Qui voit, modifie, change le statut, invite — par nom de personne, en noms de structures.
TOUTES = {"a1", "a2", "b"}
ATTENDU = {
    # personne: (visibles, modifiables, statut, invitations)
    "national": (TOUTES, TOUTES, TOUTES, TOUTES),
    "auditeur_national": (TOUTES, set(), set(), set()),
    "staff": (TOUTES, set(), set(), set()),
    "auditeur_a": ({"a1", "a2"}, set(), set(), set()),
    "prefecture_a": ({"a1", "a2"}, {"a1", "a2"}, {"a1", "a2"}, set()),
    "referent_caf_a": ({"a1", "a2"}, set(), set(), set()),
    "referent_local_b": ({"b"}, set(), set(), set()),
    "gestionnaire_a1": ({"a1"}, {"a1"}, set(), {"a1"}),
    "conseiller_a1": ({"a1"}, set(), set(), set()),
    "conseiller_b": ({"b"}, set(), set(), set()),
    "sans_role": (set(), set(), set(), set()),
    "inactif": (set(), set(), set(), set()),
}
