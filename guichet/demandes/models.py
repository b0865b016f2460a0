"""Les demandes au back-office des opérateurs : une demande, son fil de messages, ses pièces jointes.

Le statut d'une demande se déduit de son fil (`Message`) : on n'écrit jamais un statut à la main.
Quelques dates et l'opérateur courant sont recopiés du fil sur la demande (`Demande.appliquer_fil`)
pour que les listes et la boîte du référent se filtrent en une requête indexée ; seule
`appliquer_fil` les écrit, à partir des messages.

Données personnelles (identité de l'usager, description, corps des messages, noms des pièces
jointes) : chiffrées au repos (`ChampChiffre`, `FichierChiffre`), jamais filtrables.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from guichet.chiffrement import ChampChiffre, FichierChiffre, supprimer_fichier
from guichet.demandes import echeances
from guichet.temps import a_paris


class EngagementDeReponse(models.Model):
    """Le délai de première réponse auquel un opérateur s'engage, en heures ouvrées, sur une période.

    Des données, pas du code : 72 heures ouvrées pour tous aujourd'hui (accord-cadre) ; la charte des
    relations entre opérateurs et France services le raccourcira pour certains. Sans opérateur : la règle
    de tous ceux qui n'ont pas d'engagement propre. Une demande garde l'engagement en vigueur quand elle a
    été adressée à l'opérateur (`Demande.delai_heures`) : un engagement nouveau ne change pas les échéances
    passées.
    """

    operateur = models.ForeignKey(
        "reseau.Operateur",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="engagements_de_reponse",
        help_text="Vide : l'engagement de tous les opérateurs qui n'en ont pas de propre.",
    )
    heures = models.PositiveSmallIntegerField(
        "délai de première réponse (heures ouvrées)",
        validators=[MinValueValidator(1), MaxValueValidator(720)],
    )
    debut = models.DateField("en vigueur à partir du")
    fin = models.DateField("jusqu'au (inclus)", null=True, blank=True)
    source = models.CharField(
        max_length=200, blank=True, help_text="Le texte qui fixe l'engagement (accord-cadre, charte…)."
    )

    class Meta:
        verbose_name = "engagement de réponse"
        verbose_name_plural = "engagements de réponse"
        ordering = ["operateur__nom", "-debut"]

    def __str__(self):
        qui = self.operateur.nom if self.operateur_id else "Tous les opérateurs"
        return f"{qui} : {self.heures} heures ouvrées depuis le {self.debut:%d/%m/%Y}"

    def clean(self):
        if self.fin is not None and self.fin < self.debut:
            raise ValidationError({"fin": "« Jusqu'au » : la fin précède le début."})
        chevauchent = EngagementDeReponse.objects.filter(operateur=self.operateur).exclude(pk=self.pk)
        chevauchent = chevauchent.filter(Q(fin__isnull=True) | Q(fin__gte=self.debut))
        if self.fin is not None:
            chevauchent = chevauchent.filter(debut__lte=self.fin)
        if chevauchent.exists():
            raise ValidationError(
                "Un autre engagement du même opérateur couvre déjà une partie de ces dates : "
                "fermez-le (date de fin) avant d'en ouvrir un nouveau."
            )

    @classmethod
    def en_vigueur(cls, operateur_id, moment) -> int:
        """Les heures ouvrées de l'engagement en vigueur pour l'opérateur à `moment` (jour de Paris) :
        le sien, sinon celui de tous, sinon le délai de l'accord-cadre."""
        jour = a_paris(moment).date()
        engagements = cls.objects.filter(Q(operateur_id=operateur_id) | Q(operateur__isnull=True)).filter(
            Q(fin__isnull=True) | Q(fin__gte=jour), debut__lte=jour
        )
        propre = commun = None
        for operateur, heures in engagements.order_by("-debut").values_list("operateur_id", "heures"):
            if operateur is None:
                commun = commun or heures
            else:
                propre = propre or heures
        return propre or commun or echeances.DELAI_HEURES


class Cote(models.TextChoices):
    """De quel côté du fil écrit l'auteur d'un message."""

    AGENT = "agent", "France services"
    REFERENT = "referent", "Opérateur"


class NatureMandat(models.TextChoices):
    AIDANTS_CONNECT = "aidants_connect", "Mandat Aidants Connect"
    ECRIT = "ecrit", "Mandat écrit signé par l'usager"
    PRESENCE = "presence", "Accord de l'usager présent au guichet"
    ENREGISTRE = "enregistre", "Mandat enregistré sur la plateforme"


