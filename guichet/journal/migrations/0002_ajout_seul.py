"""Le journal d'audit en ajout seul, imposé par la base (déclencheurs), une version par moteur.

Interdit : toute modification (sauf la mise à NULL de `acteur_id` quand le compte est supprimé, le
libellé recopié restant), toute suppression, et sous PostgreSQL TRUNCATE. Seule exception : la
remise à zéro complète de la base (`guichet flush`, qui passe par `journal_deverrouille`).
SQLite : les déclencheurs consultent la fonction `guichet_journal_verrouille()`, que guichet déclare
sur ses connexions (guichet/journal/apps.py) ; une connexion étrangère ne la connaît pas et échoue.
Si une colonne est ajoutée au modèle, l'ajouter à COLONNES_FIGEES. Attention : sous SQLite, une migration
qui modifie la table la recrée, et ses déclencheurs disparaissent avec l'ancienne : la faire suivre d'une
migration qui les recrée (`creer`). `guichet verifier_journal` vérifie aussi qu'ils sont en place.
"""

from django.db import migrations

COLONNES_FIGEES = [
    "id",
    "numero",
    "horodatage",
    "acteur_libelle",
    "action",
    "objet_type",
    "objet_id",
    "details",
    "precedent",
    "empreinte",
]

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

SQLITE_SUPPRESSION = """
CREATE TRIGGER journal_entreejournal_sans_suppression
BEFORE DELETE ON journal_entreejournal
FOR EACH ROW
WHEN guichet_journal_verrouille()
BEGIN
    SELECT RAISE(ABORT, 'Le journal d''audit est en ajout seul : suppression interdite.');
END;
"""

POSTGRESQL_FONCTION = """
CREATE OR REPLACE FUNCTION journal_entreejournal_ajout_seul() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('guichet.journal_deverrouille', true), '') = 'oui' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.acteur_id IS NULL
       AND (to_jsonb(NEW) - 'acteur_id') = (to_jsonb(OLD) - 'acteur_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Le journal d''audit est en ajout seul : % interdit.', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""

POSTGRESQL_DECLENCHEURS = [
    """CREATE TRIGGER journal_entreejournal_sans_modification
    BEFORE UPDATE OR DELETE ON journal_entreejournal
    FOR EACH ROW EXECUTE FUNCTION journal_entreejournal_ajout_seul();""",
    """CREATE TRIGGER journal_entreejournal_sans_vidage
    BEFORE TRUNCATE ON journal_entreejournal
    FOR EACH STATEMENT EXECUTE FUNCTION journal_entreejournal_ajout_seul();""",
]


def creer(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_MODIFICATION, params=None)
        schema_editor.execute(SQLITE_SUPPRESSION, params=None)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_FONCTION, params=None)
        for sql in POSTGRESQL_DECLENCHEURS:
            schema_editor.execute(sql, params=None)
    else:
        raise NotImplementedError(f"Journal d'audit : moteur {vendor} non pris en charge (SQLite ou PostgreSQL).")


def supprimer(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS journal_entreejournal_sans_modification;")
        schema_editor.execute("DROP TRIGGER IF EXISTS journal_entreejournal_sans_suppression;")
    elif vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS journal_entreejournal_sans_modification ON journal_entreejournal;")
        schema_editor.execute("DROP TRIGGER IF EXISTS journal_entreejournal_sans_vidage ON journal_entreejournal;")
        schema_editor.execute("DROP FUNCTION IF EXISTS journal_entreejournal_ajout_seul();")


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_initial")]

    operations = [migrations.RunPython(creer, supprimer, elidable=False)]
