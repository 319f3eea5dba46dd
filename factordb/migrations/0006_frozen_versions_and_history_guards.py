"""The database itself keeps the public record of a version and the audit history (PostgreSQL).

Extends 0005 (docs/design.md §9, docs/adr/0006, docs/adr/0007). The models already refuse these writes, but a
raw SQL statement, a psql session or another program goes around the ORM. Row triggers:
- a published, superseded or withdrawn version: no DELETE; an UPDATE may change only
  status, superseded_at, updated_at and revision (FactorVersion._MUTABLE_AFTER_PUBLICATION),
  the status only from published to superseded or withdrawn, and superseded_at only with
  that move. A recorded step (workflow.record) bumps updated_at and revision, nothing else;
- the gas amounts and sources of such a version: no INSERT, UPDATE or DELETE, nor moving a
  row into or out of it;
- every django-simple-history table of factordb and accounts (one per audited model and
  one per recorded many-to-many link): no UPDATE or DELETE. simple-history only inserts.
The history tables are read from the migration state, so each is named here as it exists;
a test checks that every history table the code defines carries the trigger.
TRUNCATE stays the owner's (tests flush with it); SQLite relies on the models' guards.
"""

from django.db import migrations

FROZEN = "('published', 'superseded', 'withdrawn')"

VERSION_GUARDS = f"""
CREATE FUNCTION factordb_refuse_frozen_version_change() RETURNS trigger AS $$
DECLARE
    may_change CONSTANT text[] := ARRAY['status', 'superseded_at', 'updated_at', 'revision'];
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'version % is % and cannot be deleted', OLD.id, OLD.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF to_jsonb(NEW) - may_change IS DISTINCT FROM to_jsonb(OLD) - may_change THEN
        RAISE EXCEPTION 'version % is % and its content cannot change', OLD.id, OLD.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (NEW.status IS DISTINCT FROM OLD.status OR NEW.superseded_at IS DISTINCT FROM OLD.superseded_at)
       AND NOT (OLD.status = 'published' AND NEW.status IN ('superseded', 'withdrawn')) THEN
        RAISE EXCEPTION 'version % is %: it may only move from published to superseded or withdrawn',
            OLD.id, OLD.status USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER factordb_factorversion_frozen
    BEFORE UPDATE OR DELETE ON factordb_factorversion
    FOR EACH ROW WHEN (OLD.status IN {FROZEN})
    EXECUTE FUNCTION factordb_refuse_frozen_version_change();

CREATE FUNCTION factordb_refuse_frozen_version_part_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
        SELECT 1 FROM factordb_factorversion WHERE id = OLD.version_id AND status IN {FROZEN}
    ) OR TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
        SELECT 1 FROM factordb_factorversion WHERE id = NEW.version_id AND status IN {FROZEN}
    ) THEN
        RAISE EXCEPTION 'the % of a published version cannot change (%)', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER factordb_gasamount_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON factordb_gasamount
    FOR EACH ROW EXECUTE FUNCTION factordb_refuse_frozen_version_part_change();

CREATE TRIGGER factordb_versionsource_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON factordb_versionsource
    FOR EACH ROW EXECUTE FUNCTION factordb_refuse_frozen_version_part_change();

CREATE FUNCTION factordb_refuse_history_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'history is append-only (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""

DROP_VERSION_GUARDS = """
DROP TRIGGER IF EXISTS factordb_versionsource_frozen ON factordb_versionsource;
DROP TRIGGER IF EXISTS factordb_gasamount_frozen ON factordb_gasamount;
DROP FUNCTION IF EXISTS factordb_refuse_frozen_version_part_change();
DROP TRIGGER IF EXISTS factordb_factorversion_frozen ON factordb_factorversion;
DROP FUNCTION IF EXISTS factordb_refuse_frozen_version_change();
"""

HISTORY_APPS = ("factordb", "accounts")


def history_tables(apps) -> list[str]:
    """simple-history's tables in this state: Historical<Model> and Historical<Model>_<link>."""
    return sorted(
        model._meta.db_table
        for app in HISTORY_APPS
        for model in apps.get_app_config(app).get_models()
        if model.__name__.startswith("Historical")
    )


def install(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    # No parameters: psycopg sends the functions' bodies ('%' and all) as written.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(VERSION_GUARDS)
        for table in history_tables(apps):
            cursor.execute(
                f'CREATE TRIGGER "{table}_history_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
                "FOR EACH ROW EXECUTE FUNCTION factordb_refuse_history_change()"
            )


def uninstall(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table in history_tables(apps):
            cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_history_append_only" ON "{table}"')
        cursor.execute("DROP FUNCTION IF EXISTS factordb_refuse_history_change()")
        cursor.execute(DROP_VERSION_GUARDS)


class Migration(migrations.Migration):

    dependencies = [
        ("factordb", "0005_database_guards"),
        # Its history tables (users, roles and their links, API keys) are guarded here too.
        ("accounts", "0004_role_history"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
