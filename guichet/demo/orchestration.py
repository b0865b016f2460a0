"""`guichet demo` : chaque application apporte sa démonstration, ce module les enchaîne.

Une application qui a des données de démonstration a un module `demo` avec `peupler(graine)` (crée
ses données, renvoie les comptes à afficher : libellé → nombre) et, si ses données protègent celles
d'une application plus basse (les accompagnements protègent les structures), `nettoyer()`. On les
découvre dans l'ordre de INSTALLED_APPS, qui va des applications de base aux applications métier :
on nettoie en remontant, on peuple en descendant. Ainsi le réseau n'importe aucune application qui
s'appuie sur lui, et une nouvelle application n'a qu'à écrire son module `demo`.
"""

import inspect
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from guichet.reseau import demo as demo_reseau

GRAINE = 2026


@dataclass
class Demonstration:
    comptes: dict = field(default_factory=dict)  # libellé → nombre, dans l'ordre des applications
    acces: list = field(default_factory=list)  # les comptes de démonstration (reseau.demo.CompteDemo)


def modules_de_demo() -> list:
    """Les modules `demo` des applications installées, dans l'ordre de INSTALLED_APPS."""
    modules = []
    for config in apps.get_app_configs():
        if config.name.startswith("guichet.") and config.name != __package__:
            if module_has_submodule(config.module, "demo"):
                modules.append(import_module(f"{config.name}.demo"))
    return modules


def nettoyer(modules=None) -> None:
    """Les données de démonstration des applications, de la plus haute à la plus basse."""
    for module in reversed(modules if modules is not None else modules_de_demo()):
        if hasattr(module, "nettoyer"):
            module.nettoyer()


@transaction.atomic
def creer_demo(graine: int = GRAINE) -> Demonstration:
    """Nettoie puis peuple chaque application, tout ou rien ; RuntimeError si la géographie manque."""
    modules = modules_de_demo()
    nettoyer(modules)
    demonstration = Demonstration()
    for module in modules:
        parametres = inspect.signature(module.peupler).parameters
        demonstration.comptes.update(module.peupler(graine=graine) if "graine" in parametres else module.peupler())
    demonstration.acces = demo_reseau.comptes_demo()
    return demonstration
