"""Le référentiel de labellisation, en données versionnées : des versions datées et leurs critères.

Un référentiel naît brouillon (modifiable), est publié (il devient celui en vigueur et le précédent est
remplacé), et n'est plus jamais modifié ensuite : un audit garde la version qu'il a utilisée, elle doit
rester telle qu'il l'a lue. Pour le faire évoluer, on en copie un brouillon (`copier_en_brouillon`),
que l'on modifie puis publie.

La garde est posée au plus près des données : `save` et `delete` des deux modèles, et les `update` /
`delete` de leurs QuerySet, refusent de toucher une version publiée ou remplacée (seul le passage de
« publié » à « remplacé » est permis, par `publier`).
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, F
from django.utils import timezone

from guichet.chiffrement import FichierChiffre
from guichet.reseau.models import Structure
from guichet.temps import jour_local
from guichet.territoires.models import Departement


class ReferentielFige(ValidationError):
    """Une écriture sur un référentiel publié ou remplacé."""


class StatutReferentiel(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    PUBLIE = "publie", "Publié"
    REMPLACE = "remplace", "Remplacé"


class Famille(models.TextChoices):
    ACCUEIL = "accueil", "Accueil"
    SERVICES = "services", "Services"
    EQUIPEMENT = "equipement", "Équipement"
    AGENTS = "agents", "Agents"
    OUTILS = "outils", "Outils"
    QUALITE = "qualite", "Qualité"
    GOUVERNANCE = "gouvernance", "Gouvernance"


class Preuve(models.TextChoices):
    AUTOMATIQUE = "automatique", "Automatique (données de la plateforme)"
    DECLARATION = "declaration", "Déclaration"
    CONTROLE = "controle", "Contrôle sur place"
    DOCUMENT = "document", "Document"


class Verification(models.TextChoices):
    """Les vérifications que la plateforme sait faire seule (voir `guichet.labellisation.verifications`)."""

    HORAIRES = "horaires", "Ouverture d'au moins 24 h sur au moins 5 jours"
    AGENTS = "agents", "Au moins deux agents"
    OPERATEURS = "operateurs", "Tous les opérateurs nationaux joignables"
    OUTILS = "outils", "Outils du réseau utilisés"


def _message_fige(referentiel) -> str:
    return (
        f"Le référentiel « {referentiel.titre} » est {referentiel.get_statut_display().lower()} : "
        "il ne peut plus être modifié. Copiez-le en brouillon pour le faire évoluer."
    )


class ReferentielQuerySet(models.QuerySet):
    def en_vigueur(self):
        """Le référentiel publié (un seul à la fois), ou None."""
        return self.filter(statut=StatutReferentiel.PUBLIE).order_by("-publie_le", "-date").first()

    def update(self, **valeurs):
        if self.exclude(statut=StatutReferentiel.BROUILLON).exists():
            raise ReferentielFige("Un référentiel publié ou remplacé ne peut plus être modifié.")
        return super().update(**valeurs)

    def delete(self):
        if self.exclude(statut=StatutReferentiel.BROUILLON).exists():
            raise ReferentielFige("Un référentiel publié ou remplacé ne peut pas être supprimé.")
        return super().delete()


class Referentiel(models.Model):
    """Une version nommée et datée du référentiel national (circulaire, arrêté)."""

    code = models.SlugField(unique=True, help_text="Identifiant stable, repris dans les exports.")
    titre = models.CharField(max_length=255)
    date = models.DateField("date du texte")
    statut = models.CharField(max_length=10, choices=StatutReferentiel.choices, default=StatutReferentiel.BROUILLON)
    publie_le = models.DateTimeField("publié le", null=True, blank=True, editable=False)
    origine = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="copies",
        help_text="La version dont ce brouillon est la copie.",
    )

    objects = ReferentielQuerySet.as_manager()

    class Meta:
        verbose_name = "référentiel"
        ordering = ["-date", "code"]

    def __str__(self):
        return f"{self.titre} ({self.get_statut_display().lower()})"

    def save(self, *args, **kwargs):
        avant = self._statut_enregistre()
        if avant is None and self.statut != StatutReferentiel.BROUILLON:
            raise ReferentielFige("Un référentiel naît brouillon : publiez-le ensuite.")
        if avant in (StatutReferentiel.PUBLIE, StatutReferentiel.REMPLACE):
            raise ReferentielFige(_message_fige(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._statut_enregistre() != StatutReferentiel.BROUILLON:
            raise ReferentielFige(_message_fige(self))
        return super().delete(*args, **kwargs)

    @property
    def modifiable(self) -> bool:
        return self.statut == StatutReferentiel.BROUILLON

    def _statut_enregistre(self):
        if self.pk is None:
            return None
        return Referentiel.objects.filter(pk=self.pk).values_list("statut", flat=True).first()

    @transaction.atomic
    def publier(self):
        """Publie ce brouillon : il devient le référentiel en vigueur, le précédent est remplacé."""
        if self._statut_enregistre() != StatutReferentiel.BROUILLON:
            raise ReferentielFige(_message_fige(self))
        if not self.criteres.exists():
            raise ValidationError("Un référentiel sans critère ne peut pas être publié.")
        for ancien in Referentiel.objects.select_for_update().filter(statut=StatutReferentiel.PUBLIE):
            ancien.statut = StatutReferentiel.REMPLACE
            super(Referentiel, ancien).save(update_fields=["statut"])
        self.statut = StatutReferentiel.PUBLIE
        self.publie_le = timezone.now()
        super().save(update_fields=["statut", "publie_le"])

    @transaction.atomic
    def copier_en_brouillon(self, code, titre, date=None):
        """Un brouillon qui reprend tous les critères de cette version, pour la faire évoluer."""
        copie = Referentiel.objects.create(
            code=code, titre=titre, date=date or timezone.localdate(), statut=StatutReferentiel.BROUILLON, origine=self
        )
        Critere.objects.bulk_create(
            [
                Critere(
                    referentiel=copie,
                    code=c.code,
                    titre=c.titre,
                    famille=c.famille,
                    preuve=c.preuve,
                    verification=c.verification,
                    bloquant=c.bloquant,
                    aide=c.aide,
                    ordre=c.ordre,
                )
                for c in self.criteres.all()
            ]
        )
        return copie


class CritereQuerySet(models.QuerySet):
    def automatiques(self):
        return self.filter(preuve=Preuve.AUTOMATIQUE).exclude(verification="")

    def update(self, **valeurs):
        if self.exclude(referentiel__statut=StatutReferentiel.BROUILLON).exists():
            raise ReferentielFige("Les critères d'un référentiel publié ou remplacé ne peuvent plus être modifiés.")
        return super().update(**valeurs)

    def delete(self):
        if self.exclude(referentiel__statut=StatutReferentiel.BROUILLON).exists():
            raise ReferentielFige("Les critères d'un référentiel publié ou remplacé ne peuvent pas être supprimés.")
        return super().delete()


class Critere(models.Model):
    """Un critère d'une version du référentiel."""

    referentiel = models.ForeignKey(Referentiel, on_delete=models.CASCADE, related_name="criteres")
    code = models.SlugField(max_length=60, help_text="Identifiant stable d'une version à l'autre.")
    titre = models.CharField(max_length=255)
    famille = models.CharField(max_length=12, choices=Famille.choices)
    preuve = models.CharField("nature de la preuve", max_length=12, choices=Preuve.choices)
    verification = models.CharField(
        "vérification automatique",
        max_length=12,
        choices=Verification.choices,
        blank=True,
        help_text="Pour une preuve automatique : ce que la plateforme calcule.",
    )
    bloquant = models.BooleanField(default=False, help_text="Une non-conformité interdit un avis favorable.")
    aide = models.TextField("aide pour l'auditeur", blank=True)
    ordre = models.PositiveSmallIntegerField(default=0)

    objects = CritereQuerySet.as_manager()

    class Meta:
        verbose_name = "critère"
        ordering = ["referentiel", "ordre", "code"]
        constraints = [
            models.UniqueConstraint(fields=["referentiel", "code"], name="critere_code_unique"),
            models.CheckConstraint(
                name="critere_automatique_verifie",
                condition=~models.Q(preuve="automatique", verification=""),
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.titre}"

    def save(self, *args, **kwargs):
        ids = {self.referentiel_id}
        if self.pk is not None:
            ids |= set(Critere.objects.filter(pk=self.pk).values_list("referentiel_id", flat=True))
        for referentiel_id in ids:
            if fige := self._referentiel_fige(referentiel_id):
                raise ReferentielFige(_message_fige(fige))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if fige := self._referentiel_fige(self.referentiel_id):
            raise ReferentielFige(_message_fige(fige))
        return super().delete(*args, **kwargs)

    def clean(self):
        if self.preuve == Preuve.AUTOMATIQUE and not self.verification:
            raise ValidationError({"verification": "Une preuve automatique dit ce que la plateforme vérifie."})
        if self.verification and self.preuve != Preuve.AUTOMATIQUE:
            raise ValidationError({"verification": "Seule une preuve automatique a une vérification automatique."})

    def _referentiel_fige(self, referentiel_id):
        return Referentiel.objects.filter(pk=referentiel_id).exclude(statut=StatutReferentiel.BROUILLON).first()


# — Le dossier de labellisation d'un site, ses audits et ses documents —
#
# Un dossier par structure. Ses étapes ne changent que par les méthodes de `Dossier` (et `Audit.conclure`),
# chacune gardée : elle verrouille le dossier, vérifie l'étape de départ, écrit l'étape d'arrivée, l'événement
# daté avec son auteur, et reporte dans l'historique des statuts de la structure ce qui la concerne (labellisée,
# suspendue, label retiré ; la mise en demeure et sa levée y sont notées au statut « labellisée »). Tout se fait
# dans une transaction : une transition refusée (`TransitionRefusee`, message en français) ne laisse aucune trace.


class TransitionRefusee(ValidationError):
    """Une étape demandée qui n'est pas permise depuis l'étape actuelle du dossier (ou dont une condition manque)."""


class Etape(models.TextChoices):
    PROJET = "projet", "Projet"
    CANDIDATURE_PORTEUR = "candidature_porteur", "Candidature du porteur (à endosser par la préfecture)"
    CANDIDATURE = "candidature", "Candidature déposée"
    AUDIT_PLANIFIE = "audit_planifie", "Audit planifié"
    AUDIT_REALISE = "audit_realise", "Audit réalisé"
    AVIS_FAVORABLE = "avis_favorable", "Avis favorable de l'ANCT"
    AVIS_DEFAVORABLE = "avis_defavorable", "Avis défavorable de l'ANCT"
    LABELLISEE = "labellisee", "Labellisée"
    REFUSEE = "refusee", "Labellisation refusée"
    MISE_EN_DEMEURE = "mise_en_demeure", "Mise en demeure"
    SUSPENDUE = "suspendue", "Label suspendu"
    RETIREE = "retiree", "Label retiré"


# Les étapes où le site porte le label (un contrôle de conformité peut y être planifié).
ETAPES_LABELLISEES = (Etape.LABELLISEE, Etape.MISE_EN_DEMEURE, Etape.SUSPENDUE)
# Les étapes d'où une (nouvelle) candidature peut partir.
ETAPES_CANDIDATURE = (Etape.PROJET, Etape.REFUSEE, Etape.RETIREE)


class DossierQuerySet(models.QuerySet):
    def du_departement(self, departements):
        return self.filter(structure__commune__departement__in=departements)


class Dossier(models.Model):
    """Le dossier de labellisation d'un site : de la candidature au label, puis les contrôles et sanctions."""

    structure = models.OneToOneField(Structure, on_delete=models.CASCADE, related_name="dossier")
    etape = models.CharField(max_length=20, choices=Etape.choices, default=Etape.PROJET, editable=False)
    par_porteur = models.BooleanField("candidature déposée par le porteur", default=False, editable=False)
    email_responsable = models.EmailField(
        "adresse du futur responsable",
        blank=True,
        help_text="À la labellisation, le lien d'inscription lui est envoyé (invitation de responsable de structure).",
    )
    avis_motifs = models.TextField("motifs de l'avis de l'ANCT", blank=True, editable=False)
    date_labellisation = models.DateField("date de labellisation", null=True, blank=True, editable=False)
    echeance = models.DateField("échéance de la mise en demeure", null=True, blank=True, editable=False)
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = "dossier de labellisation"
        verbose_name_plural = "dossiers de labellisation"
        ordering = ["-modifie_le"]

    def __str__(self):
        return f"Dossier de labellisation — {self.structure}"

    # Transitions

    def _verrouiller(self, action: str, depuis) -> "Dossier":
        """Relit le dossier verrouillé et vérifie qu'il est à l'une des étapes `depuis` ; sinon, refus."""
        frais = Dossier.objects.select_for_update().get(pk=self.pk)
        if frais.etape not in depuis:
            attendues = " ou ".join(f"« {Etape(e).label} »" for e in depuis)
            raise TransitionRefusee(
                f"Impossible de {action} : le dossier est à l'étape « {frais.get_etape_display()} », "
                f"il faut qu'il soit à l'étape {attendues}."
            )
        return frais

    def _passer(self, frais, vers, auteur, libelle, date=None, commentaire="", **champs):
        frais.etape = vers
        for nom, valeur in champs.items():
            setattr(frais, nom, valeur)
        frais.save()
        self.refresh_from_db()
        return Evenement.objects.create(
            dossier=self,
            etape=vers,
            libelle=libelle,
            date=date or timezone.localdate(),
            auteur=auteur,
            commentaire=commentaire,
        )

    @staticmethod
    def _exiger(texte, quoi):
        if not (texte or "").strip():
            raise TransitionRefusee(f"{quoi} : ce champ est obligatoire.")
        return texte.strip()

    @transaction.atomic
    def deposer_candidature(self, auteur, *, par_porteur=False, commentaire=""):
        """La préfecture dépose la candidature ; le porteur peut aussi la déposer, la préfecture l'endosse ensuite."""
        frais = self._verrouiller("déposer la candidature", ETAPES_CANDIDATURE)
        vers = Etape.CANDIDATURE_PORTEUR if par_porteur else Etape.CANDIDATURE
        libelle = "Candidature déposée par le porteur" if par_porteur else "Candidature déposée par la préfecture"
        return self._passer(frais, vers, auteur, libelle, commentaire=commentaire, par_porteur=par_porteur)

    @transaction.atomic
    def endosser(self, auteur, *, commentaire=""):
        frais = self._verrouiller("endosser la candidature", [Etape.CANDIDATURE_PORTEUR])
        return self._passer(
            frais, Etape.CANDIDATURE, auteur, "Candidature endossée par la préfecture", commentaire=commentaire
        )

    @transaction.atomic
    def planifier_audit(self, auteur, *, auditeur, date_prevue, controle=False):
        """Planifie l'audit de labellisation (depuis « candidature déposée ») ou un contrôle de conformité
        (site labellisé, mis en demeure ou suspendu) ; l'audit garde le référentiel en vigueur."""
        if controle:
            frais = self._verrouiller("planifier un contrôle de conformité", ETAPES_LABELLISEES)
        else:
            frais = self._verrouiller("planifier l'audit", [Etape.CANDIDATURE])
        if auditeur is None:
            raise TransitionRefusee("Auditeur : choisissez l'auditeur chargé de l'audit.")
        if date_prevue is None:
            raise TransitionRefusee("Date prévue : indiquez la date de la visite.")
        if self.audits.filter(statut=Audit.Statut.PLANIFIE).exists():
            raise TransitionRefusee("Un audit de ce dossier est déjà planifié : concluez-le d'abord.")
        referentiel = Referentiel.objects.en_vigueur()
        if referentiel is None:
            raise TransitionRefusee("Aucun référentiel publié : l'équipe nationale doit en publier un.")
        audit = Audit.objects.create(
            dossier=self,
            nature=Audit.Nature.CONTROLE if controle else Audit.Nature.LABELLISATION,
            referentiel=referentiel,
            auditeur=auditeur,
            date_prevue=date_prevue,
            planifie_par=auteur,
        )
        nom = f"{auditeur.get_full_name() or auditeur.email}, le {date_prevue:%d/%m/%Y}"
        if controle:
            Evenement.objects.create(
                dossier=self, etape=frais.etape, libelle=f"Contrôle de conformité planifié ({nom})", auteur=auteur
            )
            frais.save()
        else:
            self._passer(frais, Etape.AUDIT_PLANIFIE, auteur, f"Audit planifié ({nom})")
        return audit

    @transaction.atomic
    def donner_avis(self, auteur, *, favorable: bool, motifs=""):
        frais = self._verrouiller("donner l'avis de l'ANCT", [Etape.AUDIT_REALISE])
        if favorable:
            audit = self.audits.filter(nature=Audit.Nature.LABELLISATION).order_by("-realise_le").first()
            if audit is not None and audit.conclusion != Audit.Conclusion.FAVORABLE:
                raise TransitionRefusee("Avis favorable impossible : l'audit a conclu défavorablement.")
            return self._passer(
                frais, Etape.AVIS_FAVORABLE, auteur, "Avis favorable de l'ANCT", commentaire=motifs, avis_motifs=motifs
            )
        motifs = self._exiger(motifs, "Motifs de l'avis défavorable")
        return self._passer(
            frais, Etape.AVIS_DEFAVORABLE, auteur, "Avis défavorable de l'ANCT", commentaire=motifs, avis_motifs=motifs
        )

    @transaction.atomic
    def labelliser(self, auteur, *, date=None, email_responsable=None):
        """Décision du préfet, prise aujourd'hui : le site est labellisé à compter de `date` (aujourd'hui par défaut ;
        une date passée ou future est permise). Le site entre dans l'annuaire public ce jour-là
        (`Structure.objects.ouvertes_au_public`), pas avant."""
        frais = self._verrouiller("labelliser le site", [Etape.AVIS_FAVORABLE])
        aujourd_hui = jour_local(timezone.now())
        date = date or aujourd_hui
        if email_responsable is not None:
            frais.email_responsable = email_responsable.strip()
        libelle = "Décision du préfet : site labellisé"
        if date != aujourd_hui:
            libelle += f" à compter du {date:%d/%m/%Y}"
        evenement = self._passer(frais, Etape.LABELLISEE, auteur, libelle, date=aujourd_hui, date_labellisation=date)
        structure = Structure.objects.select_for_update().get(pk=self.structure_id)
        structure.date_labellisation = date
        structure.changer_statut(Structure.Statut.LABELLISEE, date, "Labellisation (décision du préfet)", auteur)
        return evenement

    @transaction.atomic
    def refuser(self, auteur, *, motifs):
        frais = self._verrouiller("refuser la labellisation", [Etape.AVIS_FAVORABLE, Etape.AVIS_DEFAVORABLE])
        motifs = self._exiger(motifs, "Motifs du refus")
        return self._passer(
            frais, Etape.REFUSEE, auteur, "Décision du préfet : labellisation refusée", commentaire=motifs
        )

    @transaction.atomic
    def mettre_en_demeure(self, auteur, *, echeance, motifs):
        frais = self._verrouiller("mettre le site en demeure", [Etape.LABELLISEE])
        motifs = self._exiger(motifs, "Motifs de la mise en demeure")
        if echeance is None or echeance <= timezone.localdate():
            raise TransitionRefusee("Échéance : la mise en demeure fixe une échéance future.")
        evenement = self._passer(
            frais,
            Etape.MISE_EN_DEMEURE,
            auteur,
            f"Mise en demeure, échéance le {echeance:%d/%m/%Y}",
            commentaire=motifs,
            echeance=echeance,
        )
        self.structure.changer_statut(
            Structure.Statut.LABELLISEE, None, f"Mise en demeure (échéance le {echeance:%d/%m/%Y}) : {motifs}", auteur
        )
        return evenement

    @transaction.atomic
    def lever_mise_en_demeure(self, auteur, *, commentaire=""):
        frais = self._verrouiller("lever la mise en demeure", [Etape.MISE_EN_DEMEURE])
        evenement = self._passer(
            frais, Etape.LABELLISEE, auteur, "Mise en demeure levée", commentaire=commentaire, echeance=None
        )
        self.structure.changer_statut(Structure.Statut.LABELLISEE, None, "Mise en demeure levée", auteur)
        return evenement

    @transaction.atomic
    def suspendre(self, auteur, *, motifs):
        frais = self._verrouiller("suspendre le label", [Etape.LABELLISEE, Etape.MISE_EN_DEMEURE])
        motifs = self._exiger(motifs, "Motifs de la suspension")
        evenement = self._passer(frais, Etape.SUSPENDUE, auteur, "Label suspendu", commentaire=motifs)
        self.structure.changer_statut(Structure.Statut.SUSPENDUE, None, f"Suspension du label : {motifs}", auteur)
        return evenement

    @transaction.atomic
    def retablir(self, auteur, *, commentaire=""):
        frais = self._verrouiller("rétablir le label", [Etape.SUSPENDUE])
        evenement = self._passer(
            frais, Etape.LABELLISEE, auteur, "Label rétabli", commentaire=commentaire, echeance=None
        )
        self.structure.changer_statut(Structure.Statut.LABELLISEE, None, "Label rétabli", auteur)
        return evenement

    @transaction.atomic
    def retirer(self, auteur, *, motifs):
        frais = self._verrouiller("retirer le label", list(ETAPES_LABELLISEES))
        motifs = self._exiger(motifs, "Motifs du retrait")
        evenement = self._passer(frais, Etape.RETIREE, auteur, "Label retiré", commentaire=motifs, echeance=None)
        self.structure.changer_statut(Structure.Statut.RETIREE, None, f"Retrait du label : {motifs}", auteur)
        return evenement


class Evenement(models.Model):
    """Un pas du dossier : daté, avec son auteur (l'historique du dossier ; n'est jamais modifié)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="evenements")
    etape = models.CharField(max_length=20, choices=Etape.choices)
    libelle = models.CharField(max_length=255)
    date = models.DateField(default=timezone.localdate)
    le = models.DateTimeField(default=timezone.now)
    auteur = models.ForeignKey(
        "comptes.Utilisateur", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    commentaire = models.TextField(blank=True)

    class Meta:
        verbose_name = "événement du dossier"
        ordering = ["le", "pk"]

    def __str__(self):
        return f"{self.libelle} ({self.date:%d/%m/%Y})"


class ResultatAudit(models.TextChoices):
    """Ce que l'auditeur constate pour un critère."""

    CONFORME = "conforme", "Conforme"
    NON_CONFORME = "non_conforme", "Non conforme"
    SANS_OBJET = "sans_objet", "Sans objet"


class Audit(models.Model):
    """Une visite sur place : l'audit de labellisation ou un contrôle de conformité, sur une version du référentiel."""

    class Nature(models.TextChoices):
        LABELLISATION = "labellisation", "Audit de labellisation"
        CONTROLE = "controle", "Contrôle de conformité"

    class Statut(models.TextChoices):
        PLANIFIE = "planifie", "Planifié"
        REALISE = "realise", "Réalisé"

    class Conclusion(models.TextChoices):
        FAVORABLE = "favorable", "Favorable"
        DEFAVORABLE = "defavorable", "Défavorable"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="audits")
    nature = models.CharField(max_length=14, choices=Nature.choices, default=Nature.LABELLISATION)
    referentiel = models.ForeignKey(Referentiel, on_delete=models.PROTECT, related_name="audits")
    auditeur = models.ForeignKey("comptes.Utilisateur", on_delete=models.PROTECT, related_name="audits_assignes")
    date_prevue = models.DateField("date prévue")
    statut = models.CharField(max_length=10, choices=Statut.choices, default=Statut.PLANIFIE, editable=False)
    conclusion = models.CharField(max_length=12, choices=Conclusion.choices, blank=True, editable=False)
    synthese = models.TextField(blank=True)
    planifie_par = models.ForeignKey(
        "comptes.Utilisateur", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cree_le = models.DateTimeField(auto_now_add=True)
    realise_le = models.DateTimeField("réalisé le", null=True, blank=True, editable=False)
    compte_dans = models.ForeignKey(
        Departement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="Le dernier audit conclu du dossier : ses constats comptent au tableau de ce département.",
    )

    class Meta:
        verbose_name = "audit"
        ordering = ["-date_prevue", "-pk"]

    def __str__(self):
        return f"{self.get_nature_display()} — {self.dossier.structure} ({self.date_prevue:%d/%m/%Y})"

    @property
    def modifiable(self) -> bool:
        return self.statut == self.Statut.PLANIFIE

    def raisons_defavorables(self) -> list[str]:
        """Pourquoi l'audit ne peut pas conclure favorablement : chaque critère bloquant non conforme."""
        return [
            f"Critère bloquant non conforme : {ligne.critere.code} — {ligne.critere.titre}"
            for ligne in self.lignes.select_related("critere").filter(
                critere__bloquant=True, resultat=ResultatAudit.NON_CONFORME
            )
        ]

    def lignes_a_remplir(self) -> list[str]:
        lignes = self.lignes.select_related("critere").filter(resultat="")
        return [f"{ligne.critere.code} — {ligne.critere.titre}" for ligne in lignes]

    @transaction.atomic
    def conclure(self, auteur, *, conclusion, synthese=""):
        """L'auditeur conclut : toutes les lignes remplies, jamais « favorable » avec un critère bloquant non
        conforme. L'audit de labellisation fait passer le dossier à « audit réalisé »."""
        audit = Audit.objects.select_for_update().get(pk=self.pk)
        if audit.statut != self.Statut.PLANIFIE:
            raise TransitionRefusee("Cet audit est déjà conclu : il ne peut plus être modifié.")
        if conclusion not in self.Conclusion.values:
            raise TransitionRefusee("Conclusion : choisissez « favorable » ou « défavorable ».")
        if manquantes := self.lignes_a_remplir():
            raise TransitionRefusee(
                f"Impossible de conclure : {len(manquantes)} critère{'s' if len(manquantes) > 1 else ''} sans "
                f"résultat ({'; '.join(manquantes[:5])}{' ; …' if len(manquantes) > 5 else ''})."
            )
        if conclusion == self.Conclusion.FAVORABLE and (raisons := self.raisons_defavorables()):
            raise TransitionRefusee("Conclusion favorable impossible. " + " ; ".join(raisons) + ".")
        dossier = self.dossier
        frais = Dossier.objects.select_for_update().get(pk=dossier.pk)  # un audit conclu à la fois par dossier
        if self.nature == self.Nature.LABELLISATION:
            frais = dossier._verrouiller("conclure l'audit", [Etape.AUDIT_PLANIFIE])
            dossier._passer(
                frais,
                Etape.AUDIT_REALISE,
                auteur,
                f"Audit réalisé : conclusion {self.Conclusion(conclusion).label.lower()}",
                commentaire=synthese,
            )
        else:
            Evenement.objects.create(
                dossier=dossier,
                etape=dossier.etape,
                libelle=f"Contrôle de conformité réalisé : conclusion {self.Conclusion(conclusion).label.lower()}",
                auteur=auteur,
                commentaire=synthese,
            )
        self.statut = self.Statut.REALISE
        self.conclusion = conclusion
        self.synthese = synthese
        self.realise_le = timezone.now()
        self.save(update_fields=["statut", "conclusion", "synthese", "realise_le"])
        ComptageCritere.objects.remplacer(frais, self)


class LigneAudit(models.Model):
    """Le constat de l'auditeur pour un critère de la version de l'audit."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="lignes")
    critere = models.ForeignKey(Critere, on_delete=models.PROTECT, related_name="+")
    resultat_automatique = models.CharField(max_length=12, blank=True)
    preuve_automatique = models.TextField(blank=True)
    resultat = models.CharField(max_length=12, choices=ResultatAudit.choices, blank=True)
    commentaire = models.TextField(blank=True)
    modifie_le = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "ligne d'audit"
        ordering = ["critere__ordre", "critere__code"]
        constraints = [models.UniqueConstraint(fields=["audit", "critere"], name="ligne_audit_unique")]

    def __str__(self):
        return f"{self.critere.code} : {self.get_resultat_display() or 'à remplir'}"

    @property
    def libelle_automatique(self) -> str:
        """Le résultat de la vérification automatique (ou de la déclaration au registre), en toutes lettres."""
        return {"conforme": "conforme", "non_conforme": "non conforme", "a_verifier": "à vérifier"}.get(
            self.resultat_automatique, "—"
        )


class PieceAudit(models.Model):
    """Une photo ou un document joint à une ligne d'audit, chiffré au repos (règles des pièces jointes)."""

    ligne = models.ForeignKey(LigneAudit, on_delete=models.CASCADE, related_name="pieces")
    nom = models.CharField(max_length=120)
    type_mime = models.CharField(max_length=100)
    taille = models.PositiveIntegerField()
    fichier = FichierChiffre(editable=False)
    deposee_par = models.ForeignKey("comptes.Utilisateur", on_delete=models.SET_NULL, null=True, related_name="+")
    deposee_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "pièce d'audit"
        ordering = ["deposee_le", "pk"]

    def __str__(self):
        return self.nom


class Document(models.Model):
    """Un PDF produit par la plateforme (rapport d'audit, décision du préfet), gardé chiffré."""

    class Nature(models.TextChoices):
        RAPPORT = "rapport", "Rapport d'audit"
        DECISION = "decision", "Décision du préfet"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, null=True, blank=True, related_name="documents")
    nature = models.CharField(max_length=10, choices=Nature.choices)
    nom = models.CharField(max_length=150)
    fichier = FichierChiffre(editable=False)
    cree_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "document"
        ordering = ["cree_le", "pk"]

    def __str__(self):
        return self.nom


