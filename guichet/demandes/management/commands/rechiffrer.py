"""`guichet rechiffrer [--wet-run]` : rechiffre avec la première clé de GUICHET_CLES_CHIFFREMENT toutes les
colonnes ChampChiffre et tous les fichiers FichierChiffre (rotation des clés). Sans --wet-run, compte seulement."""

from django.core.management.base import BaseCommand, CommandError

from guichet.demandes.chiffrement import rechiffrer_tout


class Command(BaseCommand):
    help = (
        "Rechiffre les données chiffrées (champs et fichiers) avec la première clé de GUICHET_CLES_CHIFFREMENT. "
        "Sans --wet-run, compte seulement ce qui serait rechiffré. Ensuite l'ancienne clé peut être retirée."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Rechiffrer réellement (sinon : simulation).")

    def handle(self, *args, **options):
        appliquer = options["wet_run"]
        bilans = rechiffrer_tout(appliquer=appliquer)
        verbe = "rechiffrés" if appliquer else "à rechiffrer"
        for b in bilans:
            ligne = f"{b.champ} : {b.a_jour} à jour, {b.rechiffres} {verbe}"
            if b.illisibles:
                ligne += f", {len(b.illisibles)} illisibles (clés primaires : {_liste(b.illisibles)})"
            if b.manquants:
                ligne += f", {len(b.manquants)} fichiers absents (clés primaires : {_liste(b.manquants)})"
            self.stdout.write(ligne)
        total = sum(b.rechiffres for b in bilans)
        if appliquer and total:
            from guichet.journal.services import journaliser

            journaliser(
                None,
                "rechiffrement",
                None,
                {b.champ: b.rechiffres for b in bilans if b.rechiffres},
            )
        if not appliquer:
            self.stdout.write(f"Simulation : {total} valeurs à rechiffrer. Relancer avec --wet-run pour agir.")
        else:
            self.stdout.write(f"{total} valeurs rechiffrées avec la première clé.")
        if any(b.illisibles for b in bilans):
            raise CommandError(
                "Des valeurs ne se déchiffrent avec aucune clé : ne retirez aucune clé avant d'avoir compris pourquoi.",
                returncode=1,
            )


def _liste(pks, limite=10):
    texte = ", ".join(str(pk) for pk in pks[:limite])
    return texte + (" …" if len(pks) > limite else "")
