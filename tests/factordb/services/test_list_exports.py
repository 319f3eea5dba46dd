"""List exports: the import template's columns, exact decimals, nothing a spreadsheet would run,
and never a version the public cannot read."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from factordb.constants import FactorStatus
from factordb.models import FactorVersion, GasAmount, Source, VersionSource
from factordb.services import list_exports
from factordb.services.imports.cells import read_decimal, read_text
from factordb.services.imports.columns import BY_NAME, INFORMATIONAL, Kind, header_row
from factordb.services.list_exports import ExportFormat, ExportTooLarge, export_list, gas_order, xlsx_number
from tests.factories import (
    STATE_FACTORIES,
    DraftVersionFactory,
    GasFactory,
    PublishedVersionFactory,
    SourceFactory,
    SupersededVersionFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE_NAMES = ['=HYPERLINK("http://x")', "+1 (800) 555", "-minus sign first", "@SUM(A1:A9)"]


def published(*, gases: dict[str, str] | None = None, sources: tuple[tuple[str, str], ...] = (),
              **fields) -> FactorVersion:
    """A version written as a draft with exactly these gases and cited sources, then published."""
    version = DraftVersionFactory(**fields)
    version.gas_amounts.all().delete()
    for code, amount in (gases or {}).items():
        gas = GasFactory(code=code, formula=code)
        GasAmount.objects.create(version=version, gas=gas, amount=Decimal(amount))
    for code, locator in sources:
        source = Source.objects.filter(code=code).first() or SourceFactory(code=code)
        VersionSource.objects.create(version=version, source=source, locator=locator)
    version.status = FactorStatus.PUBLISHED
    version.published_at = version.created_at
    version.save()
    return version


def all_versions():
    return FactorVersion.objects.order_by("factor__public_id")


def csv_rows(exported) -> list[dict[str, str]]:
    body = exported.file.read()
    assert not body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def export_csv(versions=None, **kwargs) -> list[dict[str, str]]:
    return csv_rows(export_list(all_versions() if versions is None else versions, ExportFormat.CSV, **kwargs))


def export_json(versions=None, **kwargs) -> dict:
    exported = export_list(all_versions() if versions is None else versions, ExportFormat.JSON, **kwargs)
    return json.loads(exported.file.read().decode("utf-8"))


def workbook_sheet(versions=None):
    exported = export_list(all_versions() if versions is None else versions, ExportFormat.XLSX)
    return load_workbook(io.BytesIO(exported.file.read())).worksheets[0]


def export_sheet(versions=None) -> tuple[str, list[str], list[tuple]]:
    sheet = workbook_sheet(versions)
    rows = list(sheet.iter_rows(values_only=True))
    return sheet.title, list(rows[0]), rows[1:]


# --- The columns are the import template's -----------------------------------------------------


def test_the_header_is_the_templates_with_the_gases_and_sources_the_rows_need():
    published(co2e_total=Decimal("0.5"), gases={"CO2": "0.5", "N2O": "0.001", "SF6": "0.0001", "CH4": "0.01"},
              sources=(("mee-2023", "Table 1"), ("ipcc-2006", "Vol. 2"), ("gbt-24067", "")))
    published(gases={"CO2": "0.7"}, sources=(("mee-2023", "Table 2"),))

    header = list(export_csv()[0])

    assert header == header_row(gases=("CO2", "CH4", "N2O", "SF6"), sources=3, informational=True)
    assert header[1:4] == list(INFORMATIONAL)
    assert header[-6:] == ["source", "source_locator", "source_2", "source_2_locator",
                           "source_3", "source_3_locator"]


def test_every_column_of_the_template_is_read_from_the_database():
    # A column added to the template without a source here would be written empty, silently.
    assert list(list_exports._SOURCES_OF_FIXED_COLUMNS) == header_row(gases=(), sources=0, informational=True)


def test_gases_come_in_the_templates_order_then_by_code():
    assert gas_order({"SF6", "N2O", "CO2_BIO", "CO2", "CH4_FOSSIL"}) == (
        "CO2", "N2O", "CH4_FOSSIL", "CO2_BIO", "SF6")


def test_a_list_citing_no_source_still_has_the_templates_source_columns():
    PublishedVersionFactory()

    assert list(export_csv()[0])[-2:] == ["source", "source_locator"]


def test_an_empty_list_is_a_header_alone():
    DraftVersionFactory()

    exported = export_list(all_versions(), ExportFormat.CSV)

    assert exported.rows == 0
    assert exported.file.read().decode().splitlines() == [",".join(header_row(gases=(), informational=True))]


def test_each_cell_holds_the_code_or_the_exact_text_the_importer_reads():
    version = published(
        gases={"CO2": "0.53660000", "CH4": "0.0000000001"}, sources=(("mee-2023", "表 1"), ("ipcc-2006", "")),
        co2e_total=Decimal("0.53660000"), biogenic_co2=Decimal("0.00120000"),
        uncertainty_distribution="lognormal", uncertainty_low_pct=Decimal("5.50"),
        uncertainty_high_pct=Decimal("12.00"), uncertainty_gsd=Decimal("1.2000"),
        quality_note="官方公告", notes_zh="备注", notes_en="Notes, with a comma",
        valid_from="2022-01-01", valid_to="2023-01-01",
    )
    factor = version.factor

    (row,) = export_csv()

    assert row == {
        "public_id": factor.public_id, "version": str(version.version), "status": "published",
        "published_at": version.published_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "dataset": factor.dataset.code, "category": factor.category.code, "region": factor.region.code,
        "unit": factor.unit.code, "year": str(factor.year), "boundary": factor.boundary,
        "method": factor.method, "name_zh": factor.name_zh, "name_en": factor.name_en,
        "co2e_total": "0.5366", "gwp_set": "AR5", "gas_CO2": "0.5366", "gas_CH4": "0.0000000001",
        "biogenic_co2": "0.0012", "is_removal": "false", "uncertainty_distribution": "lognormal",
        "uncertainty_low_pct": "5.5", "uncertainty_high_pct": "12", "uncertainty_gsd": "1.2",
        "dq_reliability": "2", "dq_completeness": "2", "dq_temporal": "1", "dq_geographical": "1",
        "dq_technological": "2", "quality_note": "官方公告", "notes_zh": "备注",
        "notes_en": "Notes, with a comma", "valid_from": "2022-01-01", "valid_to": "2023-01-01",
        "source": "mee-2023", "source_locator": "表 1", "source_2": "ipcc-2006", "source_2_locator": "",
    }


def test_a_gas_a_version_does_not_state_is_an_empty_cell_not_zero():
    published(gases={"CO2": "0.5", "CH4": "0.1"})
    lone = published(gases={"CO2": "0.7"})

    row = next(r for r in export_csv() if r["public_id"] == lone.factor.public_id)

    assert row["gas_CH4"] == ""


def test_sources_are_written_in_the_order_they_were_cited():
    version = published(sources=(("zeta", "p. 1"), ("alpha", "p. 2")))

    (row,) = export_csv()

    assert (row["source"], row["source_2"]) == ("zeta", "alpha")
    assert version.version_sources.count() == 2


# --- Only the public record ---------------------------------------------------------------------


@pytest.mark.parametrize("status", [s for s in FactorStatus if s not in (
    FactorStatus.PUBLISHED, FactorStatus.SUPERSEDED, FactorStatus.WITHDRAWN)])
def test_a_version_the_public_cannot_read_is_never_written_whatever_the_caller_passes(status):
    hidden = STATE_FACTORIES[status](factor__name_en="Hidden")
    shown = PublishedVersionFactory()

    ids = [row["public_id"] for row in export_csv(FactorVersion.objects.all())]

    assert ids == [shown.factor.public_id]
    assert hidden.factor.public_id not in ids


def test_a_superseded_version_is_written_with_its_status_when_the_list_holds_it():
    superseded = SupersededVersionFactory()

    (row,) = export_csv(FactorVersion.objects.filter(pk=superseded.pk))

    assert row["status"] == "superseded"


# --- Formulas are neutralised, numbers are not ---------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_text_a_spreadsheet_would_run_gets_a_leading_apostrophe_in_csv(name):
    published(factor__name_en=name, factor__name_zh=name, notes_en=name)

    (row,) = export_csv()

    assert row["name_en"] == row["name_zh"] == row["notes_en"] == "'" + name
    assert read_text(row["name_en"]) == name  # what the importer gives back


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_text_a_spreadsheet_would_run_gets_a_leading_apostrophe_in_xlsx_and_is_no_formula(name):
    published(factor__name_en=name, quality_note=name)

    sheet = workbook_sheet()
    header, row = (list(values) for values in sheet.iter_rows(values_only=True))

    assert row[header.index("name_en")] == "'" + name
    assert row[header.index("quality_note")] == "'" + name
    assert [cell.coordinate for line in sheet.iter_rows() for cell in line if cell.data_type == "f"] == []


def test_a_removal_writes_its_negative_numbers_as_plain_numbers():
    published(is_removal=True, co2e_total=Decimal("-0.5"), gases={"CO2": "-0.5"},
              factor__name_en="-12.5")

    (row,) = export_csv()
    _title, header, (cells,) = export_sheet()

    assert (row["co2e_total"], row["gas_CO2"], row["is_removal"]) == ("-0.5", "-0.5", "true")
    assert row["name_en"] == "-12.5"  # a number, not a formula: nothing to neutralise
    assert cells[header.index("co2e_total")] == -0.5
    assert cells[header.index("gas_CO2")] == -0.5


def test_the_json_file_carries_texts_as_they_are():
    published(factor__name_en=HOSTILE_NAMES[0])

    (factor,) = export_json()["factors"]

    assert factor["name_en"] == HOSTILE_NAMES[0]


# --- Exact decimals ------------------------------------------------------------------------------

AWKWARD = {
    "co2e_total": "1234567.12345678",  # 15 digits: as many as a float (and SQLite) holds
    "biogenic_co2": "0.1",  # a float that is not 0.1, read back as 0.1
    "gas_CO2": "0.0000000001",  # an exponent in a float's repr, none in the text
    "gas_CH4": "0.30000001",
}
# More digits than a float holds: stored exactly by PostgreSQL (SQLite keeps a float).
PRECISE = {"co2e_total": "1234567890.12345678", "gas_CH4": "9876543210.9876543210"}
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="SQLite stores decimals as floats")


def awkward_version(values: dict[str, str] = AWKWARD) -> FactorVersion:
    values = AWKWARD | values
    return published(co2e_total=Decimal(values["co2e_total"]), biogenic_co2=Decimal(values["biogenic_co2"]),
                     gases={"CO2": values["gas_CO2"], "CH4": values["gas_CH4"]})


def test_json_decimals_are_exact_strings():
    awkward_version()

    document = export_json()
    (factor,) = document["factors"]

    assert {name: factor[name] for name in AWKWARD} == AWKWARD
    assert document["columns"] == list(factor)
    assert document["count"] == 1


def test_the_json_file_names_the_filters_it_was_asked_with():
    PublishedVersionFactory()

    assert export_json(filters={"region": "CN", "q": "全国"})["filters"] == {"region": "CN", "q": "全国"}


def test_xlsx_writes_numbers_that_read_back_as_the_same_decimals():
    awkward_version()

    title, header, (row,) = export_sheet()
    cells = dict(zip(header, row, strict=True))

    assert title == "factors"
    assert cells["co2e_total"] == 1234567.12345678
    assert cells["biogenic_co2"] == 0.1
    assert cells["gas_CO2"] == 1e-10
    for name, text in AWKWARD.items():
        assert read_decimal(cells[name]) == Decimal(text), name


@on_postgresql
def test_xlsx_writes_a_decimal_no_float_holds_as_its_exact_text():
    awkward_version(PRECISE)

    _title, header, (row,) = export_sheet()
    cells = dict(zip(header, row, strict=True))

    assert {name: cells[name] for name in PRECISE} == {
        "co2e_total": "1234567890.12345678", "gas_CH4": "9876543210.987654321"}
    for name, text in PRECISE.items():
        assert read_decimal(cells[name]) == Decimal(text), name


@on_postgresql
def test_json_and_csv_keep_every_digit_postgresql_stores():
    awkward_version(PRECISE)

    (factor,) = export_json()["factors"]
    (row,) = export_csv()

    assert factor["co2e_total"] == row["co2e_total"] == "1234567890.12345678"
    assert factor["gas_CH4"] == row["gas_CH4"] == "9876543210.987654321"


def test_xlsx_number_keeps_only_floats_that_read_back_exactly():
    assert xlsx_number("0.5366") == 0.5366
    assert xlsx_number("-0.5") == -0.5
    assert xlsx_number("12345678901234567") == "12345678901234567"
    assert xlsx_number("0.12345678901234567") == "0.12345678901234567"


def test_the_xlsx_gives_the_csvs_values():
    awkward_version(PRECISE if connection.vendor == "postgresql" else AWKWARD)
    published(factor__name_en=HOSTILE_NAMES[0], is_removal=True, co2e_total=Decimal("-1.25"),
              gases={"CO2": "-1.25", "N2O": "0.000301"}, sources=(("mee", "表 3"), ("ipcc", "")),
              uncertainty_gsd=Decimal("1.5"), valid_from="2022-01-01", notes_zh="第一行\n第二行")

    rows = export_csv()
    _title, header, sheet_rows = export_sheet()

    assert header == list(rows[0])
    for row, cells in zip(rows, sheet_rows, strict=True):
        for name, cell in zip(header, cells, strict=True):
            kind = Kind.DECIMAL if name.startswith("gas_") else getattr(BY_NAME.get(name), "kind", None)
            if kind is Kind.DECIMAL:
                assert read_decimal(cell) == read_decimal(row[name]), name
            else:
                assert ("" if cell is None else str(cell)) == row[name], name


# --- Formats, names, limits ----------------------------------------------------------------------


def test_only_the_csv_for_excel_starts_with_a_byte_order_mark():
    PublishedVersionFactory(factor__name_zh="全国电网")

    plain = export_list(all_versions(), ExportFormat.CSV).file.read()
    excel = export_list(all_versions(), ExportFormat.CSV_EXCEL).file.read()

    assert not plain.startswith(b"\xef\xbb\xbf")
    assert excel == b"\xef\xbb\xbf" + plain
    assert "全国电网" in plain.decode("utf-8")


@pytest.mark.parametrize(("file_format", "name", "content_type"), [
    (ExportFormat.CSV, "factordb-factors-2025-03-04.csv", "text/csv; charset=utf-8"),
    (ExportFormat.CSV_EXCEL, "factordb-factors-2025-03-04-excel.csv", "text/csv; charset=utf-8"),
    (ExportFormat.XLSX, "factordb-factors-2025-03-04.xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (ExportFormat.JSON, "factordb-factors-2025-03-04.json", "application/json; charset=utf-8"),
])
def test_each_file_is_named_for_its_day_and_format(file_format, name, content_type):
    assert list_exports.export_filename(file_format, dt.date(2025, 3, 4)) == name
    assert list_exports.CONTENT_TYPES[file_format] == content_type


def test_a_list_longer_than_the_limit_is_refused_not_cut(monkeypatch):
    PublishedVersionFactory.create_batch(3)
    monkeypatch.setattr(list_exports, "MAX_ROWS", 2)

    with pytest.raises(ExportTooLarge) as refused:
        export_list(all_versions(), ExportFormat.CSV)

    assert (refused.value.count, refused.value.limit) == (3, 2)


def test_a_list_as_long_as_the_limit_is_written_whole(monkeypatch):
    PublishedVersionFactory.create_batch(3)
    monkeypatch.setattr(list_exports, "MAX_ROWS", 3)

    assert len(export_csv()) == 3


@pytest.mark.parametrize("file_format", list(ExportFormat))
def test_the_queries_do_not_grow_with_the_rows_gases_or_sources(file_format):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            export_list(all_versions(), file_format)
        return len(captured)

    published(gases={"CO2": "1"}, sources=(("s-1", ""),))
    few = queries()
    for n in range(8):
        published(gases={"CO2": "1", "CH4": "0.1", f"GAS{n}": "0.01"},
                  sources=((f"s-{n}-a", ""), (f"s-{n}-b", "")))

    assert queries() == few


def test_rows_read_in_several_chunks_are_all_written_once(monkeypatch):
    monkeypatch.setattr(list_exports, "CHUNK_SIZE", 2)
    versions = [published(gases={"CO2": str(n)}, sources=((f"s{n}", ""),)) for n in range(5)]

    rows = export_csv()

    assert sorted(row["public_id"] for row in rows) == sorted(v.factor.public_id for v in versions)
    assert {row["public_id"]: row["gas_CO2"] for row in rows} == {
        v.factor.public_id: str(n) for n, v in enumerate(versions)}
