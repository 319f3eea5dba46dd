"""The blank import template: exactly the import's header row, and the codes it may use."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from factordb.constants import LifecycleBoundary, Methodology, UncertaintyDistribution
from factordb.models import UnitAlias
from factordb.services.imports import columns, template
from tests.factories import (
    CategoryFactory,
    DatasetFactory,
    GasFactory,
    GwpSetFactory,
    RegionFactory,
    SourceFactory,
    UnitFactory,
)

BOM = b"\xef\xbb\xbf"


def workbook():
    return load_workbook(io.BytesIO(template.template_xlsx()))


def codes_sheet_rows(book) -> list[tuple]:
    return [tuple("" if value is None else value for value in row)
            for row in book[template.CODES_SHEET].iter_rows(min_row=2, values_only=True)]


# --- CSV --------------------------------------------------------------------------------------


def test_the_csv_template_is_the_header_row_after_a_bom_and_nothing_else():
    data = template.template_csv()

    assert data.startswith(BOM)
    assert list(csv.reader(io.StringIO(data[len(BOM):].decode("utf-8")))) == [columns.header_row()]
    assert data == BOM + ",".join(columns.header_row()).encode() + b"\r\n"


def test_the_csv_template_without_a_bom_is_the_same_header_row():
    assert template.template_csv(bom=False) == template.template_csv()[len(BOM):]


# --- XLSX: the sheet the import reads -----------------------------------------------------------


@pytest.mark.django_db
def test_the_first_sheet_is_factors_with_the_header_row_and_no_data():
    book = workbook()
    factors = book.worksheets[0]

    assert factors.title == "factors"
    assert list(factors.iter_rows(values_only=True)) == [tuple(columns.header_row())]


@pytest.mark.django_db
def test_the_header_is_bold_and_frozen_and_the_required_columns_are_marked():
    factors = workbook()["factors"]
    header = factors[1]
    shaded = {cell.value for cell in header if cell.fill.fgColor.rgb == header[1].fill.fgColor.rgb}

    assert all(cell.font.bold for cell in header)
    assert factors.freeze_panes == "A2"
    assert header[1].value == "dataset"  # required: its shade is the required columns' one
    assert shaded == {column.name for column in columns.COLUMNS if column.required}


@pytest.mark.django_db
@pytest.mark.parametrize(("column", "choices"), [
    ("boundary", LifecycleBoundary),
    ("method", Methodology),
    ("uncertainty_distribution", UncertaintyDistribution),
])
def test_a_choice_column_offers_exactly_its_choices_as_a_drop_down(column, choices):
    book = workbook()
    factors = book["factors"]
    letter = factors.cell(row=1, column=columns.header_row().index(column) + 1).column_letter
    validation = next(rule for rule in factors.data_validations.dataValidation
                      if str(rule.sqref).startswith(f"{letter}2:"))
    sheet, first, last = re.fullmatch(r"'(.+)'!\$B\$(\d+):\$B\$(\d+)", validation.formula1).groups()
    offered = [book[sheet].cell(row=n, column=2).value or "" for n in range(int(first), int(last) + 1)]

    assert offered == list(choices.values)


# --- XLSX: the codes and the notes ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_codes_sheet_lists_the_codes_in_the_database_at_download():
    DatasetFactory(code="MEE-GRID")
    CategoryFactory(code="energy.electricity.grid_average", name_zh="电力平均二氧化碳排放因子")
    RegionFactory(code="CN-GRID-E", name_zh="华东区域电网", kind="grid")
    GwpSetFactory(code="AR5", source=SourceFactory(code="ipcc-ar5-wg1"))
    SourceFactory(code="mee-electricity-2022")
    GasFactory(code="N2O", formula="N2O", name_zh="氧化亚氮", name_en="Nitrous oxide")

    listed = {(row[0], row[1]) for row in codes_sheet_rows(workbook())}

    assert {("dataset", "MEE-GRID"), ("category", "energy.electricity.grid_average"), ("region", "CN-GRID-E"),
            ("gwp_set", "AR5"), ("source", "mee-electricity-2022"), ("source", "ipcc-ar5-wg1"),
            ("gas_N2O", "N2O"), ("gas_CO2", "CO2")} <= listed


@pytest.mark.django_db
def test_a_code_added_after_one_download_is_in_the_next():
    before = {row[1] for row in codes_sheet_rows(workbook())}
    RegionFactory(code="CN-GD", name_zh="广东", kind="province")

    assert "CN-GD" not in before
    assert "CN-GD" in {row[1] for row in codes_sheet_rows(workbook())}


@pytest.mark.django_db
def test_a_unit_is_listed_with_its_aliases():
    kwh = UnitFactory(code="kWh")
    UnitAlias.objects.create(unit=kwh, alias="千瓦时")
    UnitAlias.objects.create(unit=kwh, alias="度")

    (unit_row,) = [row for row in codes_sheet_rows(workbook()) if row[:2] == ("unit", "kWh")]

    assert "千瓦时" in unit_row[4]
    assert "度" in unit_row[4]


@pytest.mark.django_db
def test_every_fixed_choice_is_listed_with_both_labels():
    rows = codes_sheet_rows(workbook())
    for column, choices in template.CHOICES.items():
        listed = [row for row in rows if row[0] == column]

        assert [row[1] for row in listed] == list(choices.values)
        assert all(row[2] and row[3] for row in listed)
    assert ("boundary", "combustion", "燃烧排放", "Combustion emissions") in {row[:4] for row in rows}


@pytest.mark.django_db
def test_an_empty_database_still_gives_a_template_with_its_choice_lists():
    book = workbook()

    assert book.sheetnames == ["factors", template.CODES_SHEET, template.NOTES_SHEET]
    assert {row[0] for row in codes_sheet_rows(book)} == set(template.CHOICES)


@pytest.mark.django_db
def test_the_notes_point_at_the_format_document():
    notes = " ".join(str(value) for row in workbook()[template.NOTES_SHEET].iter_rows(values_only=True)
                     for value in row if value)

    assert "docs/import-format.md" in notes
