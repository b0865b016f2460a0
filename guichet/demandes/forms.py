"""Formulaires des demandes : ouverture, réponse dans le fil, réorientation, invitation, clôture.

Chaque message d'erreur nomme le champ en cause. Les pièces jointes sont vérifiées par leur contenu
(`chiffrement.verifier_piece_jointe`) ; un navigateur ne peut pas garder un fichier choisi quand le
formulaire revient avec une erreur : la page le dit (voir `a_des_fichiers_perdus`).
"""

import uuid
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from guichet.activite.models import Duree, TypeAide
from guichet.chiffrement import LIBELLE_TYPES_ACCEPTES, verifier_piece_jointe
from guichet.comptes.forms import FormulaireDsfr
from guichet.demandes import validateurs
from guichet.demandes.destinataires import operateurs_avec_referent
from guichet.demandes.models import NatureMandat, Utilite
from guichet.demarches.models import Demarche
from guichet.mandats import services as services_mandats
from guichet.reseau.models import Operateur

PIECES_MAXIMUM = 5
FORMATS_DATE = ["%Y-%m-%d", "%d/%m/%Y"]


class EntreeFichiers(forms.FileInput):
    allow_multiple_selected = True


class ChampFichiers(forms.FileField):
    """Plusieurs fichiers dans un seul champ ; la valeur nettoyée est une liste (éventuellement vide)."""

    widget = EntreeFichiers
    template_name = "demandes/champ_fichiers.html"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        un = super().clean
        if isinstance(data, list | tuple):
            return [un(d, initial) for d in data if d]
        return [un(data, initial)] if data else []


def _messages_nommes(form):
    """Des messages d'erreur qui nomment le champ (« Nom de l'usager : champ obligatoire »)."""
    for field in form.fields.values():
        libelle = str(field.label)
        field.error_messages["required"] = f"« {libelle} » est obligatoire."
        if isinstance(field, forms.DateField):
            field.error_messages["invalid"] = f"« {libelle} » : saisissez une date valide (jj/mm/aaaa)."
        if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
            field.error_messages["invalid_choice"] = f"« {libelle} » : choisissez une valeur de la liste."
        if isinstance(field, forms.CharField) and field.max_length:
            field.error_messages["max_length"] = (
                f"« {libelle} » : {field.max_length} caractères au plus (ici %(show_value)d)."
            )


def verifier_pieces(fichiers, libelle="Pièces jointes"):
    """Vérifie chaque fichier ; renvoie [(fichier, nom assaini, type)] ou lève une erreur par fichier."""
    if len(fichiers) > PIECES_MAXIMUM:
        raise ValidationError(f"« {libelle} » : {PIECES_MAXIMUM} fichiers au plus par envoi (ici {len(fichiers)}).")
    verifies, erreurs = [], []
    for fichier in fichiers:
        try:
            nom, type_mime = verifier_piece_jointe(fichier)
        except ValidationError as erreur:
            erreurs.extend(erreur.messages)
        else:
            verifies.append((fichier, nom, type_mime))
    if erreurs:
        raise ValidationError(erreurs)
    return verifies


class AvecPiecesJointes:
    """Mélange : un champ `pieces_jointes` vérifié et un signal « fichiers à choisir de nouveau »."""

    def clean_pieces_jointes(self):
        return verifier_pieces(self.cleaned_data.get("pieces_jointes") or [], self.fields["pieces_jointes"].label)

    @property
    def a_des_fichiers_perdus(self):
        """Vrai si des fichiers avaient été choisis mais que le formulaire revient avec des erreurs."""
        return self.is_bound and bool(self.errors) and bool(self.files.getlist(self.add_prefix("pieces_jointes")))


