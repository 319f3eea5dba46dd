"""A quicker `loaddata` for the seed's dump files (tests/conftest.py, SeedRows)."""

import json
from collections.abc import Sequence
from itertools import groupby
from operator import itemgetter
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model

from factordb.generation import renew_with_the_write


def load_rows(paths: Sequence[Path], using: str = DEFAULT_DB_ALIAS) -> None:
    """Load files that `dumpdata` wrote, in order, leaving the database as `loaddata` would.

    What loaddata does, and so does this: one transaction; constraint checks disabled during the
    load and run over the loaded tables after it; the files' rows written in file order; a row
    whose primary key is already taken (the publication lock a migration makes), or whose
    primary key is a natural key (groups, users), or that has many-to-many links (groups'
    permissions, users' groups) saved exactly as loaddata saves it (a raw save, then the links
    set, which sends the signals simple-history records links by); the sequences of the loaded
    tables reset (PostgreSQL).

    Why it is quicker. loaddata saves one row at a time: an UPDATE, found to touch nothing, then
    the INSERT, and a query for each foreign key given as a natural key (every reference to a
    user). Here the rows of a run of one model in a file, taken as new after one query, are
    inserted in batches, and each natural key is looked up once per load.

    What it leaves out: the post_save signals of the rows inserted in batches. On a raw save
    (loaddata's) simple-history records nothing; factordb.generation renews the data generation,
    which is done once here, after the load, instead of once a row. Any other receiver that wrote
    rows on a raw save would make tests/test_seed_rows.py fail.
    """
    connection = connections[using]
    keys = _NaturalKeys(using)
    loaded: set[type[Model]] = set()
    with transaction.atomic(using=using):
        with connection.constraint_checks_disabled():
            for path in paths:
                records = json.loads(path.read_text(encoding="utf-8"))
                for label, run in groupby(records, key=itemgetter("model")):
                    model = apps.get_model(label)
                    _write(model, [keys.resolved(model, record) for record in run], using)
                    loaded.add(model)
        connection.check_constraints(table_names=[model._meta.db_table for model in loaded])
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), loaded):
                cursor.execute(statement)
        renew_with_the_write()


def _write(model: type[Model], records: list[dict], using: str) -> None:
    loaded = list(serializers.deserialize("python", records, using=using))
    # Saved as loaddata saves them: a row that may already be there (its id taken, or a natural
    # key for an id), and one whose links must be set through the manager, whose signals
    # simple-history records them by. The seed has a handful; all others are inserted at once.
    plain = [item for item in loaded if item.object.pk is not None and not any(item.m2m_data.values())]
    taken = set(model._base_manager.using(using)
                .filter(pk__in=[item.object.pk for item in plain]).values_list("pk", flat=True))
    new = [item.object for item in plain if item.object.pk not in taken]
    _insert_raw(model, new, using)
    inserted = {id(row) for row in new}
    for item in loaded:
        if id(item.object) not in inserted:
            item.save(using=using)


def _insert_raw(model: type[Model], rows: list[Model], using: str) -> None:
    # bulk_create would run each field's pre_save, and auto_now fields (a factor's created_at,
    # a version's updated_at) would take the time of the load. A raw save inserts the values as
    # they are: it is this same private call, with raw=True, that Model.save_base makes.
    if not rows:
        return
    fields = [field for field in model._meta.local_concrete_fields if not field.generated]
    size = connections[using].ops.bulk_batch_size(fields, rows)
    for start in range(0, len(rows), size):
        model._base_manager._insert(rows[start:start + size], fields=fields, using=using, raw=True)


class _NaturalKeys:
    """Foreign keys given as natural keys, each looked up once (they name rows loaded before)."""

    def __init__(self, using: str) -> None:
        self.using = using
        self.values: dict[tuple, object] = {}

    def resolved(self, model: type[Model], record: dict) -> dict:
        fields = dict(record["fields"])
        for name, value in fields.items():
            field = model._meta.get_field(name)
            if isinstance(value, list) and (field.many_to_one or field.one_to_one):
                fields[name] = self._value(field, value)
        return {**record, "fields": fields}

    def _value(self, field, natural_key: list) -> object:
        # As django.core.serializers.base.deserialize_fk_value, once per distinct key.
        target = field.remote_field.model
        key = (target, field.remote_field.field_name, tuple(natural_key))
        if key not in self.values:
            row = target._default_manager.db_manager(self.using).get_by_natural_key(*natural_key)
            value = getattr(row, field.remote_field.field_name)
            self.values[key] = value.pk if target._meta.pk.remote_field else value
        return self.values[key]