# — Les constats par critère du tableau de la labellisation —
#
# Le tableau compte, sur le dernier audit conclu de chaque site, combien de sites sont conformes, non conformes
# ou « sans objet » à chaque critère. Recompter ces lignes à chaque affichage coûte cher à l'échelle du réseau
# (une trentaine de lignes par site) : les comptes sont tenus par département, critère et résultat, quelques
# milliers de lignes en tout. Un seul écrivain les tient à jour, la conclusion d'un audit (`Audit.conclure`) :
# les constats de l'audit précédent du dossier sont retirés de leur département, ceux du nouvel audit ajoutés au
# département du site, dans la même transaction. `Audit.compte_dans` marque l'audit compté de chaque dossier et
# où. `recompter` refait le tout depuis les lignes d'audit (données reprises en masse, démonstration, site
# changé de département) : `guichet recompter_constats`, chaque nuit.


def _verrouiller_departements(ids):
    """Sérialise les écritures des comptes d'un département (dans l'ordre des clés : jamais d'interblocage).
    FOR NO KEY UPDATE sur PostgreSQL : les lignes qui référencent le département ne sont pas bloquées."""
    return list(
        Departement.objects.select_for_update(no_key=True)
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


class ComptageCritereQuerySet(models.QuerySet):
    def _reporter(self, audit_id, departement_id, signe):
        """Ajoute (+1) ou retire (-1) les constats d'un audit aux comptes de leur département."""
        par_resultat = defaultdict(list)
        lignes = LigneAudit.objects.filter(audit_id=audit_id).exclude(resultat="")
        for critere_id, resultat in lignes.values_list("critere_id", "resultat").order_by("critere_id"):
            par_resultat[resultat].append(critere_id)
        if signe > 0:
            self.bulk_create(
                [
                    ComptageCritere(departement_id=departement_id, critere_id=critere_id, resultat=resultat)
                    for resultat, criteres in sorted(par_resultat.items())
                    for critere_id in criteres
                ],
                ignore_conflicts=True,
            )
        for resultat, criteres in sorted(par_resultat.items()):
            self.filter(departement_id=departement_id, resultat=resultat, critere_id__in=criteres).update(
                nombre=F("nombre") + signe
            )

    def remplacer(self, dossier, audit):
        """L'audit qui vient d'être conclu devient celui que compte le tableau pour ce dossier (le dossier est
        verrouillé par l'appelant)."""
        departement_id = (
            Structure.objects.filter(pk=dossier.structure_id).values_list("commune__departement_id", flat=True).get()
        )
        precedents = Audit.objects.filter(dossier_id=dossier.pk, compte_dans__isnull=False).exclude(pk=audit.pk)
        _verrouiller_departements({departement_id, *precedents.values_list("compte_dans_id", flat=True)})
        for precedent_id, ancien_departement_id in precedents.values_list("pk", "compte_dans_id"):
            _verrouiller_departements([ancien_departement_id])  # déjà fait, sauf recomptage passé entre-temps
            self._reporter(precedent_id, ancien_departement_id, -1)
        precedents.update(compte_dans=None)
        self._reporter(audit.pk, departement_id, +1)
        Audit.objects.filter(pk=audit.pk).update(compte_dans_id=departement_id)

    def par_critere(self, departements):
        """[(code, titre, bloquant, resultat, nombre)] sur ces départements (identifiants), en une requête : les
        critères dans l'ordre du référentiel, la version la plus récente d'abord pour un même code."""
        return list(
            self.filter(departement_id__in=departements, nombre__gt=0)
            .values_list("critere__code", "critere__titre", "critere__bloquant", "resultat")
            .annotate(n=models.Sum("nombre"))
            .order_by("critere__ordre", "critere__code", "-critere__referentiel__date", "resultat")
        )

    def par_region(self, departements):
        """[(identifiant de la région, identifiant du critère, resultat, nombre)] sur ces départements
        (identifiants), sommés par région en une requête (département → région, sans autre jointure) : la somme
        des régions donne les comptes nationaux."""
        return list(
            self.filter(departement_id__in=departements, nombre__gt=0)
            .values_list("departement__region_id", "critere_id", "resultat")
            .annotate(n=models.Sum("nombre"))
            .order_by()
        )

    @transaction.atomic
    def recompter(self) -> dict:
        """Refait les comptes depuis les lignes d'audit : le dernier audit conclu de chaque dossier (le plus
        récemment réalisé), compté au département actuel de son site. Rend ce qui a changé."""
        _verrouiller_departements(Departement.objects.values("pk"))
        departement_de = dict(Dossier.objects.values_list("pk", "structure__commune__departement_id"))
        derniers = {}
        for dossier_id, audit_id in (
            Audit.objects.filter(statut=Audit.Statut.REALISE)
            .order_by("dossier_id", "-realise_le", "-pk")
            .values_list("dossier_id", "pk")
        ):
            derniers.setdefault(dossier_id, audit_id)
        voulu = {audit_id: departement_de[dossier_id] for dossier_id, audit_id in derniers.items()}
        actuel = dict(Audit.objects.filter(compte_dans__isnull=False).values_list("pk", "compte_dans_id"))
        audits_changes = {pk for pk in voulu.keys() | actuel.keys() if voulu.get(pk) != actuel.get(pk)}
        if audits_changes:
            Audit.objects.filter(pk__in=[pk for pk in audits_changes if pk in actuel]).update(compte_dans=None)
            par_departement = defaultdict(list)
            for pk in audits_changes & voulu.keys():
                par_departement[voulu[pk]].append(pk)
            for departement_id, audits in par_departement.items():
                Audit.objects.filter(pk__in=audits).update(compte_dans_id=departement_id)
        nouveaux = {
            (departement_id, critere_id, resultat): n
            for departement_id, critere_id, resultat, n in (
                LigneAudit.objects.filter(audit__compte_dans__isnull=False)
                .exclude(resultat="")
                .values_list("audit__compte_dans_id", "critere_id", "resultat")
                .annotate(n=Count("pk"))
                .order_by()
            )
        }
        anciens = {
            (d, c, r): n
            for d, c, r, n in self.filter(nombre__gt=0).values_list(
                "departement_id", "critere_id", "resultat", "nombre"
            )
        }
        ecarts = sum(1 for cle in nouveaux.keys() | anciens.keys() if nouveaux.get(cle) != anciens.get(cle))
        if ecarts or self.filter(nombre__lte=0).exists():
            self.all().delete()
            self.bulk_create(
                [
                    ComptageCritere(departement_id=d, critere_id=c, resultat=r, nombre=n)
                    for (d, c, r), n in nouveaux.items()
                ],
                batch_size=5000,
            )
        return {
            "sites_audites": len(voulu),
            "audits_changes": len(audits_changes),
            "comptes": len(nouveaux),
            "ecarts": ecarts,
        }


class ComptageCritere(models.Model):
    """Combien de sites d'un département ont, à leur dernier audit conclu, tel résultat à tel critère."""

    departement = models.ForeignKey(Departement, on_delete=models.CASCADE, related_name="+")
    critere = models.ForeignKey(Critere, on_delete=models.CASCADE, related_name="+")
    resultat = models.CharField(max_length=12, choices=ResultatAudit.choices)
    nombre = models.IntegerField(default=0)

    objects = ComptageCritereQuerySet.as_manager()

    class Meta:
        verbose_name = "comptage des constats d'un critère"
        verbose_name_plural = "comptages des constats par critère"
        constraints = [
            models.UniqueConstraint(fields=["departement", "critere", "resultat"], name="comptage_critere_unique")
        ]

    def __str__(self):
        return f"{self.departement_id} — {self.critere_id} — {self.resultat} : {self.nombre}"