class Utilite(models.TextChoices):
    OUI = "oui", "Oui"
    NON = "non", "Non"
    NE_SAIT_PAS = "ne_sait_pas", "Je ne sais pas"


class Statut(models.TextChoices):
    """Les statuts affichés, tous déduits du fil (voir `Demande.statut`)."""

    ENVOYEE = "envoyee", "Envoyée"
    PRISE_EN_CHARGE = "prise_en_charge", "Prise en charge"
    EN_RETARD = "en_retard", "En retard"
    REPONSE_RECUE = "reponse_recue", "Réponse reçue"
    EN_ATTENTE = "en_attente", "En attente de l'opérateur"
    TRAITEE = "traitee", "Traitée, à clôturer"
    CLOTUREE = "cloturee", "Clôturée"


class DemandeQuerySet(models.QuerySet):
    def ouvertes(self):
        return self.filter(cloturee_le__isnull=True)

    def cloturees(self):
        return self.filter(cloturee_le__isnull=False)

    def en_attente_de_reponse(self):
        """Ouvertes, la balle dans le camp de l'opérateur (nouvelle, prise en charge, relancée par l'agent)."""
        return self.ouvertes().filter(attente_de=Cote.REFERENT)

    def en_attente_de_l_agent(self):
        """Ouvertes, la balle dans le camp de la France services (réponse reçue ou demande traitée)."""
        return self.ouvertes().filter(attente_de=Cote.AGENT)

    def sans_reponse(self):
        """Ouvertes et encore sans première réponse de l'opérateur (la balle est donc chez lui)."""
        return self.ouvertes().filter(premiere_reponse_le__isnull=True)

    def en_retard(self, maintenant=None):
        """Sans première réponse alors que l'échéance (l'engagement de réponse de l'opérateur) est passée."""
        return self.sans_reponse().filter(echeance_le__lt=maintenant or timezone.now())

    def avec_statut(self, statut, maintenant=None):
        """Le filtre qui correspond exactement à `Demande.statut` (pour les listes)."""
        maintenant = maintenant or timezone.now()
        ouvertes = self.ouvertes()
        pas_traitee = ouvertes.filter(traitee_le__isnull=True)
        if statut == Statut.CLOTUREE:
            return self.cloturees()
        if statut == Statut.TRAITEE:
            return ouvertes.filter(traitee_le__isnull=False)
        if statut == Statut.REPONSE_RECUE:
            return pas_traitee.filter(attente_de=Cote.AGENT)
        attente_referent = pas_traitee.filter(attente_de=Cote.REFERENT)
        if statut == Statut.EN_ATTENTE:
            return attente_referent.filter(premiere_reponse_le__isnull=False)
        sans_reponse = attente_referent.filter(premiere_reponse_le__isnull=True)
        if statut == Statut.EN_RETARD:
            return sans_reponse.filter(echeance_le__lt=maintenant)
        a_temps = sans_reponse.filter(echeance_le__gte=maintenant)
        if statut == Statut.PRISE_EN_CHARGE:
            return a_temps.filter(prise_en_charge_le__isnull=False)
        if statut == Statut.ENVOYEE:
            return a_temps.filter(prise_en_charge_le__isnull=True)
        raise ValueError(f"Statut inconnu : {statut}")


