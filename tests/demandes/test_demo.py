from collections import Counter

from django.core import mail
from django.core.files.storage import default_storage
from django.db.models import Count

from guichet.comptes.models import Habilitation, Role
from guichet.demandes import demo, relances
from guichet.demandes.models import Demande, PieceJointe, Statut
from guichet.reseau import demo as demo_reseau
from guichet.reseau.demo import DEPARTEMENT_DEMO, PREFIXE
from guichet.reseau.models import Structure
from tests.reseau.test_demo import geographie  # noqa: F401  (fixture)


def test_demandes_de_demonstration(geographie, django_capture_on_commit_callbacks):  # noqa: F811
    demo_reseau.peupler()
    with django_capture_on_commit_callbacks(execute=True) as rappels:
        bilan = demo.peupler()
    assert bilan == {"référents d'opérateurs ajoutés": 16, "demandes au back-office": 20}
    assert not mail.outbox and not rappels  # la démonstration n'envoie aucun courriel
    demandes = Demande.objects.all()
    assert demandes.count() == 20
    assert demandes.values("structure").distinct().count() == 2
    statuts = Counter(d.statut for d in demandes)
    assert set(statuts) == set(Statut), statuts  # tous les statuts sont représentés
    assert demandes.filter(reroutee=True).exists() and demandes.filter(invitations__isnull=False).exists()
    assert PieceJointe.objects.exists()
    # Un référent au moins pour chacun des 12 opérateurs nationaux, deux pour les plus sollicités ;
    # des noms et des adresses de vraies personnes (ni « — » ni « referent-… »).
    par_operateur = (
        Habilitation.objects.filter(role=Role.REFERENT, departement__code=DEPARTEMENT_DEMO)
        .values("operateur__code")
        .annotate(n=Count("pk"))
    )
    nombres = {p["operateur__code"]: p["n"] for p in par_operateur}
    assert len(nombres) == 12 and all(nombres.values())
    assert {code for code, n in nombres.items() if n == 2} == {
        "caf",
        "france-travail",
        "assurance-maladie",
        "finances-publiques",
    }
    referents = Habilitation.objects.filter(role=Role.REFERENT).select_related("utilisateur")
    for h in referents:
        assert h.utilisateur.first_name and h.utilisateur.last_name and "Référent" not in h.utilisateur.last_name
        assert not h.utilisateur.email.startswith(("referent-", "x-"))
    # Les demandes déjà en retard ont eu leurs relances : la commande périodique ne renvoie rien de vieux.
    bilan = relances.relancer(ecrire=False)
    assert bilan.rappels_echeance == bilan.escalades == 0

    # Relancer remplace les demandes de démonstration sans doublon ni fichier orphelin.
    fichiers = list(PieceJointe.objects.values_list("fichier", flat=True))
    assert all(default_storage.exists(f) for f in fichiers)
    demo.peupler()
    assert Demande.objects.count() == 20
    assert not any(default_storage.exists(f) for f in fichiers)
    # Le réseau de démonstration effacé (`guichet demo` le recrée) emporte demandes et fichiers.
    fichiers = list(PieceJointe.objects.values_list("fichier", flat=True))
    Structure.objects.filter(matricule__startswith=PREFIXE).delete()
    assert not Demande.objects.exists() and not any(default_storage.exists(f) for f in fichiers)
