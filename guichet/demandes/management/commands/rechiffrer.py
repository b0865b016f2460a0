"""`guichet rechiffrer [--wet-run]` : rechiffre avec la première clé de GUICHET_CLES_CHIFFREMENT toutes les
colonnes ChampChiffre et tous les fichiers FichierChiffre (rotation des clés). Sans --wet-run, compte seulement."""

from guichet.chiffrement import rechiffrer_tout
from guichet.commandes import Commande, Rapport
from guichet.journal.services import journaliser


class Command(Commande):
    help = (
        "Rechiffre les données chiffrées (champs et fichiers) avec la première clé de GUICHET_CLES_CHIFFREMENT. "
        "Sans --wet-run, compte seulement ce qui serait rechiffré. Ensuite l'ancienne clé peut être retirée."
    )
    ecrit = True
    # Chaque lot est validé avec ses fichiers rechiffrés sur disque : une transaction unique les désaccorderait.
    atomique = False
    progression_possible = False

    def executer(self, *args, **options):
        bilans = rechiffrer_tout(ecrire=self.ecrire)
        verbe = "rechiffrés" if self.ecrire else "à rechiffrer"
        rapport = Rapport()
        for b in bilans:
            ligne = f"{b.champ} : {b.a_jour} à jour, {b.rechiffres} {verbe}"
            if b.illisibles:
                ligne += f", {len(b.illisibles)} illisibles (clés primaires : {_liste(b.illisibles)})"
            if b.manquants:
                ligne += f", {len(b.manquants)} fichiers absents (clés primaires : {_liste(b.manquants)})"
            rapport.details.append(ligne)
        total = sum(b.rechiffres for b in bilans)
        rapport.nombres = {
            "rechiffres": total,
            "champs": {
                b.champ: {
                    "a_jour": b.a_jour,
                    "rechiffres": b.rechiffres,
                    "illisibles": b.illisibles,
                    "manquants": b.manquants,
                }
                for b in bilans
            },
        }
        if self.ecrire and total:
            journaliser(None, "rechiffrement", None, {b.champ: b.rechiffres for b in bilans if b.rechiffres})
        if self.ecrire:
            rapport.resume = f"{total} valeurs rechiffrées avec la première clé."
        else:
            rapport.resume = f"Simulation : {total} valeurs à rechiffrer."
        if any(b.illisibles for b in bilans):
            rapport.echec = (
                "Des valeurs ne se déchiffrent avec aucune clé : ne retirez aucune clé avant d'avoir compris pourquoi."
            )
        return rapport


def _liste(pks, limite=10):
    texte = ", ".join(str(pk) for pk in pks[:limite])
    return texte + (" …" if len(pks) > limite else "")