class Demande(models.Model):
    """Une demande d'un conseiller France Services au back-office d'un opérateur, pour un usager."""

    # Champs chiffrés qui portent des données personnelles (effacés par la politique de conservation).
    CHAMPS_PERSONNELS = (
        "description",
        "usager_nom",
        "usager_prenom",
        "usager_date_naissance",
        "usager_nir",
        "usager_numero_allocataire",
        "usager_numero_fiscal",
        "usager_numero_dossier",
        "usager_adresse",
        "usager_telephone",
    )

    structure = models.ForeignKey("reseau.Structure", on_delete=models.CASCADE, related_name="demandes")
    departement = models.ForeignKey(
        "territoires.Departement",
        on_delete=models.PROTECT,
        related_name="demandes",
        help_text="Le département de la structure, qui désigne les référents compétents.",
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="demandes"
    )
    operateur_initial = models.ForeignKey(
        "reseau.Operateur",
        on_delete=models.PROTECT,
        related_name="demandes_initiales",
        help_text="L'opérateur choisi par l'agent à l'envoi.",
    )
    objet = models.ForeignKey(
        "demarches.Demarche", on_delete=models.SET_NULL, null=True, blank=True, related_name="demandes"
    )
    # Chiffrée comme la description : malgré la consigne, l'agent peut y écrire un nom ou un numéro. Les vues
    # anonymisées ne la montrent pas (libelle_objet_anonyme).
    objet_libre = ChampChiffre(
        "précision sur l'objet",
        blank=True,
        default="",
        help_text="Affichée dans les listes : sans nom ni numéro de l'usager.",
    )
    description = ChampChiffre(null=True, blank=True)

    # Identité de l'usager (chiffrée) ; la date de naissance est gardée au format ISO (AAAA-MM-JJ).
    usager_nom = ChampChiffre("nom de l'usager", null=True, blank=True)
    usager_prenom = ChampChiffre("prénom de l'usager", null=True, blank=True)
    usager_date_naissance = ChampChiffre("date de naissance de l'usager", null=True, blank=True)
    usager_nir = ChampChiffre("numéro de sécurité sociale (NIR)", null=True, blank=True)
    usager_numero_allocataire = ChampChiffre("numéro d'allocataire CAF", null=True, blank=True)
    usager_numero_fiscal = ChampChiffre("numéro fiscal", null=True, blank=True)
    usager_numero_dossier = ChampChiffre("numéro de dossier", null=True, blank=True)
    usager_adresse = ChampChiffre("adresse de l'usager", null=True, blank=True)
    usager_telephone = ChampChiffre("téléphone de l'usager", null=True, blank=True)

    # Consentement de l'usager
    consentement_atteste = models.BooleanField("consentement de l'usager attesté par l'agent", default=False)
    mandat_nature = models.CharField("nature du mandat", max_length=20, choices=NatureMandat.choices)
    mandat_date = models.DateField("date du mandat")
    mandat = models.ForeignKey(
        "mandats.Mandat",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demandes",
        help_text="Le mandat enregistré sous lequel la demande est envoyée : sa portée et sa validité sont vérifiées.",
    )

    envoyee_le = models.DateTimeField(default=timezone.now)
    accompagnement = models.ForeignKey(
        "activite.Accompagnement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="demandes",
        help_text="L'accompagnement « transmis au back-office » que la demande prolonge (compté une fois).",
    )

    # Recopiés du fil par `appliquer_fil` (jamais écrits ailleurs).
    operateur = models.ForeignKey(
        "reseau.Operateur",
        on_delete=models.PROTECT,
        related_name="demandes",
        help_text="L'opérateur qui traite la demande (change si elle est réorientée).",
    )
    reroutee = models.BooleanField("réorientée vers un autre opérateur", default=False)
    routee_le = models.DateTimeField(help_text="Quand l'opérateur actuel l'a reçue (envoi ou réorientation).")
    delai_heures = models.PositiveSmallIntegerField(
        "délai de première réponse (heures ouvrées)",
        default=echeances.DELAI_HEURES,
        help_text="L'engagement de réponse de l'opérateur en vigueur quand il a reçu la demande.",
    )
    echeance_le = models.DateTimeField(help_text="`delai_heures` heures ouvrées après `routee_le`.")
    premiere_reponse_le = models.DateTimeField(null=True, blank=True)
    prise_en_charge_le = models.DateTimeField(null=True, blank=True)
    prise_en_charge_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    traitee_le = models.DateTimeField(null=True, blank=True)
    attente_de = models.CharField(max_length=8, choices=Cote.choices, default=Cote.REFERENT)
    dernier_message_le = models.DateTimeField()
    cloturee_le = models.DateTimeField(null=True, blank=True)
    utile = models.CharField(
        "la réponse a-t-elle été utile ?", max_length=12, choices=Utilite.choices, blank=True, default=""
    )

    donnees_effacees_le = models.DateTimeField(null=True, blank=True)

    objects = DemandeQuerySet.as_manager()

    class Meta:
        verbose_name = "demande"
        ordering = ["-envoyee_le", "-pk"]
        # Les listes se lisent dans l'ordre d'un index (sans tri) ; les nombres des onglets aussi.
        indexes = [
            models.Index(fields=["structure", "envoyee_le", "id"], name="demande_structure"),
            models.Index(fields=["operateur", "departement", "envoyee_le", "id"], name="demande_boite"),
            models.Index(
                fields=["operateur", "departement", "attente_de", "echeance_le", "id"],
                name="demande_boite_ouvertes",
                condition=Q(cloturee_le__isnull=True),
            ),
            models.Index(
                fields=["operateur", "departement", "echeance_le", "id"],
                name="demande_boite_sans_reponse",
                condition=Q(cloturee_le__isnull=True, premiere_reponse_le__isnull=True),
            ),
            models.Index(fields=["envoyee_le"], name="demande_envoyee_le"),
        ]

    def __str__(self):
        return f"Demande n° {self.pk} — {self.libelle_objet}"

    def save(self, *args, **kwargs):
        if self.pk is None:
            # À la création, l'état recopié est celui d'un fil qui ne contient que l'envoi.
            self.operateur_id = self.operateur_id or self.operateur_initial_id
            self.routee_le = self.routee_le or self.envoyee_le
            self.dernier_message_le = self.dernier_message_le or self.envoyee_le
            if self.echeance_le is None:
                self.delai_heures = EngagementDeReponse.en_vigueur(self.operateur_id, self.routee_le)
                self.echeance_le = echeances.echeance(self.routee_le, self._code_departement(), self.delai_heures)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("demandes:detail", args=[self.pk])

    # Affichage

    @property
    def libelle_objet(self):
        if self.objet_id and self.objet_libre:
            return f"{self.objet.libelle} — {self.objet_libre}"
        if self.objet_id:
            return self.objet.libelle
        return self.objet_libre or "Sans objet"

    @property
    def libelle_objet_anonyme(self):
        """L'objet sans le texte libre de l'agent (qui pourrait nommer l'usager)."""
        return self.objet.libelle if self.objet_id else "Objet libre"

    @property
    def usager_date_naissance_date(self) -> date | None:
        if not self.usager_date_naissance:
            return None
        return date.fromisoformat(self.usager_date_naissance)

    @property
    def donnees_effacees(self):
        return self.donnees_effacees_le is not None

    def statut_au(self, maintenant=None) -> Statut:
        """Le statut, déduit du fil (mêmes règles que `DemandeQuerySet.avec_statut`)."""
        if self.cloturee_le is not None:
            return Statut.CLOTUREE
        if self.traitee_le is not None:
            return Statut.TRAITEE
        if self.attente_de == Cote.AGENT:
            return Statut.REPONSE_RECUE
        if self.premiere_reponse_le is not None:
            return Statut.EN_ATTENTE
        if (maintenant or timezone.now()) > self.echeance_le:
            return Statut.EN_RETARD
        if self.prise_en_charge_le is not None:
            return Statut.PRISE_EN_CHARGE
        return Statut.ENVOYEE

    @property
    def statut(self) -> Statut:
        return self.statut_au()

    def heures_restantes(self, maintenant=None) -> timedelta | None:
        """Le temps ouvré restant avant l'échéance (négatif : le retard), tant qu'aucune réponse n'est venue."""
        if self.cloturee_le is not None or self.premiere_reponse_le is not None:
            return None
        return echeances.heures_ouvrees_entre(maintenant or timezone.now(), self.echeance_le, self._code_departement())

    def _code_departement(self):
        if self.departement_id is None:
            self.departement = self.structure.commune.departement
        return self.departement.code

    # Le fil

    def appliquer_fil(self, enregistrer=True):
        """Recalcule depuis le fil tout ce qui en est recopié sur la demande, et l'enregistre."""
        operateur_id, routee_le, reroutee = self.operateur_initial_id, self.envoyee_le, False
        premiere_reponse_le = prise_en_charge_le = prise_en_charge_par_id = traitee_le = None
        cloturee_le, utile, attente_de = None, "", Cote.REFERENT
        dernier_message_le = self.envoyee_le
        messages = self.messages.defer("corps").order_by("cree_le", "pk")
        for m in messages:
            if m.interne:
                continue  # une note entre référents ne change rien pour l'agent
            dernier_message_le = max(dernier_message_le, m.cree_le)
            if m.nature == Nature.MESSAGE:
                if m.cote == Cote.REFERENT:
                    premiere_reponse_le = premiere_reponse_le or m.cree_le
                    attente_de = Cote.AGENT
                else:
                    attente_de, traitee_le = Cote.REFERENT, None
            elif m.nature == Nature.JE_M_EN_OCCUPE:
                prise_en_charge_le, prise_en_charge_par_id = m.cree_le, m.auteur_id
            elif m.nature == Nature.TRAITEE:
                premiere_reponse_le = premiere_reponse_le or m.cree_le
                traitee_le, attente_de = m.cree_le, Cote.AGENT
            elif m.nature == Nature.PAS_LE_BON_INTERLOCUTEUR:
                operateur_id, routee_le, reroutee = m.operateur_cible_id, m.cree_le, True
                premiere_reponse_le = prise_en_charge_le = prise_en_charge_par_id = traitee_le = None
                attente_de = Cote.REFERENT
            elif m.nature == Nature.CLOTURE:
                cloturee_le, utile = m.cree_le, m.utile
            elif m.nature == Nature.REOUVERTURE:
                cloturee_le, utile, traitee_le, attente_de = None, "", None, Cote.REFERENT
        if routee_le != self.routee_le or self.echeance_le is None:
            self.delai_heures = EngagementDeReponse.en_vigueur(operateur_id, routee_le)
            self.echeance_le = echeances.echeance(routee_le, self._code_departement(), self.delai_heures)
        self.operateur_id, self.routee_le, self.reroutee = operateur_id, routee_le, reroutee
        self.premiere_reponse_le = premiere_reponse_le
        self.prise_en_charge_le, self.prise_en_charge_par_id = prise_en_charge_le, prise_en_charge_par_id
        self.traitee_le, self.attente_de = traitee_le, attente_de
        self.cloturee_le, self.utile = cloturee_le, utile
        self.dernier_message_le = dernier_message_le
        if enregistrer:
            self.save(update_fields=CHAMPS_DU_FIL)

    def effacer_donnees_personnelles(self, maintenant=None):
        """Efface identité, description, corps des messages et pièces jointes ; garde les métadonnées anonymes."""
        for champ in self.CHAMPS_PERSONNELS:
            setattr(self, champ, None)
        self.objet_libre = ""
        self.donnees_effacees_le = maintenant or timezone.now()
        self.save(update_fields=[*self.CHAMPS_PERSONNELS, "objet_libre", "donnees_effacees_le"])
        self.messages.update(corps=None)
        for piece in PieceJointe.objects.filter(message__demande=self):
            piece.delete()  # le signal post_delete efface le fichier chiffré


