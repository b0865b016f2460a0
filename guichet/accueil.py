"""Les blocs du tableau d'accueil de « Mon espace » : chaque application apporte les siens.

Une application qui a quelque chose à montrer à l'arrivée d'un rôle (la préfecture : ses dossiers de
labellisation à instruire ; l'auditeur : ses audits ; le responsable : ses agents à former…) écrit un module
`accueil` avec `blocs(user) -> list[Bloc]`, qui ne renvoie que ce que `user` peut ouvrir (les liens passent
par `guichet.permissions`). On les découvre dans l'ordre de INSTALLED_APPS, comme les démonstrations ; la
page les range par `ordre`. Un bloc sans chiffre ni lien n'est pas montré.
"""

from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule


@dataclass(frozen=True)
class Chiffre:
    libelle: str
    valeur: int | str
    lien: str = ""  # l'URL de la liste que ce chiffre résume, si le rôle peut l'ouvrir
    alerte: bool = False  # à traiter (en retard, sous le seuil…) : mis en évidence


@dataclass(frozen=True)
class Bloc:
    titre: str
    ordre: int = 100  # du plus important (petit) au moins important
    chiffres: tuple[Chiffre, ...] = ()
    liens: tuple[tuple[str, str], ...] = ()  # (libellé, URL)
    texte: str = ""

    @property
    def vide(self) -> bool:
        return not self.chiffres and not self.liens and not self.texte


def modules_d_accueil() -> list:
    modules = []
    for config in apps.get_app_configs():
        if config.name.startswith("guichet.") and module_has_submodule(config.module, "accueil"):
            modules.append(import_module(f"{config.name}.accueil"))
    return modules


def blocs_pour(user) -> list[Bloc]:
    """Les blocs d'accueil de `user`, toutes applications confondues, rangés par ordre."""
    blocs = [bloc for module in modules_d_accueil() for bloc in module.blocs(user) if not bloc.vide]
    return sorted(blocs, key=lambda bloc: bloc.ordre)
