"""La subvention de démonstration : les barèmes et sources (comme en production), des versements 2026
faits en partie — une première tranche pour deux structures sur trois, le solde pour une sur trois."""

import importlib
from datetime import date
from decimal import Decimal

from django.apps import apps
from django.utils import timezone

from guichet.financement import services
from guichet.financement.models import SourceFinancement, Versement
from guichet.reseau import demo as demo_reseau
from guichet.reseau.models import Structure

ANNEE = 2026


def _structures():
    return Structure.objects.filter(matricule__startswith=demo_reseau.PREFIXE)


def nettoyer() -> int:
    nombre, _ = Versement.objects.filter(structure__in=_structures()).delete()
    return nombre


def peupler(graine: int = 2026) -> dict[str, int]:
    importlib.import_module("guichet.financement.migrations.0002_sources_et_baremes").creer(apps, None)
    nettoyer()
    sources = {s.code: s for s in SourceFinancement.objects.all()}
    aujourd_hui = timezone.localdate()
    versements = []
    for rang, ligne in enumerate(services.subvention(ANNEE, _structures()).lignes):
        premiere = (ligne.du.total / 2).quantize(Decimal("0.01"))
        if rang % 3 != 2:
            versements.append(
                (ligne, "fnadt", min(date(ANNEE, 3, 16), aujourd_hui), premiere, f"MDT-{ANNEE}-{rang:04d}-1")
            )
        if rang % 3 == 0:
            solde = ligne.du.total - premiere
            versements.append((ligne, "fnfs", min(date(ANNEE, 9, 15), aujourd_hui), solde, f"MDT-{ANNEE}-{rang:04d}-2"))
    Versement.objects.bulk_create(
        [
            Versement(
                structure_id=ligne.structure_id,
                annee=ANNEE,
                source=sources[source],
                date=jour,
                montant=montant,
                reference=reference,
            )
            for ligne, source, jour, montant, reference in versements
            if montant > 0
        ]
    )
    return {"versements de la subvention": len(versements)}
