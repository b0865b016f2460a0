"""`guichet demo` : l'orchestration des démonstrations des applications, et la commande du README."""

import ast
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

import guichet
from guichet import permissions
from guichet.comptes.models import Habilitation, Role, Utilisateur
from guichet.demo.orchestration import modules_de_demo
from guichet.reseau import demo
from guichet.reseau.models import Creneau, Passage, Structure
from tests.reseau.test_demo import geographie  # noqa: F401  (fixture)


def test_reseau_de_demonstration(geographie, capsys):  # noqa: F811
    call_command("demo", "--wet-run")
    sortie = capsys.readouterr().out
    structures = Structure.objects.filter(matricule__startswith=demo.PREFIXE)
    assert structures.count() == 9  # une par ville
    assert all(s.statut == Structure.Statut.LABELLISEE and s.operateurs.count() == 12 for s in structures)
    assert structures.filter(forme=Structure.Forme.ITINERANTE).count() == 1
    bus = structures.get(forme=Structure.Forme.ITINERANTE)
    assert Passage.objects.filter(structure=bus).count() == 5
    assert not Creneau.objects.filter(structure=bus).exists()
    assert (
        Creneau.objects.filter(structure__in=structures.filter(forme=Structure.Forme.FIXE))
        .values("structure")
        .distinct()
        .count()
        == 7
    )
    for s in structures:
        agents = Habilitation.objects.filter(structure=s, role=Role.CONSEILLER).exclude(
            utilisateur__email=f"conseiller@{demo.DOMAINE}"
        )
        assert agents.count() == 2
    # Un compte par rôle, affiché avec le mot de passe ; chacun se connecte.
    for identifiant, *_ in demo.ROLES_DEMO:
        email = f"{identifiant}@{demo.DOMAINE}"
        assert email in sortie
        assert Utilisateur.objects.get(email=email).check_password(demo.MOT_DE_PASSE)
    assert demo.MOT_DE_PASSE in sortie
    national = Utilisateur.objects.get(email=f"national@{demo.DOMAINE}")
    assert permissions.exige_double_facteur(national)
    appareil = TOTPDevice.objects.get(user=national)
    assert appareil.verify_token(totp(appareil.bin_key))
    prefecture = Utilisateur.objects.get(email=f"prefecture@{demo.DOMAINE}")
    assert set(permissions.structures_visibles(prefecture)) == set(
        Structure.objects.filter(commune__departement__code="01")
    )

    # Relancer remplace le réseau de démonstration sans doublon.
    call_command("demo", "--wet-run")
    assert Structure.objects.filter(matricule__startswith=demo.PREFIXE).count() == 9


def test_code_totp_du_moment(geographie, capsys):  # noqa: F811
    call_command("demo", "--code", f"national@{demo.DOMAINE}")
    code = capsys.readouterr().out.strip()
    assert len(code) == 6 and code.isdigit()
    with pytest.raises(CommandError, match="Seuls les comptes"):
        call_command("demo", "--code", "quelquun@example.fr")


def test_demo_sans_geographie_message_clair(db):
    with pytest.raises(CommandError, match="import_territoires"):
        call_command("demo", "--wet-run")


def test_demo_sans_wet_run_ne_laisse_rien(geographie, capsys):  # noqa: F811
    call_command("demo")
    assert "Simulation" in capsys.readouterr().out
    assert not Structure.objects.exists()
    assert not Utilisateur.objects.exists()


def test_modules_de_demo_decouverts_dans_l_ordre_des_applications():
    noms = [module.__name__ for module in modules_de_demo()]
    assert noms[0] == "guichet.reseau.demo"  # le réseau d'abord : les autres s'appuient sur lui
    assert noms.index("guichet.activite.demo") < noms.index("guichet.demandes.demo")
    assert {"guichet.connaissances.demo", "guichet.bureau.demo"} <= set(noms)


APPLICATIONS_METIER = {"activite", "demandes", "connaissances", "bureau", "statistiques", "qualite", "demo"}


def test_le_reseau_n_importe_aucune_application_qui_s_appuie_sur_lui():
    """Les dépendances pointent vers le bas : la démonstration du réseau ne remonte plus dans les
    applications métier (c'est l'orchestration qui les appelle)."""
    fautifs = []
    for fichier in (Path(guichet.__file__).parent / "reseau").rglob("*.py"):
        for noeud in ast.walk(ast.parse(fichier.read_text())):
            modules = []
            if isinstance(noeud, ast.ImportFrom) and noeud.module:
                modules = [noeud.module] + [f"{noeud.module}.{alias.name}" for alias in noeud.names]
            elif isinstance(noeud, ast.Import):
                modules = [alias.name for alias in noeud.names]
            for module in modules:
                parties = module.split(".")
                if parties[0] == "guichet" and len(parties) > 1 and parties[1] in APPLICATIONS_METIER:
                    fautifs.append(f"{fichier.name} : {module}")
    assert fautifs == []
