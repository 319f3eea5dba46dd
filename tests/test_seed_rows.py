"""tests/seed_rows.py leaves the database exactly as `loaddata` of the same files does."""

import json
from collections.abc import Callable
from datetime import datetime

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from factordb.generation import data_generation
from tests.seed_rows import load_rows

# Past every id a test makes: where PostgreSQL's sequences start each load from.
FAR_AHEAD = 1_000_000


def _dumped(seed_rows) -> list:
    with transaction.atomic():  # writes the files on the run's first load
        seed_rows.load()
        transaction.set_rollback(True)
    return seed_rows.parts


def _sequences() -> dict[str, tuple]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, seq FROM sqlite_sequence")
            return {name: (seq,) for name, seq in cursor.fetchall()}
        positions = {}
        for model in apps.get_models(include_auto_created=True):
            for sequence in connection.introspection.get_sequences(cursor, model._meta.db_table):
                name = connection.ops.quote_name(sequence["name"])
                cursor.execute(f"SELECT last_value, is_called FROM {name}")
                positions[name] = cursor.fetchone()
        return positions


def _set_sequences(positions: dict[str, tuple]) -> None:
    with connection.cursor() as cursor:
        for name, (value, called) in positions.items():
            cursor.execute("SELECT setval(%s::regclass, %s, %s)", [name, value, called])


def _rows(since: datetime) -> dict[str, list[str]]:
    # Every table, every column, ids included; many-to-many links with their rows. A time the
    # load itself took from the clock (the history of a user's groups, and after a flush of a
    # role group's permissions, which loaddata's links write) is the same only in that.
    def seen(record: dict) -> str:
        fields = {name: "the load's time" if isinstance(value, datetime) and value >= since else value
                  for name, value in record["fields"].items()}
        return json.dumps({**record, "fields": fields}, sort_keys=True, cls=DjangoJSONEncoder)

    return {model._meta.label: sorted(map(seen, serializers.serialize("python", model._base_manager.all())))
            for model in apps.get_models()}


def _database_after(load: Callable[[], None]) -> tuple[dict, dict]:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # No rollback takes a sequence back: both loads start from the same place, so the
            # ids they draw are the same, and one past the seed's ids, as after earlier tests'
            # loads, so a load that did not reset them would leave them there. SQLite's
            # sequences are rolled back with the rows.
            _set_sequences(dict.fromkeys(_sequences(), (FAR_AHEAD, True)))
        since = timezone.now()
        load()
        state = _rows(since), _sequences()
        transaction.set_rollback(True)
    return state


def _same_as_loaddata(parts: list) -> None:
    before = _sequences()
    try:
        expected_rows, expected_sequences = _database_after(
            lambda: call_command("loaddata", *map(str, parts), verbosity=0))
        generation = data_generation()
        rows, sequences = _database_after(lambda: load_rows(parts))
    finally:
        if connection.vendor == "postgresql":
            _set_sequences(before)
    assert data_generation() != generation, "a load of public rows renews the data generation"
    assert sum(map(len, rows.values())) > 2000, "the seed was loaded"
    assert sequences == expected_sequences
    for label, records in expected_rows.items():
        assert rows[label] == records, label


@pytest.mark.django_db
def test_loads_what_loaddata_loads_over_the_migrated_rows(seed_rows):
    # As for `seeded`: the role groups and the publication lock of the migrations are there.
    _same_as_loaddata(_dumped(seed_rows))


@pytest.mark.django_db(transaction=True)
def test_loads_what_loaddata_loads_after_a_flush(seed_rows):
    # As for the live server's tests: every table emptied (as Django's TransactionTestCase does
    # it), content types and permissions made again with new ids, no role group nor publication
    # lock.
    parts = _dumped(seed_rows)
    call_command("flush", interactive=False, verbosity=0, reset_sequences=False)
    _same_as_loaddata(parts)
