"""The database itself refuses to rewrite the audit trail and sealed releases (PostgreSQL).

The models already refuse (save/delete and their querysets' bulk update/delete), but a
raw SQL statement, a psql session or another program writing the same database goes
around the ORM. On PostgreSQL, the production database, row triggers refuse:
- any UPDATE or DELETE of a workflow event (the append-only log of docs/design.md §2);
- any UPDATE or DELETE of a sealed release, and any entry added to, changed in or
  removed from one (a citation of `2025.1` must reproduce forever).
TRUNCATE is left to the database owner (tests flush tables with it); SQLite, the
embedded development default, relies on the models' guards.
"""

from django.db import migrations

GUARDS = """
CREATE FUNCTION factordb_refuse_workflow_event_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'workflow events are append-only (% of event %)', TG_OP, OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER factordb_workflowevent_append_only
    BEFORE UPDATE OR DELETE ON factordb_workflowevent
    FOR EACH ROW EXECUTE FUNCTION factordb_refuse_workflow_event_change();

CREATE FUNCTION factordb_refuse_sealed_release_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'release % is sealed (%)', OLD.name, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER factordb_release_sealed
    BEFORE UPDATE OR DELETE ON factordb_release
    FOR EACH ROW WHEN (OLD.checksum_sha256 <> '')
    EXECUTE FUNCTION factordb_refuse_sealed_release_change();

CREATE FUNCTION factordb_refuse_sealed_release_entry_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
        SELECT 1 FROM factordb_release WHERE id = OLD.release_id AND checksum_sha256 <> ''
    ) OR TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
        SELECT 1 FROM factordb_release WHERE id = NEW.release_id AND checksum_sha256 <> ''
    ) THEN
        RAISE EXCEPTION 'the entries of a sealed release cannot change (%)', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER factordb_releaseentry_sealed
    BEFORE INSERT OR UPDATE OR DELETE ON factordb_releaseentry
    FOR EACH ROW EXECUTE FUNCTION factordb_refuse_sealed_release_entry_change();
"""

DROP_GUARDS = """
DROP TRIGGER IF EXISTS factordb_releaseentry_sealed ON factordb_releaseentry;
DROP FUNCTION IF EXISTS factordb_refuse_sealed_release_entry_change();
DROP TRIGGER IF EXISTS factordb_release_sealed ON factordb_release;
DROP FUNCTION IF EXISTS factordb_refuse_sealed_release_change();
DROP TRIGGER IF EXISTS factordb_workflowevent_append_only ON factordb_workflowevent;
DROP FUNCTION IF EXISTS factordb_refuse_workflow_event_change();
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            # No parameters: psycopg sends the functions' bodies ('%' and all) as written.
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("factordb", "0004_read_indexes"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(GUARDS), _on_postgresql(DROP_GUARDS)),
    ]
