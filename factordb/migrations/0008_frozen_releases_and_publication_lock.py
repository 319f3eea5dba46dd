"""Frozen release content, the publication lock, and the change feed's sequence (docs/adr/0014).

After the schema: the lock's one row; `seq` for every existing public event, in (at, pk)
order; the content of every release already sealed, frozen as it is now (the seed cuts
one); then, on PostgreSQL, triggers refusing to rewrite frozen content, as 0005 does for
release entries.
"""

import django.db.models.deletion
from django.db import migrations, models

# The public actions when this migration was written (factordb.workflow.PUBLIC_ACTIONS).
PUBLIC_ACTIONS = ("publish", "publish_official", "supersede", "withdraw")

NUMBER_EVENTS = """
UPDATE factordb_workflowevent SET seq = numbered.n
FROM (SELECT id, row_number() OVER (ORDER BY at, id) AS n FROM factordb_workflowevent
      WHERE action IN ({actions})) AS numbered
WHERE factordb_workflowevent.id = numbered.id
"""

GUARDS = """
CREATE FUNCTION factordb_refuse_frozen_release_content_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NOT EXISTS (
        SELECT 1 FROM factordb_release WHERE id = NEW.release_id AND checksum_sha256 <> ''
    ) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the content of a sealed release is frozen (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER factordb_releasecontent_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON factordb_releasecontent
    FOR EACH ROW EXECUTE FUNCTION factordb_refuse_frozen_release_content_change();

CREATE TRIGGER factordb_releasefactor_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON factordb_releasefactor
    FOR EACH ROW EXECUTE FUNCTION factordb_refuse_frozen_release_content_change();
"""

DROP_GUARDS = """
DROP TRIGGER IF EXISTS factordb_releasefactor_frozen ON factordb_releasefactor;
DROP TRIGGER IF EXISTS factordb_releasecontent_frozen ON factordb_releasecontent;
DROP FUNCTION IF EXISTS factordb_refuse_frozen_release_content_change();
"""


def create_the_lock(apps, schema_editor) -> None:
    apps.get_model("factordb", "PublicationLock").objects.get_or_create(pk=1)


# 0005's trigger refuses every UPDATE of an event. For the numbering only, its function lets
# updates through; the original is back before this transaction commits, so no other session
# ever sees the permissive one. (ALTER TABLE … DISABLE TRIGGER would fail on a table with
# deferred checks pending.)
EVENT_GUARD = """
CREATE OR REPLACE FUNCTION factordb_refuse_workflow_event_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'workflow events are append-only (% of event %)', TG_OP, OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""

EVENT_GUARD_OPEN = """
CREATE OR REPLACE FUNCTION factordb_refuse_workflow_event_change() RETURNS trigger AS $$
BEGIN
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def number_public_events(apps, schema_editor) -> None:
    sql = NUMBER_EVENTS.format(actions=", ".join(f"'{action}'" for action in PUBLIC_ACTIONS))
    postgresql = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cursor:
        if postgresql:
            cursor.execute(EVENT_GUARD_OPEN)
        cursor.execute(sql)
        if postgresql:
            cursor.execute(EVENT_GUARD)


def freeze_sealed_releases(apps, schema_editor) -> None:
    # Rendering needs the real models and the export code; a fresh database has no release
    # here (the seed cuts its release after migrating), so they are only reached by a
    # database that already holds sealed releases, migrated with the code of this commit.
    from factordb.models import Release
    from factordb.services.exports import release_content_fields, release_render

    Content = apps.get_model("factordb", "ReleaseContent")
    Frozen = apps.get_model("factordb", "ReleaseFactor")
    Event = apps.get_model("factordb", "WorkflowEvent")
    for release in apps.get_model("factordb", "Release").objects.exclude(checksum_sha256="").order_by("pk"):
        rendered = release_render(Release.objects.get(pk=release.pk))
        Frozen.objects.bulk_create(Frozen(release_id=release.pk, version_id=pk, document=document)
                                   for pk, document in rendered.documents.items())
        feed_seq = (Event.objects.filter(seq__isnull=False, at__lte=release.published_at)
                    .aggregate(last=models.Max("seq"))["last"] or 0)
        Content.objects.create(release_id=release.pk, feed_seq=feed_seq, **release_content_fields(rendered))


def _on_postgresql(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('factordb', '0007_public_events_include_corrections'),
    ]

    operations = [
        migrations.CreateModel(
            name='PublicationLock',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('holds', models.PositiveBigIntegerField(default=0)),
            ],
            options={
                'verbose_name': '发布锁',
                'verbose_name_plural': '发布锁',
            },
        ),
        migrations.AddField(
            model_name='workflowevent',
            name='seq',
            field=models.PositiveBigIntegerField(blank=True, editable=False, null=True, unique=True, verbose_name='变更序号'),
        ),
        migrations.CreateModel(
            name='ReleaseContent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('json_bytes', models.BinaryField()),
                ('json_sha256', models.CharField(max_length=64)),
                ('json_size', models.PositiveBigIntegerField()),
                ('csv_bytes', models.BinaryField()),
                ('csv_sha256', models.CharField(max_length=64)),
                ('csv_size', models.PositiveBigIntegerField()),
                ('feed_seq', models.PositiveBigIntegerField(default=0)),
                ('release', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='content', to='factordb.release')),
            ],
            options={
                'verbose_name': '发行版内容',
                'verbose_name_plural': '发行版内容',
            },
        ),
        migrations.CreateModel(
            name='ReleaseFactor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('document', models.TextField()),
                ('release', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='frozen_factors', to='factordb.release')),
                ('version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='factordb.factorversion')),
            ],
            options={
                'verbose_name': '发行版因子',
                'verbose_name_plural': '发行版因子',
                'constraints': [models.UniqueConstraint(fields=('release', 'version'), name='release_factor_unique')],
            },
        ),
        migrations.RunPython(create_the_lock, migrations.RunPython.noop),
        migrations.RunPython(number_public_events, migrations.RunPython.noop),
        migrations.RunPython(freeze_sealed_releases, migrations.RunPython.noop),
        migrations.RunPython(_on_postgresql(GUARDS), _on_postgresql(DROP_GUARDS)),
    ]