CHAMPS_DU_FIL = [
    "operateur",
    "routee_le",
    "reroutee",
    "delai_heures",
    "echeance_le",
    "premiere_reponse_le",
    "prise_en_charge_le",
    "prise_en_charge_par",
    "traitee_le",
    "attente_de",
    "cloturee_le",
    "utile",
    "dernier_message_le",
]


class Nature(models.TextChoices):
    ENVOI = "envoi", "Demande envoyée"
    MESSAGE = "message", "Message"
    JE_M_EN_OCCUPE = "je_m_en_occupe", "Je m'en occupe"
    PAS_LE_BON_INTERLOCUTEUR = "pas_le_bon_interlocuteur", "Pas le bon interlocuteur"
    TRAITEE = "traitee", "Traitée"
    INVITATION = "invitation", "Invitation d'un autre opérateur"
    CLOTURE = "cloture", "Clôture"
    REOUVERTURE = "reouverture", "Réouverture"


class Message(models.Model):
    """Un élément du fil : un message, une réponse rapide, une note interne ou un changement d'état."""

    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="messages")
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages_demandes"
    )
    cote = models.CharField(max_length=8, choices=Cote.choices)
    operateur = models.ForeignKey(
        "reseau.Operateur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Pour un référent : l'opérateur au nom duquel il écrit.",
    )
    nature = models.CharField(max_length=24, choices=Nature.choices, default=Nature.MESSAGE)
    corps = ChampChiffre(null=True, blank=True)
    interne = models.BooleanField("note interne (visible des seuls référents)", default=False)
    operateur_cible = models.ForeignKey(
        "reseau.Operateur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Réorientation ou invitation : l'opérateur visé.",
    )
    utile = models.CharField(max_length=12, choices=Utilite.choices, blank=True, default="")
    cree_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "message"
        ordering = ["cree_le", "pk"]
        indexes = [models.Index(fields=["demande", "cree_le"], name="message_demande")]

    def __str__(self):
        return f"{self.get_nature_display()} du {self.cree_le:%d/%m/%Y %H:%M}"


