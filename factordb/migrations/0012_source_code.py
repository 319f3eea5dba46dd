"""Sources get a short, stable code: what an import file names a source by.

Sources that came from the seed take its key (factordb/seed/sources.csv); any other gets
`source-<id>`, which an admin may change by a recorded correction once it is cited.
The history table's new column is added with a default, not filled by UPDATE: it is
append-only (0006).
"""

import csv
from pathlib import Path

from django.db import migrations, models

import factordb.models.reference

SEED_SOURCES = Path(__file__).resolve().parent.parent / "seed" / "sources.csv"


def fill_codes(apps, schema_editor):
    Source = apps.get_model("factordb", "Source")
    with SEED_SOURCES.open(encoding="utf-8") as handle:
        seed_keys = {(row["title"], row["publisher"], int(row["year"])): row["key"]
                     for row in csv.DictReader(handle)}
    for source in Source.objects.all():
        source.code = seed_keys.get((source.title, source.publisher, source.year), f"source-{source.pk}")
        source.save(update_fields=["code"])


class Migration(migrations.Migration):

    dependencies = [
        ("factordb", "0011_life_cycle_boundary"),
    ]

    operations = [
        migrations.AddField(
            model_name="source",
            name="code",
            field=models.CharField(max_length=100, null=True, verbose_name="代码"),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="source",
            name="code",
            field=models.CharField(max_length=100, unique=True, validators=[factordb.models.reference.code_validator], verbose_name="代码"),
        ),
        migrations.AddField(
            model_name="historicalsource",
            name="code",
            field=models.CharField(db_index=True, default="", max_length=100, validators=[factordb.models.reference.code_validator], verbose_name="代码"),
            preserve_default=False,
        ),
    ]
