"""La précision sur l'objet d'une demande, chiffrée au repos comme la description : les lignes existantes
sont chiffrées ici (et déchiffrées au retour arrière)."""

from django.db import migrations

import guichet.chiffrement
from guichet.chiffrement import chiffrer, dechiffrer

TAILLE_LOT = 500


def _convertir(schema_editor, conversion):
    connexion = schema_editor.connection
    table = connexion.ops.quote_name("demandes_demande")
    with connexion.cursor() as curseur:
        curseur.execute(f"SELECT id, objet_libre FROM {table} WHERE objet_libre IS NOT NULL AND objet_libre <> ''")
        lignes = curseur.fetchall()
    for debut in range(0, len(lignes), TAILLE_LOT):
        with connexion.cursor() as curseur:
            curseur.executemany(
                f"UPDATE {table} SET objet_libre = %s WHERE id = %s",
                [(conversion(valeur), pk) for pk, valeur in lignes[debut : debut + TAILLE_LOT]],
            )


def chiffrer_existants(apps, schema_editor):
    _convertir(schema_editor, chiffrer)


def dechiffrer_existants(apps, schema_editor):
    _convertir(schema_editor, lambda jeton: dechiffrer(jeton)[:200])


class Migration(migrations.Migration):
    dependencies = [
        ("demandes", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="demande",
            name="objet_libre",
            field=guichet.chiffrement.ChampChiffre(
                blank=True,
                default="",
                help_text="Affichée dans les listes : sans nom ni numéro de l'usager.",
                verbose_name="précision sur l'objet",
            ),
        ),
        migrations.RunPython(chiffrer_existants, dechiffrer_existants),
    ]