class NouvelleDemandeForm(AvecPiecesJointes, FormulaireDsfr):
    structure = forms.ModelChoiceField(label="France services", queryset=None, empty_label=None)
    operateur = forms.ModelChoiceField(label="Opérateur", queryset=None, empty_label="Choisir un opérateur")
    objet = forms.ModelChoiceField(
        label="Démarche concernée",
        queryset=Demarche.objects.none(),
        required=False,
        empty_label="Autre (préciser ci-dessous)",
    )
    objet_libre = forms.CharField(
        label="Objet de la demande",
        max_length=200,
        required=False,
        help_text="Affiché dans les listes : n'y écrivez ni le nom ni un numéro de l'usager.",
    )
    description = forms.CharField(
        label="Description de la situation",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Ce que l'usager demande, ce qui a déjà été fait, ce qui bloque.",
    )
    usager_nom = forms.CharField(label="Nom de l'usager", max_length=150)
    usager_prenom = forms.CharField(label="Prénom de l'usager", max_length=150)
    usager_date_naissance = forms.DateField(
        label="Date de naissance de l'usager",
        input_formats=FORMATS_DATE,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    usager_nir = forms.CharField(
        label="Numéro de sécurité sociale (NIR)",
        required=False,
        max_length=25,
        help_text="15 caractères, clé comprise ; la clé est vérifiée.",
    )
    usager_numero_allocataire = forms.CharField(label="Numéro d'allocataire CAF", required=False, max_length=20)
    usager_numero_fiscal = forms.CharField(
        label="Numéro fiscal", required=False, max_length=20, help_text="13 chiffres, en haut de l'avis d'impôt."
    )
    usager_numero_dossier = forms.CharField(label="Numéro de dossier chez l'opérateur", required=False, max_length=50)
    usager_adresse = forms.CharField(
        label="Adresse de l'usager", required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    usager_telephone = forms.CharField(label="Téléphone de l'usager", required=False, max_length=25)
    consentement_atteste = forms.BooleanField(
        label="J'atteste que l'usager a consenti à la transmission de ces informations à l'opérateur",
    )
    mandat_reference = forms.CharField(
        label="Référence du mandat enregistré (facultatif)",
        required=False,
        max_length=20,
        help_text="Par exemple « M-7K3Q-9XPD » : sa portée et sa validité sont vérifiées, le référent les voit.",
    )
    mandat_nature = forms.ChoiceField(
        label="Nature du mandat",
        choices=[("", "Choisir"), *(c for c in NatureMandat.choices if c[0] != NatureMandat.ENREGISTRE)],
        required=False,
        help_text="Sans mandat enregistré.",
    )
    mandat_date = forms.DateField(
        label="Date du mandat",
        input_formats=FORMATS_DATE,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        required=False,
        help_text="Sans mandat enregistré.",
    )
    pieces_jointes = ChampFichiers(
        label="Pièces jointes",
        help_text=f"{PIECES_MAXIMUM} fichiers au plus, 10 Mo chacun : {LIBELLE_TYPES_ACCEPTES}.",
    )
    # L'accompagnement que la demande prolonge : l'identifiant vient de la saisie (« Transmis au
    # back-office ») ou est créé avec la page ; envoyée deux fois, la demande ne le compte qu'une fois.
    accompagnement = forms.UUIDField(widget=forms.HiddenInput, required=False)
    type_aide = forms.ChoiceField(label="Type d'aide", choices=[("", "Choisir"), *TypeAide.choices], required=False)
    duree = forms.ChoiceField(
        label="Durée de l'accompagnement", choices=[("", "Choisir"), *Duree.choices], required=False
    )

    def __init__(self, *args, structures, accompagnement_saisi=False, **kwargs):
        """`accompagnement_saisi` : l'accompagnement est déjà enregistré (la demande vient de la saisie) ;
        sinon la page demande le type d'aide et la durée, pour le compter dans l'activité."""
        super().__init__(*args, **kwargs)
        self.accompagnement_saisi = accompagnement_saisi
        if not self.is_bound and not self.initial.get("accompagnement"):
            self.initial["accompagnement"] = uuid.uuid4()
        if accompagnement_saisi:
            del self.fields["type_aide"], self.fields["duree"]
        else:
            self.fields["type_aide"].required = self.fields["duree"].required = True
        structures = structures.select_related("commune__departement").order_by("nom")
        self.fields["structure"].queryset = structures
        if len(structures) == 1:
            self.fields["structure"].widget = forms.HiddenInput()
            self.fields["structure"].initial = structures[0].pk
        self.departement = self._departement_choisi(structures)
        self.fields["operateur"].queryset = Operateur.objects.joignables_dans([self.departement])
        self.operateurs_avec_referent = set()
        if self.departement is not None:
            self.operateurs_avec_referent = operateurs_avec_referent(self.departement)
        self.fields["operateur"].label_from_instance = self._libelle_operateur
        demarches = Demarche.objects.actives().select_related("operateur")
        self.fields["objet"].queryset = demarches
        groupes = {}
        for demarche in demarches:
            groupes.setdefault(demarche.operateur.nom, []).append((demarche.pk, demarche.libelle))
        self.fields["objet"].widget.choices = [("", self.fields["objet"].empty_label), *groupes.items()]
        _messages_nommes(self)
        self.fields["consentement_atteste"].error_messages["required"] = (
            "Cochez l'attestation de consentement : sans l'accord de l'usager, la demande ne peut pas partir."
        )

    def _departement_choisi(self, structures):
        choisie = self.data.get(self.add_prefix("structure")) if self.is_bound else self.initial.get("structure")
        for structure in structures:
            if str(structure.pk) == str(choisie):
                return structure.commune.departement
        return structures[0].commune.departement if structures else None

    def _libelle_operateur(self, operateur):
        if operateur.pk in self.operateurs_avec_referent:
            return operateur.nom
        return f"{operateur.nom} — aucun référent dans ce département"

    def operateurs_sans_referent(self):
        return [o for o in self.fields["operateur"].queryset if o.pk not in self.operateurs_avec_referent]

    def clean_usager_nir(self):
        valeur = self.cleaned_data["usager_nir"].strip()
        return validateurs.valider_nir(valeur) if valeur else ""

    def clean_usager_numero_fiscal(self):
        valeur = self.cleaned_data["usager_numero_fiscal"].strip()
        return validateurs.valider_numero_fiscal(valeur) if valeur else ""

    def clean_usager_numero_allocataire(self):
        valeur = self.cleaned_data["usager_numero_allocataire"].strip()
        return validateurs.valider_numero_allocataire(valeur) if valeur else ""

    def clean_usager_telephone(self):
        valeur = self.cleaned_data["usager_telephone"].strip()
        return validateurs.valider_telephone(valeur) if valeur else ""

    def clean_usager_date_naissance(self):
        jour = self.cleaned_data["usager_date_naissance"]
        if jour > timezone.localdate():
            raise ValidationError("« Date de naissance de l'usager » : la date est dans le futur.")
        if jour < date(1900, 1, 1):
            raise ValidationError("« Date de naissance de l'usager » : la date est antérieure à 1900.")
        return jour

    def clean_mandat_date(self):
        jour = self.cleaned_data["mandat_date"]
        if jour is not None and jour > timezone.localdate():
            raise ValidationError("« Date du mandat » : le mandat ne peut pas être daté de demain ou après.")
        return jour

    def clean(self):
        cleaned = super().clean()
        structure, operateur, objet = cleaned.get("structure"), cleaned.get("operateur"), cleaned.get("objet")
        if objet is not None and operateur is not None and objet.operateur_id != operateur.pk:
            self.add_error(
                "objet", f"« Démarche concernée » : cette démarche n'est pas une démarche {operateur.de_nom}."
            )
        if objet is None and not cleaned.get("objet_libre") and "objet_libre" not in self.errors:
            self.add_error("objet_libre", "« Objet de la demande » : choisissez une démarche ou précisez l'objet.")
        self._clean_mandat(cleaned, structure, operateur, objet)
        if not cleaned.get("accompagnement") and "accompagnement" not in self.errors:
            cleaned["accompagnement"] = uuid.uuid4()
        if structure is not None and operateur is not None:
            if operateur.pk not in operateurs_avec_referent(structure.commune.departement):
                self.add_error(
                    "operateur",
                    f"« Opérateur » : aucun référent {operateur.de_nom} pour {structure.commune.departement} ; "
                    "la demande ne peut pas lui être envoyée. Choisissez un autre opérateur ou contactez-le "
                    "par ses canaux habituels.",
                )
        return cleaned

    def _clean_mandat(self, cleaned, structure, operateur, objet):
        """Un mandat enregistré (par sa référence) ou, à défaut, la nature et la date du mandat."""
        cleaned["mandat"] = None
        reference = (cleaned.get("mandat_reference") or "").strip()
        if not reference:
            if not cleaned.get("mandat_nature") and "mandat_nature" not in self.errors:
                self.add_error(
                    "mandat_nature", "« Nature du mandat » : choisissez-la, ou donnez la référence du mandat."
                )
            if cleaned.get("mandat_date") is None and "mandat_date" not in self.errors:
                self.add_error("mandat_date", "« Date du mandat » : indiquez-la, ou donnez la référence du mandat.")
            return
        mandat = services_mandats.trouver(reference)
        if mandat is None or structure is None or mandat.structure_id != structure.pk:
            self.add_error(
                "mandat_reference",
                "« Référence du mandat » : aucun mandat de cette France services ne porte cette référence.",
            )
            return
        if operateur is not None:
            try:
                services_mandats.verifier(mandat, operateur, objet)
            except services_mandats.MandatRefuse as refus:
                self.add_error("mandat_reference", f"« Référence du mandat » : {refus}")
                return
        cleaned["mandat"] = mandat
        cleaned["mandat_nature"] = NatureMandat.ENREGISTRE
        cleaned["mandat_date"] = mandat.debut

    def accompagnement_de_la_demande(self):
        """L'accompagnement à compter avec la demande, pour `services.ouvrir_demande`."""
        c = self.cleaned_data
        return {"id": c["accompagnement"], "type_aide": c.get("type_aide"), "duree": c.get("duree")}

    def donnees_demande(self):
        """Les champs de la demande, prêts pour `services.ouvrir_demande`."""
        c = self.cleaned_data
        return {
            "objet": c["objet"],
            "objet_libre": c["objet_libre"].strip(),
            "description": c["description"].strip(),
            "usager_nom": c["usager_nom"].strip(),
            "usager_prenom": c["usager_prenom"].strip(),
            "usager_date_naissance": c["usager_date_naissance"].isoformat(),
            "usager_nir": c["usager_nir"],
            "usager_numero_allocataire": c["usager_numero_allocataire"],
            "usager_numero_fiscal": c["usager_numero_fiscal"],
            "usager_numero_dossier": c["usager_numero_dossier"].strip(),
            "usager_adresse": c["usager_adresse"].strip(),
            "usager_telephone": c["usager_telephone"],
            "consentement_atteste": c["consentement_atteste"],
            "mandat_nature": c["mandat_nature"],
            "mandat_date": c["mandat_date"],
            "mandat": c["mandat"],
        }


class MessageForm(AvecPiecesJointes, FormulaireDsfr):
    corps = forms.CharField(label="Votre message", widget=forms.Textarea(attrs={"rows": 5}), max_length=20_000)
    interne = forms.BooleanField(
        label="Note interne : visible des seuls référents, pas de la France services", required=False
    )
    pieces_jointes = ChampFichiers(
        label="Pièces jointes",
        help_text=f"{PIECES_MAXIMUM} fichiers au plus, 10 Mo chacun : {LIBELLE_TYPES_ACCEPTES}.",
    )

    def __init__(self, *args, notes_internes=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not notes_internes:
            del self.fields["interne"]
        _messages_nommes(self)


class ReroutageForm(FormulaireDsfr):
    operateur = forms.ModelChoiceField(label="Opérateur compétent", queryset=None, empty_label="Choisir")
    corps = forms.CharField(
        label="Précision pour l'agent et le nouvel opérateur",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5_000,
    )

    def __init__(self, *args, demande, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operateur"].queryset = Operateur.objects.joignables_dans([demande.departement]).exclude(
            pk=demande.operateur_id
        )
        _messages_nommes(self)


class InvitationForm(FormulaireDsfr):
    operateur = forms.ModelChoiceField(label="Opérateur à inviter", queryset=None, empty_label="Choisir")

    def __init__(self, *args, demande, **kwargs):
        super().__init__(*args, **kwargs)
        deja = demande.invitations.values_list("operateur_id", flat=True)
        self.fields["operateur"].queryset = (
            Operateur.objects.joignables_dans([demande.departement])
            .exclude(pk=demande.operateur_id)
            .exclude(pk__in=deja)
        )
        _messages_nommes(self)


class ClotureForm(FormulaireDsfr):
    """La clôture ; « La réponse a-t-elle été utile ? » n'est posée que s'il y a eu une réponse."""

    utile = forms.ChoiceField(
        label="La réponse a-t-elle été utile ?", choices=Utilite.choices, widget=forms.RadioSelect
    )
    corps = forms.CharField(
        label="Un mot pour l'opérateur (facultatif)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5_000,
    )

    def __init__(self, *args, avec_reponse=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not avec_reponse:
            del self.fields["utile"]
            self.fields["corps"].label = "Pourquoi clôturer sans réponse ? (facultatif)"
        _messages_nommes(self)
        if avec_reponse:
            self.fields["utile"].error_messages["required"] = (
                "« La réponse a-t-elle été utile ? » : choisissez oui, non ou je ne sais pas."
            )


class TraiteeForm(FormulaireDsfr):
    """« Traitée » : toujours avec le message à l'agent (ce qui a été fait)."""

    corps = forms.CharField(
        label="Votre réponse à l'agent",
        help_text="Ce qui a été fait pour l'usager : l'agent la lit avant de clôturer.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20_000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _messages_nommes(self)
        self.fields["corps"].error_messages["required"] = (
            "« Votre réponse à l'agent » : écrivez ce qui a été fait ; « Traitée » sans message ne lui répond pas."
        )


class ReouvertureForm(FormulaireDsfr):
    corps = forms.CharField(
        label="Pourquoi rouvrir la demande ?", widget=forms.Textarea(attrs={"rows": 2}), max_length=5_000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _messages_nommes(self)
