"""Les blocs de « Mon espace » pour la labellisation : la préfecture (ses dossiers à instruire, ses audits
à réaliser), l'auditeur (ses audits), l'équipe nationale (les avis de l'ANCT attendus)."""

from django.urls import reverse
from django.utils import timezone

from guichet.accueil import Bloc, Chiffre
from guichet.labellisation import permissions as permissions_labellisation
from guichet.labellisation.models import Audit, Etape

A_INSTRUIRE = [Etape.CANDIDATURE_PORTEUR, Etape.CANDIDATURE, Etape.AVIS_FAVORABLE, Etape.AVIS_DEFAVORABLE]


def _liste(etape=""):
    return reverse("labellisation:liste") + (f"?etape={etape}" if etape else "")


def blocs(user) -> list[Bloc]:
    blocs = []
    aujourd_hui = timezone.localdate()
    audits = permissions_labellisation.audits_assignes(user)
    if audits.exists():
        a_faire = audits.filter(statut=Audit.Statut.PLANIFIE)
        blocs.append(
            Bloc(
                titre="Mes audits",
                ordre=20,
                chiffres=(
                    Chiffre("audits à réaliser", a_faire.count(), _liste()),
                    Chiffre(
                        "dont date passée",
                        a_faire.filter(date_prevue__lt=aujourd_hui).count(),
                        _liste(),
                        alerte=a_faire.filter(date_prevue__lt=aujourd_hui).exists(),
                    ),
                ),
            )
        )
    if permissions_labellisation.peut_proposer_site(user) or permissions_labellisation.tableau_labellisation_national(
        user
    ):
        dossiers = permissions_labellisation.dossiers_visibles(user)
        chiffres = [
            Chiffre("sites labellisés", dossiers.filter(etape=Etape.LABELLISEE).count(), _liste(Etape.LABELLISEE)),
        ]
        if permissions_labellisation.peut_proposer_site(user):
            chiffres.append(
                Chiffre("dossiers à instruire", dossiers.filter(etape__in=A_INSTRUIRE).count(), _liste(), alerte=True)
            )
        if permissions_labellisation.peut_donner_avis_anct(user):
            chiffres.append(
                Chiffre(
                    "avis de l'ANCT attendus",
                    dossiers.filter(etape=Etape.AUDIT_REALISE).count(),
                    _liste(Etape.AUDIT_REALISE),
                    alerte=True,
                )
            )
        dus = Audit.objects.filter(dossier__in=dossiers, statut=Audit.Statut.PLANIFIE, date_prevue__lt=aujourd_hui)
        chiffres.append(Chiffre("audits en retard", dus.count(), reverse("labellisation:tableau"), alerte=dus.exists()))
        blocs.append(
            Bloc(
                titre="Labellisation",
                ordre=30,
                chiffres=tuple(chiffres),
                liens=(("Tableau de la labellisation", reverse("labellisation:tableau")),),
            )
        )
    return blocs
