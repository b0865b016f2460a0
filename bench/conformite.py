"""Banc : `guichet conformite` sur 3 000 structures labellisées (cible < 10 s).

Un réseau réaliste : 100 départements, 3 000 structures (un bus sur vingt avec ses arrêts, une multisite
sur vingt avec ses permanences, des horaires inconnus une fois sur cinquante), deux ou un agent par
structure (neuf agents sur dix formés : présents à tout le parcours initial), des référents pour la plupart
des opérateurs nationaux, des accompagnements récents."""

import io
import json
import random
import time
import uuid
from datetime import time as heure
from datetime import timedelta

from _commun import preparer_django

NOMBRE_SITES = 3_000
NOMBRE_DEPARTEMENTS = 100
ACCOMPAGNEMENTS_PAR_SITE = 20
MESURES = 3

preparer_django()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from guichet.activite.models import Accompagnement, Duree, Resultat, TypeAide  # noqa: E402
from guichet.comptes.models import Habilitation, Role, Utilisateur  # noqa: E402
from guichet.formation.models import PARTIES_INITIALES, Inscription, Parcours, Presence, Session  # noqa: E402
from guichet.reseau.models import Creneau, Operateur, Passage, Structure  # noqa: E402
from guichet.territoires.models import Commune, Departement, Region  # noqa: E402

hasard = random.Random(42)
region = Region.objects.create(code="99", nom="Région de banc")
departements = Departement.objects.bulk_create(
    Departement(code=f"B{i:02d}", nom=f"Banc {i}", region=region) for i in range(NOMBRE_DEPARTEMENTS)
)
communes = Commune.objects.bulk_create(
    Commune(code=f"B{i:04d}", nom=f"Banc {i}", departement=d, latitude=46.5, longitude=2.5)
    for i, d in enumerate(departements)
)
formes = [Structure.Forme.ITINERANTE] + [Structure.Forme.MULTISITE] + [Structure.Forme.FIXE] * 18
structures = Structure.objects.bulk_create(
    Structure(
        matricule=f"BANC-{i:05d}",
        nom=f"Site {i}",
        commune=communes[i % NOMBRE_DEPARTEMENTS],
        latitude=46.5,
        longitude=2.5,
        forme=formes[i % len(formes)],
        statut=Structure.Statut.LABELLISEE,
    )
    for i in range(NOMBRE_SITES)
)
M, AM = (heure(9), heure(12)), (heure(14), heure(17))
creneaux, passages = [], []
for i, s in enumerate(structures):
    if i % 50 == 7:
        continue  # horaires inconnus
    jours = 5 if hasard.random() < 0.85 else 4
    if s.forme != Structure.Forme.ITINERANTE:
        creneaux += [Creneau(structure=s, jour=j, debut=d, fin=f) for j in range(jours) for d, f in (M, AM)]
    if s.forme != Structure.Forme.FIXE:
        passages += [
            Passage(structure=s, commune=s.commune, lieu="Place", jour=j, debut=M[0], fin=AM[1]) for j in range(5)
        ]
Creneau.objects.bulk_create(creneaux, batch_size=5000)
Passage.objects.bulk_create(passages, batch_size=5000)

empreinte = make_password("banc-conformite")
agents = Utilisateur.objects.bulk_create(
    (
        Utilisateur(email=f"agent{n}.{s.matricule.lower()}@banc.fr", password=empreinte)
        for s in structures
        for n in (1, 2)
    ),
    batch_size=5000,
)
Habilitation.objects.bulk_create(
    (
        Habilitation(utilisateur=agent, role=Role.CONSEILLER, structure=structures[k // 2])
        for k, agent in enumerate(agents)
        if k % 2 == 0 or hasard.random() < 0.9  # une structure sur dix n'a qu'un agent
    ),
    batch_size=5000,
)
nationaux = list(Operateur.objects.filter(national=True))
referents = []
for d in departements:
    for o in nationaux:
        if hasard.random() < 0.97:
            referents.append(
                (Utilisateur(email=f"referent.{o.code}.{d.code.lower()}@banc.fr", password=empreinte), o, d)
            )
Utilisateur.objects.bulk_create([u for u, _, _ in referents], batch_size=5000)
Habilitation.objects.bulk_create(
    (Habilitation(utilisateur=u, role=Role.REFERENT, operateur=o, departement=d) for u, o, d in referents),
    batch_size=5000,
)
maintenant = timezone.now()
Accompagnement.objects.bulk_create(
    (
        Accompagnement(
            id=uuid.uuid4(),
            structure=s,
            le=maintenant - timedelta(days=hasard.randint(0, 60), minutes=hasard.randint(0, 600)),
            operateur=hasard.choice(nationaux),
            type_aide=TypeAide.INFORMATION,
            resultat=Resultat.RESOLU,
            duree=Duree.MOINS_15,
        )
        for s in structures
        for _ in range(ACCOMPAGNEMENTS_PAR_SITE if hasard.random() < 0.95 else 0)
    ),
    batch_size=5000,
)

# La formation : une session passée par module initial et par département ; neuf agents sur dix présents à tout
# le parcours initial (formés), les autres à la moitié seulement.
parcours = Parcours.objects.en_vigueur()
initiaux = list(parcours.modules.filter(partie__in=PARTIES_INITIALES))
jour = timezone.localdate() - timedelta(days=90)
sessions = Session.objects.bulk_create(
    Session(module=m, debut=jour, fin=jour, lieu="Banc", departement=d, organisme_formateur="Banc", capacite=500)
    for d in departements
    for m in initiaux
)
session_de = {(s.departement_id, s.module_id): s for s in sessions}
structure_de = dict(Habilitation.objects.filter(role=Role.CONSEILLER).values_list("utilisateur_id", "structure_id"))
departement_de = {s.pk: s.commune.departement_id for s in structures}
Inscription.objects.bulk_create(
    (
        Inscription(
            session=session_de[(departement_de[sid], m.pk)], agent_id=aid, structure_id=sid, presence=Presence.PRESENT
        )
        for aid, sid in structure_de.items()
        for m in (initiaux if hasard.random() < 0.9 else initiaux[: len(initiaux) // 2])
    ),
    batch_size=5000,
)

durees = []
for _ in range(MESURES):
    sortie = io.StringIO()
    debut = time.perf_counter()
    call_command("conformite", "--json", stdout=sortie, stderr=io.StringIO())
    durees.append(time.perf_counter() - debut)
rapport = json.loads(sortie.getvalue())
assert len(rapport["sites"]) == NOMBRE_SITES

print(
    f"Moteur : {connection.vendor} ; {NOMBRE_SITES} structures labellisées dans {NOMBRE_DEPARTEMENTS} départements, "
    f"{len(creneaux)} créneaux, {len(passages)} passages, {Habilitation.objects.count()} habilitations, "
    f"{Accompagnement.objects.count()} accompagnements, {Inscription.objects.count()} présences en formation"
)
for code, comptes in rapport["par_critere"].items():
    print(f"  {code} : {comptes}")
print(
    f"guichet conformite --json : meilleure {min(durees):.2f} s, pire {max(durees):.2f} s "
    f"sur {MESURES} exécutions (cible < 10 s)"
)
