"""Préparer une convention-cadre depuis les données du réseau, en faire une nouvelle version, la rendre en PDF."""

from django.core.exceptions import ValidationError
from django.db import transaction

from guichet.conventions.models import Annexe, Convention, Engagement, Signataire
from guichet.documents import pdf_depuis_gabarit
from guichet.reseau.models import Operateur, Structure

CANAL_PAR_DEFAUT = "Administration + (messagerie sécurisée) et ligne téléphonique dédiée"
DELAI_PAR_DEFAUT = 72


def chevauchantes(departement, debut, fin):
    """Les conventions du département dont la période croise [debut, fin]."""
    return Convention.objects.filter(departement=departement, debut__lte=fin, fin__gte=debut)


@transaction.atomic
def preparer_convention(*, departement, debut, fin, auteur=None, preambule="") -> Convention:
    """La version 1 d'une convention, remplie depuis le réseau : le préfet, l'instance locale de chaque opérateur
    national, les structures porteuses des France services labellisées ; un engagement par opérateur national ;
    une annexe par France services labellisée (ses partenaires locaux). ValidationError si la période est à
    l'envers ou croise celle d'une autre convention du département."""
    if debut >= fin:
        raise ValidationError({"fin": "La fin de la période doit suivre son début."})
    if chevauchantes(departement, debut, fin).exists():
        raise ValidationError({"debut": "Une convention du département couvre déjà une partie de cette période."})
    convention = Convention.objects.create(
        departement=departement, debut=debut, fin=fin, cree_par=auteur, preambule=preambule
    )
    nationaux = list(Operateur.objects.filter(national=True))
    structures = list(
        Structure.objects.filter(commune__departement=departement, statut=Structure.Statut.LABELLISEE)
        .prefetch_related("operateurs")
        .order_by("nom")
    )
    signataires = [
        Signataire(convention=convention, qualite=Signataire.Qualite.PREFET, nom=f"Préfet — {departement.nom}", ordre=0)
    ]
    signataires += [
        Signataire(
            convention=convention,
            qualite=Signataire.Qualite.OPERATEUR,
            nom=f"{o.nom} — {departement.nom}",
            operateur=o,
            ordre=10 + rang,
        )
        for rang, o in enumerate(nationaux)
    ]
    porteurs = sorted({s.nom_porteur or s.get_type_porteur_display() for s in structures})
    signataires += [
        Signataire(convention=convention, qualite=Signataire.Qualite.PORTEUR, nom=nom, ordre=100) for nom in porteurs
    ]
    Signataire.objects.bulk_create(signataires)
    Engagement.objects.bulk_create(
        [
            Engagement(
                convention=convention, operateur=o, canal=CANAL_PAR_DEFAUT, delai_reponse_heures=DELAI_PAR_DEFAUT
            )
            for o in nationaux
        ]
    )
    Annexe.objects.bulk_create(
        [
            Annexe(
                convention=convention,
                structure=s,
                porteur=s.nom_porteur or s.get_type_porteur_display(),
                partenaires="\n".join(o.nom for o in s.operateurs.all() if not o.national),
            )
            for s in structures
        ]
    )
    return convention


@transaction.atomic
def nouvelle_version(convention: Convention, auteur=None) -> Convention:
    """Copie la convention en une nouvelle version qui la remplace ; les signatures sont à recueillir à
    nouveau. ValidationError si elle est déjà remplacée (on part toujours de la dernière version)."""
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    if convention.remplacee:
        raise ValidationError("Cette version est déjà remplacée : partez de la dernière version.")
    suivante = Convention.objects.create(
        departement=convention.departement,
        debut=convention.debut,
        fin=convention.fin,
        version=convention.version + 1,
        precedente=convention,
        preambule=convention.preambule,
        cree_par=auteur,
    )
    Signataire.objects.bulk_create(
        [
            Signataire(convention=suivante, qualite=s.qualite, nom=s.nom, operateur=s.operateur, ordre=s.ordre)
            for s in convention.signataires.all()
        ]
    )
    Engagement.objects.bulk_create(
        [
            Engagement(
                convention=suivante,
                operateur=e.operateur,
                canal=e.canal,
                delai_reponse_heures=e.delai_reponse_heures,
                offre_formation=e.offre_formation,
            )
            for e in convention.engagements.all()
        ]
    )
    Annexe.objects.bulk_create(
        [
            Annexe(
                convention=suivante,
                structure=a.structure,
                porteur=a.porteur,
                partenaires=a.partenaires,
                services=a.services,
            )
            for a in convention.annexes.all()
        ]
    )
    return suivante


def versions(convention: Convention) -> list[Convention]:
    """Toutes les versions de la convention (même département, même début), la plus récente d'abord."""
    return list(
        Convention.objects.filter(departement=convention.departement, debut=convention.debut).order_by("-version")
    )


def etat_des_signatures(convention: Convention) -> str:
    statuts = [s.statut for s in convention.signataires.all()]
    if statuts and all(s == Signataire.Statut.SIGNEE for s in statuts):
        return "signée par tous"
    signees = statuts.count(Signataire.Statut.SIGNEE)
    return f"{signees} signature{'s' if signees > 1 else ''} sur {len(statuts)}"


def contexte_document(convention: Convention) -> dict:
    return {
        "convention": convention,
        "remplacee_par": Convention.objects.filter(precedente=convention).first(),
        "signataires": list(convention.signataires.select_related("operateur")),
        "engagements": list(convention.engagements.select_related("operateur")),
        "annexes": list(convention.annexes.select_related("structure__commune")),
        "etat": etat_des_signatures(convention),
    }


def pdf(convention: Convention) -> bytes:
    return pdf_depuis_gabarit("conventions/document.html", contexte_document(convention))