class PieceJointe(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="pieces_jointes")
    nom = ChampChiffre("nom du fichier", null=True, blank=True)
    type_mime = models.CharField("type", max_length=100)
    taille = models.PositiveIntegerField("taille (octets)")
    fichier = FichierChiffre()
    cree_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        ordering = ["pk"]

    def __str__(self):
        return f"Pièce jointe n° {self.pk}"

    def get_absolute_url(self):
        return reverse("demandes:piece_jointe", args=[self.pk])


@receiver(post_delete, sender=PieceJointe, dispatch_uid="demandes_piece_jointe_supprimee")
def _supprimer_fichier_chiffre(sender, instance, **kwargs):
    """Une pièce jointe supprimée (directement ou par cascade) emporte son fichier chiffré."""
    supprimer_fichier(instance.fichier)


class OperateurInvite(models.Model):
    """Un autre opérateur invité dans le fil : ses référents du département de la demande y ont accès."""

    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="invitations")
    operateur = models.ForeignKey("reseau.Operateur", on_delete=models.PROTECT, related_name="+")
    invite_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    invite_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "opérateur invité"
        verbose_name_plural = "opérateurs invités"
        constraints = [models.UniqueConstraint(fields=["demande", "operateur"], name="operateur_invite_unique")]
        indexes = [models.Index(fields=["operateur", "demande"], name="operateur_invite_boite")]

    def __str__(self):
        return f"{self.operateur} invité"


