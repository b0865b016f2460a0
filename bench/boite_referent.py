"""Banc : la boîte de réception d'un référent, avec 100 000 demandes en base.

    .venv/bin/python bench/boite_referent.py [--demandes 100000] [--part 0.2] [--rendus 60]

Base SQLite temporaire par défaut. Avec DATABASE_URL, seule une base PostgreSQL nommée
`guichet_bench_demandes` est acceptée : le banc la crée si besoin, la vide et la remplit
(jamais une autre base).

Jeu de données : 5 départements, 40 structures par département, les 12 opérateurs nationaux ;
`--part` des demandes vont à la CAF de l'Ain (la boîte mesurée), le reste à tous les autres
couples opérateur × département. 70 % clôturées, 10 % en attente de l'agent, 20 % en attente de
l'opérateur (dont les plus anciennes en retard), envoyées sur les 365 derniers jours ; un tiers
réorientées ou non, un fil d'un message par demande. Identité et description chiffrées comme en
production. Chaque page est rendue par le client de test de Django (intergiciels compris : session,
second facteur, CSP), en tant que référent CAF de l'Ain connecté.
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

from guichet.demandes import permissions as permissions_demandes

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._commun import afficher, percentiles, preparer_django  # noqa: E402

BASE_POSTGRESQL = "guichet_bench_demandes"


def _preparer_postgresql():
    """Vérifie que DATABASE_URL désigne la base du banc et la crée si elle n'existe pas."""
    import environ
    import psycopg

    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    if config["NAME"] != BASE_POSTGRESQL:
        sys.exit(f"DATABASE_URL doit désigner la base « {BASE_POSTGRESQL} » (et aucune autre) : « {config['NAME']} ».")
    parametres = {
        k: v
        for k, v in {
            "host": config.get("HOST"),
            "port": config.get("PORT") or None,
            "user": config.get("USER"),
            "password": config.get("PASSWORD"),
        }.items()
        if v
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **parametres) as connexion:
        existe = connexion.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BASE_POSTGRESQL]).fetchone()
        if not existe:
            connexion.execute(f'CREATE DATABASE "{BASE_POSTGRESQL}"')


