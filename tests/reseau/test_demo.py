import pytest
from django.core.management import CommandError, call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from guichet import permissions
from guichet.comptes.models import Habilitation, Role, Utilisateur
from guichet.reseau import demo
from guichet.reseau.models import Creneau, Passage, Structure
from tests.territoires.factories import CantonFactory, CommuneFactory, DepartementFactory


@pytest.fixture
def geographie(db):
    for code in ("01", "19", "74"):
        departement = DepartementFactory(code=code)
        for i in range(8):
            commune = CommuneFactory(departement=departement, latitude=45 + i * 0.05, longitude=5 + i * 0.05)
            if i < 3:
                CantonFactory(departement=departement, bureau_centralisateur=commune)


def test_reseau_de_demonstration(geographie, capsys):
    call_command("demo", "--wet-run")
    sortie = capsys.readouterr().out
    structures = Structure.objects.filter(matricule__startswith=demo.PREFIXE)
    assert structures.count() == 9  # une par canton
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
    assert set(permissions.structures_visibles(prefecture)) == set(structures.filter(commune__departement__code="01"))

    # Relancer remplace le réseau de démonstration sans doublon.
    call_command("demo", "--wet-run")
    assert Structure.objects.filter(matricule__startswith=demo.PREFIXE).count() == 9


def test_code_totp_du_moment(geographie, capsys):
    call_command("demo", "--code", f"national@{demo.DOMAINE}")
    code = capsys.readouterr().out.strip()
    assert len(code) == 6 and code.isdigit()
    with pytest.raises(CommandError, match="Seuls les comptes"):
        call_command("demo", "--code", "quelquun@example.fr")


def test_demo_sans_geographie_message_clair(db):
    with pytest.raises(CommandError, match="import_territoires"):
        call_command("demo", "--wet-run")


def test_demo_sans_wet_run_ne_laisse_rien(geographie, capsys):
    call_command("demo")
    assert "Simulation" in capsys.readouterr().out
    assert not Structure.objects.exists()
    assert not Utilisateur.objects.exists()
