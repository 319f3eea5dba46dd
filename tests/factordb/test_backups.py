"""Backup and restore: a dump restored into a fresh database holds every row, and every sealed
release's files byte for byte; a restore never overwrites a database by mistake."""

import hashlib

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from factordb.services.backups import BackupError, Target, backup, checksum_file, prune, restore

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL")


def conninfo(target: Target) -> str:
    parts = {"dbname": target.name, "host": target.host, "port": target.port, "user": target.user,
             "password": target.password}
    return " ".join(f"{key}={value}" for key, value in parts.items() if value)


def table_counts(target: Target) -> dict[str, int]:
    with psycopg.connect(conninfo(target)) as db:
        tables = [row[0] for row in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}


def release_digests(target: Target) -> dict[str, tuple[str, ...]]:
    """Per sealed release: the SHA-256 of its JSON, CSV and datapackage.json as stored bytes."""
    with psycopg.connect(conninfo(target)) as db:
        rows = db.execute(
            "SELECT r.name, c.json_bytes, c.csv_bytes, p.body FROM factordb_release r "
            "JOIN factordb_releasecontent c ON c.release_id = r.id "
            "JOIN factordb_releasepackage p ON p.release_id = r.id WHERE r.checksum_sha256 <> ''").fetchall()
    return {name: tuple(hashlib.sha256(bytes(part)).hexdigest() for part in parts) for name, *parts in rows}


@pytest.fixture
def fresh_database():
    """An empty database beside the test database, dropped afterwards."""
    fresh = Target.of().renamed(f"{connection.settings_dict['NAME']}_restore")
    with psycopg.connect(conninfo(Target.of().renamed("postgres")), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh.name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{fresh.name}"')
    yield fresh
    with psycopg.connect(conninfo(Target.of().renamed("postgres")), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh.name}" WITH (FORCE)')


@pytest.fixture
def seeded_and_committed(transactional_db, seed_rows):
    # pg_dump reads from its own connection: the rows must be committed, not in a test's transaction.
    seed_rows.load()


@on_postgresql
@pytest.mark.usefixtures("seeded_and_committed")
def test_a_restored_backup_holds_every_row_and_every_release_file_byte_for_byte(tmp_path, fresh_database):
    dump = backup(tmp_path)

    restore(dump, target=fresh_database)

    original = table_counts(Target.of())
    assert original["factordb_factor"] > 100
    assert table_counts(fresh_database) == original
    digests = release_digests(Target.of())
    assert digests, "the seed seals its first release"
    assert release_digests(fresh_database) == digests
    with psycopg.connect(conninfo(fresh_database)) as db:
        recorded = dict(db.execute("SELECT r.name, c.json_sha256 FROM factordb_release r "
                                   "JOIN factordb_releasecontent c ON c.release_id = r.id").fetchall())
    assert {name: parts[0] for name, parts in digests.items()} == recorded


@on_postgresql
@pytest.mark.usefixtures("seeded_and_committed")
def test_a_restore_into_a_database_that_holds_data_is_refused_and_changes_nothing(tmp_path):
    dump = backup(tmp_path)
    before = table_counts(Target.of())

    with pytest.raises(BackupError, match="不是空的"):
        restore(dump)

    assert table_counts(Target.of()) == before


@on_postgresql
@pytest.mark.django_db
def test_a_damaged_dump_is_refused_before_any_database_is_touched(tmp_path, fresh_database):
    dump = backup(tmp_path)
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    with pytest.raises(BackupError, match="SHA-256"):
        restore(dump, target=fresh_database)

    assert table_counts(fresh_database) == {}


@on_postgresql
@pytest.mark.django_db
def test_the_command_keeps_the_newest_dumps_only(tmp_path):
    for stamp in ("20260101T000000Z", "20260102T000000Z", "20260103T000000Z"):
        (old := tmp_path / f"factordb-{stamp}.dump").write_bytes(b"old")
        checksum_file(old).write_text("x  old\n")
    (tmp_path / "notes.txt").write_text("not a dump: never removed")

    call_command("backup", folder=tmp_path, keep=2)

    names = sorted(path.name for path in tmp_path.iterdir())
    assert "notes.txt" in names
    dumps = [name for name in names if name.endswith(".dump")]
    assert len(dumps) == 2
    assert "factordb-20260103T000000Z.dump" in dumps
    assert "factordb-20260101T000000Z.dump.sha256" not in names


def test_keeping_no_dump_at_all_is_refused(tmp_path):
    with pytest.raises(BackupError):
        prune(tmp_path, 0)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded database's answer")
def test_on_sqlite_the_commands_say_what_to_do_instead(tmp_path):
    with pytest.raises(CommandError, match=r"var/db\.sqlite3"):
        call_command("backup", folder=tmp_path)
    with pytest.raises(CommandError, match="Nothing was restored"):
        call_command("restore", str(tmp_path / "none.dump"))


@on_postgresql
@pytest.mark.django_db
def test_a_failed_dump_leaves_no_file_that_could_pass_for_a_backup(tmp_path):
    with pytest.raises(BackupError, match="pg_dump"):
        backup(tmp_path, target=Target.of().renamed("no_such_database_here"))

    assert list(tmp_path.iterdir()) == []


@on_postgresql
@pytest.mark.usefixtures("seeded_and_committed")
def test_replace_puts_the_dump_in_place_of_what_the_database_holds(tmp_path, fresh_database):
    dump = backup(tmp_path)
    restore(dump, target=fresh_database)
    with psycopg.connect(conninfo(fresh_database)) as db:  # a change made after the backup
        db.execute("UPDATE factordb_source SET title = 'changed after the backup' "
                   "WHERE id = (SELECT min(id) FROM factordb_source)")

    restore(dump, target=fresh_database, replace=True)

    assert table_counts(fresh_database) == table_counts(Target.of())
    with psycopg.connect(conninfo(fresh_database)) as db:
        changed = db.execute("SELECT count(*) FROM factordb_source WHERE title = 'changed after the backup'")
        assert changed.fetchone()[0] == 0
