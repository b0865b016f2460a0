"""Un petit monde réel pour la couverture : quelques communes de Corrèze et de Haute-Vienne (codes INSEE et
points de mairie réels, populations arrondies), deux sites fixes, un bus et une permanence."""

from guichet.reseau.models import Structure
from tests.reseau.factories import PassageFactory, StructureFactory
from tests.territoires.factories import CommuneFactory, DepartementFactory

COMMUNES = {
    # code: (nom, département, population, lat, lon)
    "19272": ("Tulle", "19", 14_500, 45.2658, 1.7722),
    "19031": ("Brive-la-Gaillarde", "19", 46_000, 45.1589, 1.5331),
    "19275": ("Ussel", "19", 9_600, 45.5480, 2.3098),
    "19036": ("Chamberet", "19", 1_370, 45.5836, 1.7197),
    "19269": ("Treignac", "19", 1_360, 45.5372, 1.7944),
    "19164": ("Meymac", "19", 2_400, 45.5361, 2.1461),
    "87085": ("Limoges", "87", 130_000, 45.8336, 1.2611),
}


def monde():
    correze = DepartementFactory(code="19", nom="Corrèze")
    haute_vienne = DepartementFactory(code="87", nom="Haute-Vienne")
    deps = {"19": correze, "87": haute_vienne}
    communes = {
        code: CommuneFactory(code=code, nom=nom, departement=deps[dep], population=pop, latitude=lat, longitude=lon)
        for code, (nom, dep, pop, lat, lon) in COMMUNES.items()
    }
    tulle = StructureFactory(matricule="FS-19-TULLE", commune=communes["19272"])
    limoges = StructureFactory(matricule="FS-87-LIMOGES", commune=communes["87085"])
    StructureFactory(matricule="FS-19-FERMEE", commune=communes["19275"], statut=Structure.Statut.FERMEE)
    bus = StructureFactory(matricule="FS-19-BUS", commune=communes["19272"], bus=True)
    PassageFactory(
        structure=bus, commune=communes["19164"], lieu="Place de la mairie", jour=2, debut="09:00", fin="12:00"
    )
    PassageFactory(
        structure=bus, commune=communes["19164"], lieu="Place de la mairie", jour=4, debut="14:00", fin="16:30"
    )
    return {"communes": communes, "tulle": tulle, "limoges": limoges, "bus": bus}