class Lecture(models.Model):
    """Quand un utilisateur a lu une demande pour la dernière fois (pour signaler les nouveautés)."""

    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="lectures")
    utilisateur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lu_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "lecture"
        constraints = [models.UniqueConstraint(fields=["utilisateur", "demande"], name="lecture_unique")]

    def __str__(self):
        return f"Lue le {self.lu_le:%d/%m/%Y %H:%M}"


class Relance(models.Model):
    """Une relance envoyée (rappel à 48 h, rappel à l'échéance, escalade) : jamais deux fois la même.

    `routee_le` rattache la relance à un routage : après une réorientation, le nouvel opérateur
    a droit à ses propres rappels.
    """

    class Nature(models.TextChoices):
        RAPPEL_48H = "rappel_48h", "Rappel à 48 heures ouvrées"
        RAPPEL_ECHEANCE = "rappel_echeance", "Rappel à l'échéance"
        ESCALADE = "escalade", "Escalade au responsable départemental"
        # Politique de conservation (`retention.py`) : avertir avant de clore une demande silencieuse.
        AVERTISSEMENT = "avertissement", "Avertissement avant clôture sans nouvelles"

    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="relances")
    nature = models.CharField(max_length=16, choices=Nature.choices)
    routee_le = models.DateTimeField()
    envoyee_le = models.DateTimeField(default=timezone.now)
    destinataires = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "relance"
        constraints = [
            models.UniqueConstraint(fields=["demande", "nature", "routee_le"], name="relance_unique"),
        ]

    def __str__(self):
        return f"{self.get_nature_display()} ({self.envoyee_le:%d/%m/%Y %H:%M})"


class NotificationEnAttente(models.Model):
    """Un événement d'une demande à annoncer par courriel. Les événements d'une même demande survenus à
    quelques minutes d'intervalle partent ensemble, en un seul courriel par destinataire (voir
    `notifications.envoyer_en_attente`)."""

    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="notifications_en_attente")
    evenement = models.CharField(max_length=20)
    operateur = models.ForeignKey("reseau.Operateur", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    cree_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "notification en attente"
        verbose_name_plural = "notifications en attente"
        ordering = ["cree_le", "pk"]

    def __str__(self):
        return f"{self.evenement} ({self.cree_le:%d/%m/%Y %H:%M})"


class Recapitulatif(models.Model):
    """Le récapitulatif quotidien envoyé à un référent : un par jour au plus."""

    utilisateur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    jour = models.DateField()
    envoye_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "récapitulatif quotidien"
        verbose_name_plural = "récapitulatifs quotidiens"
        constraints = [models.UniqueConstraint(fields=["utilisateur", "jour"], name="recapitulatif_unique")]

    def __str__(self):
        return f"Récapitulatif du {self.jour:%d/%m/%Y}"
