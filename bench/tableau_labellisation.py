"""Banc : le tableau national de la labellisation sur 3 000 sites labellisés (cible p95 < 300 ms).

Un réseau réaliste : 100 départements dans 13 régions, 3 000 sites labellisés avec chacun son dossier et un
contrôle de conformité conclu (une ligne par critère du référentiel en vigueur, quelques non-conformités),
300 dossiers en cours (candidatures, audits planifiés dont une part en retard, avis attendus), un plan
d'action par site non conforme dont une action sur trois en retard. Chaque requête est une vraie requête
HTTP (client de test Django, session de l'équipe nationale vérifiée par second facteur) : vue, calcul et
gabarit compris, avec la part des sites conformes à chaque critère dans chacune des 13 régions.

    DATABASE_URL=postgres://…/guichet_bench_labellisation .venv/bin/python bench/tableau_labellisation.py

La base doit être vide (créée pour l'occasion) ; sans DATABASE_URL, une base SQLite temporaire."""

import random
import time
from datetime import timedelta

from _commun import afficher, percentiles, preparer_django

NOMBRE_SITES = 3_000
EN_COURS = 300
NOMBRE_DEPARTEMENTS = 100
NOMBRE_REGIONS = 13
REQUETES = 60

preparer_django()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from guichet.comptes.models import Habilitation, Role, Utilisateur  # noqa: E402
from guichet.labellisation.models import (  # noqa: E402
    Audit,
    ComptageCritere,
    Dossier,
    Etape,
    LigneAudit,
    Referentiel,
    ResultatAudit,
)
from guichet.plans_d_action.models import Action, Origine, PlanDAction  # noqa: E402
from guichet.reseau.models import Structure  # noqa: E402
from guichet.territoires.models import Commune, Departement, Region  # noqa: E402

hasard = random.Random(42)
aujourd_hui = timezone.localdate()
regions = Region.objects.bulk_create(Region(code=f"R{i:02d}", nom=f"Région {i}") for i in range(NOMBRE_REGIONS))
departements = Departement.objects.bulk_create(
    Departement(code=f"B{i:02d}", nom=f"Banc {i}", region=regions[i % NOMBRE_REGIONS])
    for i in range(NOMBRE_DEPARTEMENTS)
)
communes = Commune.objects.bulk_create(
    Commune(code=f"B{i:04d}", nom=f"Banc {i}", departement=d, latitude=46.5, longitude=2.5)
    for i, d in enumerate(departements)
)
structures = Structure.objects.bulk_create(
    Structure(
        matricule=f"BANC-{i:05d}",
        nom=f"Site {i}",
        commune=communes[i % NOMBRE_DEPARTEMENTS],
        latitude=46.5,
        longitude=2.5,
        statut=Structure.Statut.LABELLISEE if i < NOMBRE_SITES else Structure.Statut.PROJET,
    )
    for i in range(NOMBRE_SITES + EN_COURS)
)
empreinte = make_password("banc-labellisation")
national = Utilisateur.objects.create(email="national@banc.fr", password=empreinte)
Habilitation.objects.create(utilisateur=national, role=Role.NATIONAL)
auditeur = Utilisateur.objects.create(email="auditeur@banc.fr", password=empreinte)
Habilitation.objects.create(utilisateur=auditeur, role=Role.AUDITEUR)

etapes_en_cours = [Etape.CANDIDATURE, Etape.AUDIT_PLANIFIE, Etape.AUDIT_REALISE, Etape.AVIS_FAVORABLE]
dossiers = Dossier.objects.bulk_create(
    (
        Dossier(
            structure=s,
            etape=Etape.LABELLISEE if i < NOMBRE_SITES else etapes_en_cours[i % len(etapes_en_cours)],
        )
        for i, s in enumerate(structures)
    ),
    batch_size=5000,
)
referentiel = Referentiel.objects.en_vigueur()
criteres = list(referentiel.criteres.all())
maintenant = timezone.now()
audits = Audit.objects.bulk_create(
    (
        Audit(
            dossier=d,
            nature=Audit.Nature.CONTROLE if d.etape == Etape.LABELLISEE else Audit.Nature.LABELLISATION,
            referentiel=referentiel,
            auditeur=auditeur,
            date_prevue=aujourd_hui + timedelta(days=hasard.randint(-20, 40)),
            statut=Audit.Statut.PLANIFIE if d.etape == Etape.AUDIT_PLANIFIE else Audit.Statut.REALISE,
            realise_le=None if d.etape == Etape.AUDIT_PLANIFIE else maintenant,
        )
        for d in dossiers
        if d.etape != Etape.CANDIDATURE
    ),
    batch_size=5000,
)
lignes, non_conformes = [], {}
for audit in audits:
    if audit.statut != Audit.Statut.REALISE:
        continue
    for critere in criteres:
        resultat = ResultatAudit.NON_CONFORME if hasard.random() < 0.03 else ResultatAudit.CONFORME
        if resultat == ResultatAudit.NON_CONFORME:
            non_conformes.setdefault(audit, []).append(critere)
        lignes.append(LigneAudit(audit=audit, critere=critere, resultat=resultat))
