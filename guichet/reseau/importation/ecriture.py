"""L'écriture des structures validées : création ou mise à jour par matricule, en une transaction."""

from django.db import transaction
from django.utils import timezone

from guichet.reseau.importation.lignes import ABSENT, Fiche
from guichet.reseau.importation.rapport import RapportImport
from guichet.reseau.models import Creneau, HistoriqueStatut, Structure

TAILLE_PAQUET = 500


def _paquets(elements, taille=TAILLE_PAQUET):
    elements = list(elements)
    for i in range(0, len(elements), taille):
        yield elements[i : i + taille]


def enregistrer(fiches: list[Fiche], rapport: RapportImport, *, ecrire=False, commentaire=""):
    """Crée ou met à jour (par matricule) les structures validées, en une transaction."""
    existantes = {}
    for paquet in _paquets(f.matricule for f in fiches):
        existantes.update({s.matricule: s for s in Structure.objects.filter(matricule__in=paquet)})
    meres = {f.structure_mere for f in fiches if f.structure_mere not in (ABSENT, None)}
    connues = {f.matricule for f in fiches} | set(existantes)
    for paquet in _paquets(meres - connues):
        connues |= set(Structure.objects.filter(matricule__in=paquet).values_list("matricule", flat=True))
    for fiche in fiches:
        if fiche.structure_mere not in (ABSENT, None) and fiche.structure_mere not in connues:
            rapport.signaler(
                fiche.numero,
                fiche.matricule,
                "structure_parente",
                f"structure parente {fiche.structure_mere} inconnue",
            )
            fiche.structure_mere = None

    rapport.creees = sum(1 for f in fiches if f.matricule not in existantes)
    rapport.mises_a_jour = len(fiches) - rapport.creees
    if not ecrire:
        return
    with transaction.atomic():
        _ecrire(fiches, existantes, commentaire)
    rapport.ecrit = True


def _ecrire(fiches, existantes, commentaire):
    maintenant = timezone.now()
    aujourd_hui = timezone.localdate()
    nouvelles, modifiees, changements_statut, champs_modifies = [], [], [], set()
    for fiche in fiches:
        structure = existantes.get(fiche.matricule)
        valeurs = dict(fiche.valeurs)
        if fiche.horaires_source is not None:
            valeurs["horaires_source"] = fiche.horaires_source
        if structure is None:
            structure = Structure(matricule=fiche.matricule, statut=fiche.statut, **valeurs)
            nouvelles.append((fiche, structure))
            continue
        if valeurs.get("forme") == Structure.Forme.FIXE and structure.forme == Structure.Forme.MULTISITE:
            del valeurs["forme"]  # la liste nationale ne connaît pas les permanences multisites
        modifiee = False
        for nom, valeur in valeurs.items():
            attribut = "commune_id" if nom == "commune" else nom
            valeur = valeur.pk if nom == "commune" else valeur
            if getattr(structure, attribut) != valeur:
                setattr(structure, attribut, valeur)
                champs_modifies.add(nom)
                modifiee = True
        if modifiee:
            structure.modifie_le = maintenant
            modifiees.append(structure)
        if structure.statut != fiche.statut:
            changements_statut.append((fiche, structure))

    Structure.objects.bulk_create([s for _, s in nouvelles], batch_size=TAILLE_PAQUET)
    if modifiees:
        champs = sorted(champs_modifies | {"modifie_le"})
        Structure.objects.bulk_update(modifiees, champs, batch_size=TAILLE_PAQUET)
    HistoriqueStatut.objects.bulk_create(
        [
            HistoriqueStatut(
                structure=s,
                statut=s.statut,
                date=s.date_labellisation or aujourd_hui,
                commentaire=commentaire,
            )
            for _, s in nouvelles
        ],
        batch_size=TAILLE_PAQUET,
    )
    for fiche, structure in changements_statut:
        structure.changer_statut(
            fiche.statut, date=fiche.valeurs.get("date_labellisation") or aujourd_hui, commentaire=commentaire
        )

    structures = {f.matricule: s for f, s in nouvelles} | existantes
    _ecrire_meres(fiches, structures)
    _ecrire_creneaux(fiches, structures)


def _ecrire_meres(fiches, structures):
    avec_mere = [f for f in fiches if f.structure_mere is not ABSENT]
    if not avec_mere:
        return
    ids = {}
    matricules = {f.structure_mere for f in avec_mere if f.structure_mere} - set(structures)
    for paquet in _paquets(matricules):
        ids.update(dict(Structure.objects.filter(matricule__in=paquet).values_list("matricule", "pk")))
    ids.update({m: s.pk for m, s in structures.items()})
    a_changer = []
    for fiche in avec_mere:
        structure = structures[fiche.matricule]
        mere_id = ids.get(fiche.structure_mere) if fiche.structure_mere else None
        if structure.structure_mere_id != mere_id:
            structure.structure_mere_id = mere_id
            a_changer.append(structure)
    Structure.objects.bulk_update(a_changer, ["structure_mere"], batch_size=TAILLE_PAQUET)


def _ecrire_creneaux(fiches, structures):
    avec_horaires = [f for f in fiches if f.creneaux is not None]
    ids = [structures[f.matricule].pk for f in avec_horaires]
    for paquet in _paquets(ids):
        Creneau.objects.filter(structure_id__in=paquet).delete()
    Creneau.objects.bulk_create(
        [
            Creneau(structure=structures[f.matricule], jour=jour, debut=debut, fin=fin, sur_rdv=sur_rdv)
            for f in avec_horaires
            for jour, debut, fin, sur_rdv in f.creneaux
        ],
        batch_size=TAILLE_PAQUET,
    )
