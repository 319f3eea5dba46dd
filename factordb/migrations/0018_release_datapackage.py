"""Each sealed release's datapackage.json (a Frictionless Data Package), frozen like its files.

The releases sealed before this migration get theirs derived from what they already froze:
the stored CSV and JSON bytes (never rewritten) and the sources their pinned versions cite,
as factordb.services.datapackage builds it at a cut. Only the new table is written, and only
then, on PostgreSQL, does a guard like 0008's (no UPDATE or DELETE, no INSERT into a sealed
release) cover it, so the releases sealed from now on get theirs in their cut and never another.
"""

import django.db.models.deletion
from django.db import migrations, models

# 0008's guard for frozen content, in a function of its own so that each migration's
# triggers can be dropped without the other's.
GUARD = """
CREATE FUNCTION factordb_refuse_frozen_release_package_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NOT EXISTS (
        SELECT 1 FROM factordb_release WHERE id = NEW.release_id AND checksum_sha256 <> ''
    ) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the data package of a sealed release is frozen (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER factordb_releasepackage_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON factordb_releasepackage
    FOR EACH ROW EXECUTE FUNCTION factordb_refuse_frozen_release_package_change();
"""

DROP_GUARD = """
DROP TRIGGER IF EXISTS factordb_releasepackage_frozen ON factordb_releasepackage;
DROP FUNCTION IF EXISTS factordb_refuse_frozen_release_package_change();
"""


def package_sealed_releases(apps, schema_editor) -> None:
    # The builder is a pure function of the frozen bytes and the cited sources; the sources
    # are read through this migration's historical model.
    from factordb.services.datapackage import cited_sources, datapackage_bytes, package_fields

    Source = apps.get_model("factordb", "Source")
    Package = apps.get_model("factordb", "ReleasePackage")
    Content = apps.get_model("factordb", "ReleaseContent")
    for content in Content.objects.exclude(release__checksum_sha256="").select_related("release").order_by("pk"):
        release = content.release
        body = datapackage_bytes(
            release_name=release.name, published_at=release.published_at,
            csv_bytes=bytes(content.csv_bytes), json_bytes=bytes(content.json_bytes),
            sources=cited_sources(Source, release.pk),
        )
        Package.objects.create(release_id=release.pk, **package_fields(body))


def _on_postgresql(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('factordb', '0017_webhooks'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReleasePackage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('body', models.BinaryField()),
                ('sha256', models.CharField(max_length=64)),
                ('size', models.PositiveBigIntegerField()),
                ('release', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='package', to='factordb.release')),
            ],
            options={
                'verbose_name': '发行版数据包描述',
                'verbose_name_plural': '发行版数据包描述',
            },
        ),
        migrations.RunPython(package_sealed_releases, migrations.RunPython.noop),
        migrations.RunPython(_on_postgresql(GUARD), _on_postgresql(DROP_GUARD)),
    ]
