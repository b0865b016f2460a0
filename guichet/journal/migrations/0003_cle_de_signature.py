"""Le journal signé : l'empreinte devient un HMAC-SHA256 (clé de GUICHET_CLES_JOURNAL, hors de la base) et
chaque entrée garde l'identifiant de sa clé (`cle`).

Les entrées déjà écrites sont vérifiées selon l'ancienne chaîne (SHA-256) puis signées, une fois, avec la clé
courante ; si l'ancienne chaîne est déjà rompue, la migration s'arrête en nommant l'entrée (on ne signe pas un
journal falsifié). Les déclencheurs d'ajout seul sont retirés le temps de la migration (transactionnelle sous
PostgreSQL) puis recréés, avec la nouvelle colonne parmi les colonnes figées (sous SQLite, l'ajout de colonne
recrée la table et ses déclencheurs disparaîtraient de toute façon).
"""

import hashlib
import hmac
import importlib
import json
from datetime import UTC

from django.db import migrations, models

from guichet.journal.services import cle_courante, cles_journal

AJOUT_SEUL = importlib.import_module("guichet.journal.migrations.0002_ajout_seul")
COLONNES_FIGEES = [*AJOUT_SEUL.COLONNES_FIGEES, "cle"]

SQLITE_MODIFICATION = """
CREATE TRIGGER journal_entreejournal_sans_modification
BEFORE UPDATE ON journal_entreejournal
FOR EACH ROW
WHEN guichet_journal_verrouille() AND NOT (
    NEW.acteur_id IS NULL AND {colonnes}
)
BEGIN
    SELECT RAISE(ABORT, 'Le journal d''audit est en ajout seul : modification interdite.');
END;
""".format(colonnes=" AND ".join(f"NEW.{c} IS OLD.{c}" for c in COLONNES_FIGEES))


def _json(contenu):
    return json.dumps(contenu, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def _contenu(entree, avec_cle):
    contenu = {
        "numero": entree.numero,
        "horodatage": entree.horodatage.astimezone(UTC).isoformat(timespec="microseconds"),
        "acteur": entree.acteur_libelle,
        "action": entree.action,
        "objet_type": entree.objet_type,
        "objet_id": entree.objet_id,
        "details": entree.details,
        "precedent": entree.precedent,
    }
    if avec_cle:
        contenu["cle"] = entree.cle
    return contenu


def retirer_declencheurs(apps, schema_editor):
    AJOUT_SEUL.supprimer(apps, schema_editor)


def signer_les_entrees(apps, schema_editor):
    EntreeJournal = apps.get_model("journal", "EntreeJournal")
    cle = cle_courante()
    secret = cles_journal()[cle]
    ancien_precedent = nouveau_precedent = "0" * 64
    numero_attendu = 1
    for entree in EntreeJournal.objects.using(schema_editor.connection.alias).order_by("numero").iterator():
        ancienne = hashlib.sha256(_json(_contenu(entree, avec_cle=False))).hexdigest()
        if (
            entree.numero != numero_attendu
            or entree.precedent != ancien_precedent
            or not hmac.compare_digest(ancienne, entree.empreinte)
        ):
            raise RuntimeError(
                f"Journal d'audit : la chaîne est rompue à l'entrée n° {entree.numero} (guichet verifier_journal) ; "
                "elle n'est pas signée. Rétablir le journal d'une sauvegarde avant de migrer."
            )
        ancien_precedent = entree.empreinte
        entree.precedent, entree.cle = nouveau_precedent, cle
        entree.empreinte = hmac.new(secret, b"entree:" + _json(_contenu(entree, avec_cle=True)), hashlib.sha256).hexdigest()
        EntreeJournal.objects.using(schema_editor.connection.alias).filter(pk=entree.pk).update(
            precedent=entree.precedent, cle=cle, empreinte=entree.empreinte
        )
        nouveau_precedent = entree.empreinte
        numero_attendu += 1


def recreer_declencheurs(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_MODIFICATION, params=None)
        schema_editor.execute(AJOUT_SEUL.SQLITE_SUPPRESSION, params=None)
    else:
        AJOUT_SEUL.creer(apps, schema_editor)


def recreer_anciens_declencheurs(apps, schema_editor):
    AJOUT_SEUL.creer(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("journal", "0002_ajout_seul")]

    operations = [
        migrations.RunPython(retirer_declencheurs, recreer_anciens_declencheurs, elidable=False),
        migrations.AddField(
            model_name="entreejournal",
            name="cle",
            field=models.CharField(
                default="", editable=False, max_length=32, verbose_name="identifiant de la clé de signature"
            ),
        ),
        migrations.RunPython(signer_les_entrees, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(recreer_declencheurs, retirer_declencheurs, elidable=False),
    ]
