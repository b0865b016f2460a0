"""`guichet export_structures --format lmn-json|lmn-csv` : les structures au schéma national des lieux
de médiation numérique (ANCT). La logique est dans guichet.reseau.lmn."""

import io
from pathlib import Path

from django.core.management.base import CommandError

from guichet.commandes import Commande, Rapport
from guichet.reseau.lmn import ecarts, ecrire_csv, ecrire_json, exporter_lmn
from guichet.reseau.models import Structure

ECRIVAINS = {"lmn-json": ecrire_json, "lmn-csv": ecrire_csv}


class Command(Commande):
    help = (
        "Exporte les structures labellisées au schéma des lieux de médiation numérique (JSON ou CSV). "
        "Les lieux vont sur la sortie standard (ou --sortie), le rapport sur la sortie d'erreur."
    )
    progression_possible = False
    rapport_sur_sortie_erreur = True

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=list(ECRIVAINS), required=True)
        self.option_renommee(parser, "--output", "--sortie", help="Fichier à écrire (la sortie standard par défaut).")
        parser.add_argument("--tous", action="store_true", help="Toutes les structures, quel que soit leur statut.")
        parser.add_argument("--source", default="guichet", help="Valeur du champ « source » (guichet par défaut).")

    def executer(self, *args, format, sortie=None, tous=False, source="guichet", **options):
        structures = Structure.objects.all() if tous else Structure.objects.ouvertes_au_public()
        structures = (
            structures.select_related("commune", "structure_mere")
            .prefetch_related("creneaux", "exceptions", "commune__codes_postaux")
            .order_by("matricule")
        )
        lieux = exporter_lmn(structures, source=source)
        rapport = Rapport(nombres={"lieux": len(lieux)}, avertissements=[e for lieu in lieux for e in ecarts(lieu)])
        if sortie:
            try:
                with Path(sortie).open("w", encoding="utf-8", newline="") as flux:
                    ECRIVAINS[format](lieux, flux)
            except OSError as exc:
                raise CommandError(f"Impossible d'écrire {sortie} : {exc.strerror or exc}.") from exc
            rapport.resume = f"{len(lieux)} lieux écrits dans {sortie}."
        else:
            tampon = io.StringIO()
            ECRIVAINS[format](lieux, tampon)
            self.stdout.write(tampon.getvalue(), ending="")
            rapport.resume = f"{len(lieux)} lieux exportés."
        return rapport
