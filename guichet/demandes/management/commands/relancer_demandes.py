"""`guichet relancer_demandes [--wet-run] [--maintenant 2026-03-12T10:00]` : rappels, escalades, récapitulatifs."""

from django.core.management.base import BaseCommand, CommandError

from guichet.demandes.relances import maintenant_depuis_texte, relancer


class Command(BaseCommand):
    help = (
        "Envoie les relances dues des demandes au back-office : rappel aux référents à 48 heures ouvrées sans "
        "réponse, rappel et escalade au responsable départemental de l'opérateur à l'échéance (72 heures "
        "ouvrées), récapitulatif quotidien des référents (jours ouvrés, à partir de 8 h). Idempotente : une "
        "relance déjà envoyée ne repart jamais. Sans --wet-run, compte seulement. À lancer toutes les 15 minutes, "
        "par exemple par cron : `*/15 * * * * /srv/guichet/.venv/bin/guichet relancer_demandes --wet-run` "
        "(ou un minuteur systemd OnCalendar=*:0/15) ; les courriels partent par les tâches de fond "
        "(`guichet db_worker`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Envoyer réellement (sinon : simulation).")
        parser.add_argument(
            "--maintenant",
            metavar="AAAA-MM-JJTHH:MM",
            help="Faire comme s'il était cette heure-là (heure de Paris si aucun fuseau) : essais, rattrapage.",
        )

    def handle(self, *args, wet_run=False, maintenant=None, **options):
        try:
            moment = maintenant_depuis_texte(maintenant) if maintenant else None
        except ValueError as erreur:
            raise CommandError(
                f"--maintenant : date illisible « {maintenant} » (attendu 2026-03-12T10:00)."
            ) from erreur
        bilan = relancer(moment, envoyer=wet_run)
        if wet_run:
            self.stdout.write(f"Envoyés : {bilan}.")
        else:
            self.stdout.write(f"Simulation, rien n'est envoyé : {bilan}. Relancer avec --wet-run pour envoyer.")
