"""Les guides par événement de vie, lus dans guichet/bureau/donnees/guides.json.

Chaque étape désigne son opérateur et sa démarche par leurs codes (ceux du catalogue
demarches/0002_catalogue) : une démarche introuvable arrête la migration avec un message clair.
"""

import json
import re
from pathlib import Path

from django.db import migrations

FICHIER = Path(__file__).resolve().parent.parent / "donnees" / "guides.json"
IDENTIFIANT_FICHE = re.compile(r"^[FNR]\d+$")


class GuideInvalide(Exception):
    pass


def _verifier_liens(lieu, liens, cles):
    for lien in liens:
        manquantes = [cle for cle in cles if cle not in lien]
        if manquantes:
            raise GuideInvalide(f"{lieu} : champ(s) {', '.join(manquantes)} manquant(s) dans {lien!r}.")
        url = lien.get("url") or ""
        if url and not url.startswith("https://"):
            raise GuideInvalide(f"{lieu} : l'adresse « {url} » doit commencer par https://.")


def charger(apps, schema_editor):
    EvenementDeVie = apps.get_model("demarches", "EvenementDeVie")
    Demarche = apps.get_model("demarches", "Demarche")
    Operateur = apps.get_model("reseau", "Operateur")
    EtapeGuide = apps.get_model("bureau", "EtapeGuide")
    donnees = json.loads(FICHIER.read_text(encoding="utf-8"))
    for guide in donnees["guides"]:
        code_evenement = guide["evenement"]
        evenement = EvenementDeVie.objects.filter(code=code_evenement).first()
        if evenement is None:
            raise GuideInvalide(f"{FICHIER.name} : l'événement de vie « {code_evenement} » est introuvable.")
        EtapeGuide.objects.filter(evenement=evenement).delete()
        for ordre, etape in enumerate(guide["etapes"], start=1):
            lieu = f"{FICHIER.name}, guide « {code_evenement} », étape {ordre} ({etape.get('titre', '?')})"
            operateur = Operateur.objects.filter(code=etape["operateur"]).first()
            if operateur is None:
                raise GuideInvalide(f"{lieu} : l'opérateur « {etape['operateur']} » est introuvable.")
            demarche = None
            if etape.get("demarche"):
                demarche = Demarche.objects.filter(operateur=operateur, code=etape["demarche"]).first()
                if demarche is None:
                    raise GuideInvalide(
                        f"{lieu} : la démarche « {etape['demarche']} » de l'opérateur « {operateur.code} » "
                        "est introuvable dans le catalogue."
                    )
            fiches = etape.get("fiches", [])
            mauvais = [f for f in fiches if not IDENTIFIANT_FICHE.match(f)]
            if mauvais:
                raise GuideInvalide(f"{lieu} : identifiant(s) de fiche invalide(s) : {', '.join(mauvais)}.")
            _verifier_liens(lieu, etape.get("cerfas", []), ["numero", "libelle"])
            _verifier_liens(lieu, etape.get("services_en_ligne", []), ["libelle", "url"])
            EtapeGuide.objects.create(
                evenement=evenement,
                ordre=ordre,
                operateur=operateur,
                demarche=demarche,
                titre=etape["titre"],
                explication=etape.get("explication", ""),
                fiches=fiches,
                cerfas=etape.get("cerfas", []),
                services_en_ligne=etape.get("services_en_ligne", []),
            )


def supprimer(apps, schema_editor):
    apps.get_model("bureau", "EtapeGuide").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("bureau", "0002_liens_operateurs"),
        ("demarches", "0002_catalogue"),
    ]
    operations = [migrations.RunPython(charger, supprimer)]
