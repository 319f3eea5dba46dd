"""The Open Emission Factors Database, imported through the same road as any file: every one
of its 6,181 rows is imported or reported with its reason; regions and units the registries
lack are reported, never invented."""

import csv
import io

import pytest

from factordb.models import FactorVersion, ImportStatus, Region, RowAction, Unit
from factordb.services import factor_imports
from factordb.services.imports import oefdb
from tests.permission_matrix import database_snapshot

from .conftest import previewed

pytestmark = pytest.mark.django_db
ROWS = 6_181


def test_every_row_is_planned_or_reported_and_the_file_as_a_whole_is_refused(seeded, editor):
    before = database_snapshot()
    preview = previewed(editor, oefdb.SNAPSHOT.read_bytes(), file_name="OpenEmissionFactorsDB.csv",
                        file_format="oefdb")
    assert preview.summary["rows"] == ROWS
    by_row = {}
    for entry in preview.report:
        by_row.setdefault(entry["row"], entry)
    assert sorted(by_row) == list(range(2, ROWS + 2))
    reported = [entry for entry in by_row.values() if entry["action"] == RowAction.ERROR]
    assert all(entry["issues"] and all(reason for _column, reason in entry["issues"]) for entry in reported)
    clean = [entry["row"] for entry in by_row.values() if entry["action"] == RowAction.CREATE]
    assert clean == [647, 648, 649, 715, 1136]
    # All or nothing: with reported rows the import cannot be confirmed, and nothing was written.
    assert preview.status == ImportStatus.REFUSED
    after = database_snapshot()
    assert {table for table in before if before[table] != after[table]} == {"factordb_factorimport"}


def test_missing_regions_and_units_are_summed_up_not_invented(seeded, editor):
    regions, units = Region.objects.count(), Unit.objects.count()
    preview = previewed(editor, oefdb.SNAPSHOT.read_bytes(), file_format="oefdb")
    unknown = preview.summary["unknown_codes"]
    assert unknown["region"]["GB"] > 1000
    assert "USD" in unknown["unit"]
    assert (Region.objects.count(), Unit.objects.count()) == (regions, units)


def test_the_importable_rows_import_as_drafts_of_the_oefdb_dataset(seeded, editor):
    with oefdb.SNAPSHOT.open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    # The header and the five rows that map and whose region and unit the registries know.
    chosen = [records[0]] + [records[number - 1] for number in (647, 648, 649, 715, 1136)]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(chosen)
    done = factor_imports.import_apply(_confirmed(editor, buffer.getvalue().encode()).pk)
    assert done.status == ImportStatus.IMPORTED, done.report
    versions = FactorVersion.objects.filter(imported_from__factor_import=done)
    assert versions.count() == 5
    assert {v.factor.dataset.code for v in versions} == {"OEFDB"}
    assert all(v.version_sources.get().source.code == oefdb.SOURCE for v in versions)


def _confirmed(editor, content):
    preview = previewed(editor, content, file_format="oefdb")
    assert preview.status == ImportStatus.PREVIEWED, preview.report
    return factor_imports.import_confirm(factor_import=preview, actor=editor, file_sha256=preview.file_sha256,
                                         previewed_at=preview.previewed_at)


def test_a_row_the_mapping_refused_is_not_reported_again_for_the_cells_it_left_blank(seeded, editor):
    preview = previewed(editor, oefdb.SNAPSHOT.read_bytes(), file_format="oefdb")
    first = next(entry for entry in preview.report if entry["row"] == 2)
    columns = [column for column, _reason in first["issues"]]
    assert "category" in columns or "lca_activity" in columns
    assert all("必填" not in reason for _column, reason in first["issues"])