def remplir(nombre, part, graine=2026):
    from django.db import connection, transaction
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from guichet.comptes.models import Habilitation, Role, Utilisateur
    from guichet.demandes import echeances
    from guichet.demandes.models import Cote, Demande, Message, Nature, NatureMandat, OperateurInvite
    from guichet.reseau.models import Operateur, Structure
    from guichet.territoires.models import Commune, Departement, Region

    hasard = random.Random(graine)
    with transaction.atomic():
        OperateurInvite.objects.all().delete()
        Message.objects.all().delete()
        Demande.objects.all().delete()
        region, _ = Region.objects.get_or_create(code="84", defaults={"nom": "Auvergne-Rhône-Alpes"})
        departements = [
            Departement.objects.get_or_create(code=code, defaults={"nom": f"Département {code}", "region": region})[0]
            for code in ("01", "03", "07", "15", "26")
        ]
        structures = {}
        for departement in departements:
            for i in range(40):
                commune, _ = Commune.objects.get_or_create(
                    code=f"{departement.code}{i:03d}",
                    defaults={"nom": f"Commune {i}", "departement": departement, "latitude": 45, "longitude": 5},
                )
                structure, _ = Structure.objects.get_or_create(
                    matricule=f"FS-BENCH-{departement.code}-{i:03d}",
                    defaults={
                        "nom": f"France services {departement.code}-{i}",
                        "commune": commune,
                        "latitude": 45,
                        "longitude": 5,
                    },
                )
                structures.setdefault(departement.pk, []).append(structure)
        operateurs = list(Operateur.objects.filter(national=True))
        caf = next(o for o in operateurs if o.code == "caf")
        ain = departements[0]
        referent, _ = Utilisateur.objects.get_or_create(email="referent-bench@example.fr")
        Habilitation.objects.get_or_create(utilisateur=referent, role=Role.REFERENT, operateur=caf, departement=ain)
        agent, _ = Utilisateur.objects.get_or_create(email="agent-bench@example.fr")
        appareil = TOTPDevice.objects.filter(user=referent).first() or TOTPDevice.objects.create(
            user=referent, name="banc", confirmed=True
        )

        maintenant = timezone.now()
        demandes = []
        for n in range(nombre):
            if n < nombre * part:
                departement, operateur = ain, caf
            else:
                departement, operateur = hasard.choice(departements), hasard.choice(operateurs)
                if departement == ain and operateur == caf:
                    operateur = operateurs[(operateurs.index(caf) + 1) % len(operateurs)]
            envoyee = maintenant - timedelta(minutes=hasard.randint(0, 365 * 24 * 60))
            echeance = echeances.echeance(envoyee, departement.code)
            tirage = hasard.random()
            cloturee = premiere = None
            attente = Cote.REFERENT
            if tirage < 0.7:
                premiere = envoyee + timedelta(hours=hasard.randint(1, 100))
                cloturee = premiere + timedelta(hours=hasard.randint(1, 200))
                attente = Cote.AGENT
                if cloturee > maintenant:
                    cloturee = None
            elif tirage < 0.8:
                premiere = envoyee + timedelta(hours=hasard.randint(1, 60))
                attente = Cote.AGENT
            demandes.append(
                Demande(
                    structure=hasard.choice(structures[departement.pk]),
                    departement=departement,
                    auteur=agent,
                    operateur_initial=operateur,
                    operateur=operateur,
                    objet_libre=f"Demande de banc n° {n}",
                    description="Situation décrite par l'agent, chiffrée au repos.",
                    usager_nom="Martin",
                    usager_prenom="Jeanne",
                    usager_date_naissance="1970-01-01",
                    consentement_atteste=True,
                    mandat_nature=NatureMandat.PRESENCE,
                    mandat_date=envoyee.date(),
                    envoyee_le=envoyee,
                    routee_le=envoyee,
                    echeance_le=echeance,
                    premiere_reponse_le=premiere if premiere and premiere <= maintenant else None,
                    attente_de=attente if premiere and premiere <= maintenant else Cote.REFERENT,
                    dernier_message_le=premiere if premiere and premiere <= maintenant else envoyee,
                    cloturee_le=cloturee,
                    utile="oui" if cloturee else "",
                )
            )
        Demande.objects.bulk_create(demandes, batch_size=2000)
        # Quelques invitations de la CAF sur des demandes d'autres opérateurs de l'Ain (cas réel, rare).
        autres = Demande.objects.filter(departement=ain).exclude(operateur=caf).values_list("pk", flat=True)[:50]
        OperateurInvite.objects.bulk_create(
            OperateurInvite(demande_id=pk, operateur=caf, invite_le=maintenant) for pk in autres
        )
        Message.objects.bulk_create(
            (
                Message(demande_id=pk, auteur=agent, cote=Cote.AGENT, nature=Nature.ENVOI, cree_le=envoyee)
                for pk, envoyee in Demande.objects.values_list("pk", "envoyee_le").iterator()
            ),
            batch_size=5000,
        )
    with connection.cursor() as curseur:
        curseur.execute("ANALYZE")
    return referent, appareil


def mesurer(client, url, rendus):
    for _ in range(5):  # chauffe : caches de gabarits, de requêtes préparées
        assert client.get(url).status_code == 200
    durees = []
    for _ in range(rendus):
        debut = time.perf_counter()
        reponse = client.get(url)
        durees.append((time.perf_counter() - debut) * 1000)
        assert reponse.status_code == 200, reponse.status_code
    return percentiles(durees)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demandes", type=int, default=100_000)
    parser.add_argument("--part", type=float, default=0.2, help="part des demandes dans la boîte mesurée")
    parser.add_argument("--rendus", type=int, default=60)
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL"):
        _preparer_postgresql()
    preparer_django()

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from guichet.demandes.models import Demande

    debut = time.perf_counter()
    referent, appareil = remplir(args.demandes, args.part)
    boite = permissions_demandes.demandes_de_l_operateur(referent)
    print(
        f"Base {connection.vendor} : {Demande.objects.count()} demandes "
        f"créées en {time.perf_counter() - debut:.0f} s ; "
        f"boîte du référent : {boite.count()} demandes dont {boite.en_attente_de_reponse().count()} à traiter "
        f"et {boite.en_retard().count()} en retard."
    )
    settings.DEBUG = False  # pas de journal des requêtes : mesure comme en production
    client = Client(HTTP_HOST="localhost")
    client.force_login(referent, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = appareil.persistent_id
    session.save()
    for filtre, page in (("a_traiter", 1), ("en_retard", 1), ("toutes", 1), ("toutes", 200)):
        url = f"/espace/demandes/?filtre={filtre}&page={page}"
        requetes = []
        with connection.execute_wrapper(lambda execute, sql, *a, r=requetes: r.append(sql) or execute(sql, *a)):
            client.get(url)
        mesures = mesurer(client, url, args.rendus)
        afficher(f"Boîte du référent, filtre {filtre}, page {page} ({len(requetes)} requêtes SQL)", mesures)


if __name__ == "__main__":
    main()