LigneAudit.objects.bulk_create(lignes, batch_size=10000)

type_audit = ContentType.objects.get_for_model(Audit)
plans = PlanDAction.objects.bulk_create(
    (
        PlanDAction(
            titre=f"Contrôle — {audit.dossier.structure.nom}",
            origine=Origine.LABELLISATION,
            departement_id=audit.dossier.structure.commune.departement_id,
            structure=audit.dossier.structure,
            source_type=type_audit,
            source_id=audit.pk,
            ouvert_par=auditeur,
        )
        for audit in non_conformes
    ),
    batch_size=5000,
)
Action.objects.bulk_create(
    (
        Action(
            plan=plan,
            libelle=f"Mettre en conformité « {critere.titre} »"[:300],
            echeance=aujourd_hui + timedelta(days=hasard.choice([-10, 30, 60])),
        )
        for plan, criteres_nc in zip(plans, non_conformes.values(), strict=True)
        for critere in criteres_nc
    ),
    batch_size=5000,
)

# Les audits créés en masse n'ont pas été conclus par le service : leurs comptes par critère se font comme
# après une reprise de données, par le recomptage (celui de la migration et de `guichet recompter_constats`).
debut = time.perf_counter()
bilan = ComptageCritere.objects.recompter()
recomptage_ms = (time.perf_counter() - debut) * 1000
assert bilan["sites_audites"] == len(audits) - sum(1 for a in audits if a.statut == Audit.Statut.PLANIFIE)

appareil = TOTPDevice.objects.create(user=national, name="banc", confirmed=True)
client = Client(HTTP_HOST="localhost")
client.force_login(national, backend="django.contrib.auth.backends.ModelBackend")
session = client.session
session[DEVICE_ID_SESSION_KEY] = appareil.persistent_id
session.save()
url = reverse("labellisation:tableau")
premiere = client.get(url)
assert premiere.status_code == 200, premiere.status_code
assert f"chacun des {NOMBRE_SITES + EN_COURS // 2} sites" in premiere.content.decode()
assert "Part des sites conformes à chaque critère, en France et dans chaque région" in premiere.content.decode()

durees = []
for _ in range(REQUETES):
    debut = time.perf_counter()
    reponse = client.get(url)
    durees.append((time.perf_counter() - debut) * 1000)
    assert reponse.status_code == 200
url_departement = f"{url}?departement={departements[0].code}"
assert client.get(url_departement).status_code == 200
departemental = []
for _ in range(REQUETES):
    debut = time.perf_counter()
    assert client.get(url_departement).status_code == 200
    departemental.append((time.perf_counter() - debut) * 1000)
export = []
for _ in range(10):
    debut = time.perf_counter()
    assert client.get(reverse("labellisation:export", args=["xlsx"])).status_code == 200
    export.append((time.perf_counter() - debut) * 1000)

print(
    f"Moteur : {connection.vendor} ; {NOMBRE_SITES} sites labellisés et {EN_COURS} dossiers en cours dans "
    f"{NOMBRE_DEPARTEMENTS} départements ({NOMBRE_REGIONS} régions), {len(audits)} audits, "
    f"{LigneAudit.objects.count()} lignes d'audit, {Action.objects.count()} actions de plans "
    f"({Action.objects.en_retard().count()} en retard)"
)
afficher(f"Tableau national (GET {url}, {REQUETES} requêtes, cible p95 < 300 ms)", percentiles(durees))
afficher(f"Tableau d'un département (GET {url_departement}, {REQUETES} requêtes)", percentiles(departemental))
afficher("Export XLSX national (10 requêtes)", percentiles(export))
print(f"Recomptage complet des constats par critère (guichet recompter_constats) : {recomptage_ms:.0f} ms")
