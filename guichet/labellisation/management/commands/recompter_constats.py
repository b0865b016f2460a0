"""`guichet recompter_constats [--wet-run]` : refait les comptes par critère du tableau de la labellisation."""

from guichet.commandes import Commande, Rapport
from guichet.labellisation.models import ComptageCritere


class Command(Commande):
    help = (
        "Refait, depuis les lignes d'audit, les comptes par département et critère du tableau de la labellisation "
        "(la conclusion de chaque audit les tient à jour ; ce recomptage rattrape une reprise de données ou un "
        "site changé de département : chaque nuit, guichet/planification.py). Sans --wet-run, dit seulement "
        "ce qui changerait."
    )
    ecrit = True
    progression_possible = False

    def executer(self, *args, **options):
        bilan = ComptageCritere.objects.recompter()
        ecarts = bilan["ecarts"] + bilan["audits_changes"]
        if not ecarts:
            resume = f"Les comptes de {bilan['sites_audites']} site(s) audité(s) sont à jour : rien à changer."
        else:
            verbe = "recomptés" if self.ecrire else "à recompter"
            resume = (
                f"{bilan['sites_audites']} site(s) audité(s) : {bilan['ecarts']} compte(s) par critère et "
                f"{bilan['audits_changes']} audit(s) compté(s) {verbe}."
            )
        return Rapport(resume=resume, nombres=bilan)
