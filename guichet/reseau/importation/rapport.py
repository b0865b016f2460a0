"""Le rapport d'un import de structures : ce qui a été lu, écrit, rejeté et signalé.

Les champs sont en français ; `en_dict` garde les clés documentées de `import_structures --json`
(`rows`, `created`, `updated`, `rejected`, `warnings`, et dans chaque entrée `row`, `matricule`,
`field`, `error`), sur lesquelles des scripts s'appuient.
"""

from dataclasses import dataclass, field

from guichet.commandes import Rapport


@dataclass
class RapportImport(Rapport):
    """Ce que l'import a lu, écrit, rejeté et signalé. `row` : numéro de ligne du CSV (en-tête = 1)
    ou rang de l'objet (1 = le premier) pour le GeoJSON et le JSON ; `None` pour le fichier entier."""

    lignes: int = 0
    creees: int = 0
    mises_a_jour: int = 0
    rejets: list[dict] = field(default_factory=list)
    avertissements: list[dict] = field(default_factory=list)
    unite: str = "ligne"

    def rejeter(self, row, matricule, champ, erreur):
        self.rejets.append({"row": row, "matricule": matricule, "field": champ, "error": erreur})

    def signaler(self, row, matricule, champ, erreur):
        self.avertissements.append({"row": row, "matricule": matricule, "field": champ, "error": erreur})

    @property
    def lignes_rejetees(self) -> list[int]:
        return sorted({r["row"] for r in self.rejets if r["row"] is not None})

    def en_dict(self) -> dict:
        return {
            "rows": self.lignes,
            "created": self.creees,
            "updated": self.mises_a_jour,
            "rejected": self.rejets,
            "warnings": self.avertissements,
        }

    def _situer(self, entree) -> str:
        if entree["row"] is None:
            return f"fichier, colonne {entree['field']}"
        return f"{self.unite} {entree['row']}, champ {entree['field']}"

    def texte(self) -> str:
        """Le compte rendu en français, pour un humain."""
        lignes = [
            f"{self.lignes} {self.unite}s dans le fichier : {self.creees} structures créées, "
            f"{self.mises_a_jour} mises à jour ; {len(self.lignes_rejetees)} {self.unite}s rejetées ; "
            f"{len(self.avertissements)} avertissements."
        ]
        if self.simulation:
            lignes.append(
                "Simulation : rien n'a été enregistré ; les nombres sont ceux d'un import réel "
                "(--wet-run pour enregistrer)."
            )
        elif not self.ecrit and self.rejets:
            lignes.append(
                "Rien n'a été enregistré : corrigez les lignes rejetées, "
                "ou relancez avec --enregistrer-valides pour importer les lignes valides."
            )
        if self.rejets:
            lignes.append("")
            lignes.append("Rejets :")
            lignes += [f"  {self._situer(r)} : {r['error']}" for r in self.rejets]
        if self.avertissements:
            lignes.append("")
            lignes.append("Avertissements :")
            lignes += [f"  {self._situer(a)} : {a['error']}" for a in self.avertissements]
        return "\n".join(lignes)
