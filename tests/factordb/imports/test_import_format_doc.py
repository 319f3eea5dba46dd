"""docs/import-format.md describes the format the code reads, and its worked example imports.

The format lives in factordb/services/imports/columns.py and cells.py; the page is what its
users read. These tests hold the two together: every column with its kind and whether it is
required, every fixed choice, the limits written in one place, and an example whose codes,
units and totals the seeded_class database accepts as new factors.
"""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from factordb import consistency, gwp
from factordb.constants import LifecycleBoundary, Methodology, UncertaintyDistribution
from factordb.models import Category, Dataset, Factor, Gas, GwpSet, Region, Source
from factordb.services.imports import cells, columns
from factordb.unit_names import unit_named

DOC = Path(settings.BASE_DIR) / "docs" / "import-format.md"
TEXT = DOC.read_text(encoding="utf-8")

# The patterns the page writes for the columns a file may repeat.
GAS_PATTERN = columns.gas_column("<CODE>")
SOURCE_PATTERN = f"{columns.SOURCE_PREFIX}_<n>"
LOCATOR_PATTERN = f"{SOURCE_PATTERN}{columns.LOCATOR_SUFFIX}"
PATTERNS = (GAS_PATTERN, SOURCE_PATTERN, LOCATOR_PATTERN)
READERS = {
    columns.Kind.DECIMAL: cells.read_decimal, columns.Kind.INTEGER: cells.read_integer,
    columns.Kind.BOOLEAN: cells.read_boolean, columns.Kind.DATE: cells.read_date,
}


def section(heading: str) -> str:
    """The text under the heading that starts with `heading`, up to the next heading of its level or above."""
    match = re.search(rf"^(#+) {re.escape(heading)}.*$", TEXT, flags=re.MULTILINE)
    assert match, f"no heading {heading!r} in {DOC.name}"
    level = len(match.group(1))
    following = re.compile(rf"^#{{1,{level}}} ", flags=re.MULTILINE).search(TEXT, match.end())
    return TEXT[match.end():following.start() if following else len(TEXT)]


def table_rows(text: str) -> list[list[str]]:
    """The body rows of the markdown tables in `text` (each table's header and rule left out)."""
    rows, table = [], []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            table.append([cell.strip() for cell in line.strip().strip("|").split("|")])
            continue
        rows.extend(table[2:])
        table = []
    return rows


def code_cell(cell: str) -> str | None:
    match = re.fullmatch(r"`([^`]+)`", cell)
    return match.group(1) if match else None


def column_table() -> dict[str, tuple[str, str]]:
    """{column name: (required cell, kind cell)} of the page's column table."""
    return {code_cell(row[0]): (row[2], row[3]) for row in table_rows(section("2.1"))}


def kind_of(name: str) -> tuple[columns.Kind, bool]:
    """The kind and required flag the code gives a column a file may have."""
    if name in columns.BY_NAME:
        return columns.BY_NAME[name].kind, columns.BY_NAME[name].required
    if name.startswith(columns.GAS_PREFIX):
        return columns.Kind.DECIMAL, False
    code_name = name.removesuffix(columns.LOCATOR_SUFFIX)
    if columns.source_number(code_name) is not None or code_name == SOURCE_PATTERN:
        return (columns.Kind.CODE if code_name == name else columns.Kind.TEXT), False
    raise KeyError(name)


# --- Every column, as the code has it ------------------------------------------------------


def test_every_column_of_the_template_has_a_row_in_the_column_table():
    documented = column_table()

    missing = [name for name in columns.header_row() if name not in documented]

    assert missing == []


def test_the_repeatable_gas_and_source_columns_are_described_by_their_patterns():
    documented = column_table()

    assert set(PATTERNS) <= documented.keys()
    # The pattern of the second source is the one the code reads.
    assert columns.source_columns(2) == ("source_2", "source_2_locator")
    assert "`source_2`" in section("2.1")
    assert "`source_2_locator`" in section("2.1")


@pytest.mark.parametrize("name", sorted({*columns.header_row(), *PATTERNS}))
def test_the_table_gives_each_column_the_kind_and_required_flag_of_the_code(name):
    kind, required = kind_of(name)
    required_cell, kind_cell = column_table()[name]

    assert kind_cell == kind.value
    assert required_cell.startswith("yes") if required else required_cell == "—"


def test_the_table_lists_no_column_the_code_does_not_know():
    unknown = []
    for name in column_table():
        try:
            kind_of(name)
        except KeyError:
            unknown.append(name)

    assert unknown == []


def test_the_columns_exports_add_and_imports_read_past_are_listed_apart():
    listed = {code_cell(row[0]) for row in table_rows(section("2.2"))}

    assert listed == set(columns.INFORMATIONAL)


# --- The fixed choice lists -----------------------------------------------------------------


@pytest.mark.parametrize(("heading", "choices"), [
    ("4.1", LifecycleBoundary), ("4.2", Methodology), ("4.3", UncertaintyDistribution),
])
def test_each_choice_list_is_documented_value_for_value(heading, choices):
    rows = table_rows(section(heading))
    listed = {code_cell(row[0]) if code_cell(row[0]) is not None else "" for row in rows}

    assert listed == set(choices.values)
    assert len(rows) == len(choices.values)


def test_the_blank_distribution_is_written_as_blank():
    blank = [row for row in table_rows(section("4.3")) if code_cell(row[0]) is None]

    assert [row[0] for row in blank] == ["(blank 留空)"]


# --- Limits, in one place -------------------------------------------------------------------


def test_each_limit_is_written_once_in_the_whole_page():
    limits = [row[1].strip("*") for row in table_rows(section("10."))]

    assert len(limits) == 2
    for value in limits:
        assert TEXT.count(value) == 1, f"{value} is written in more than one place"


# --- The worked example ---------------------------------------------------------------------


def example() -> list[dict[str, str]]:
    blocks = re.findall(r"^```csv\n(.*?)^```", TEXT, flags=re.MULTILINE | re.DOTALL)
    assert len(blocks) == 1, "the page has exactly one csv example"
    rows = list(csv.reader(io.StringIO(blocks[0])))
    header, body = rows[0], rows[1:]
    assert len(header) == len(set(header)), "a column twice in the header"
    assert all(len(row) == len(header) for row in body), "a row with more or fewer cells than the header"
    return [dict(zip(header, row, strict=True)) for row in body]


def gases(row: dict[str, str]) -> dict[str, Decimal]:
    return {name.removeprefix(columns.GAS_PREFIX): cells.read_decimal(value)
            for name, value in row.items() if name.startswith(columns.GAS_PREFIX) and value}


def cited(row: dict[str, str]) -> list[str]:
    return [value for name, value in row.items() if columns.source_number(name) is not None and value]


def test_the_example_has_three_or_four_rows_and_every_required_column():
    rows = example()
    header = rows[0].keys()

    assert 3 <= len(rows) <= 4
    assert {column.name for column in columns.COLUMNS if column.required} <= header


def test_the_example_header_is_made_of_known_columns_only():
    for name in example()[0]:
        kind_of(name)  # KeyError names a column the import would not know


def test_every_cell_of_the_example_reads_as_its_column_kind():
    for row in example():
        for name, value in row.items():
            kind, _ = kind_of(name)
            if kind in READERS:
                READERS[kind](value)  # CellError says which cell
            elif kind in (columns.Kind.TEXT, columns.Kind.CODE, columns.Kind.UNIT):
                cells.read_text(value)


def test_the_example_uses_only_listed_choices():
    for row in example():
        assert row["boundary"] in LifecycleBoundary.values
        assert row["method"] in Methodology.values
        assert row.get("uncertainty_distribution", "") in UncertaintyDistribution.values


def test_the_error_reasons_shown_in_the_page_are_those_the_code_gives():
    rows = table_rows(section("9."))
    reasons = {(row[0], code_cell(row[1])): row[2] for row in rows}

    with pytest.raises(cells.CellError) as comma:
        cells.read_decimal("2,34")

    assert reasons[("4", "co2e_total")] == str(comma.value)


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_class")
class TestTheExampleOnTheSeededDatabase:
    """What §12 says of its file on a database loaded with the national seed."""

    def test_every_code_names_a_record_of_the_seed(self):
        for row in example():
            assert Dataset.objects.filter(code=row["dataset"]).exists(), row["dataset"]
            assert Category.objects.filter(code=row["category"]).exists(), row["category"]
            assert Region.objects.filter(code=row["region"]).exists(), row["region"]
            assert GwpSet.objects.filter(code=row["gwp_set"]).exists(), row["gwp_set"]
            for code in gases(row):
                assert Gas.objects.filter(code=code).exists(), code
            assert cited(row), "each example row cites a source"
            for code in cited(row):
                assert Source.objects.filter(code=code).exists(), code

    def test_every_row_is_a_valid_new_factor(self):
        for row in example():
            factor = Factor(
                dataset=Dataset.objects.get(code=row["dataset"]),
                category=Category.objects.get(code=row["category"]),
                region=Region.objects.get(code=row["region"]), unit=unit_named(row["unit"]),
                year=cells.read_integer(row["year"]), boundary=row["boundary"], method=row["method"],
                name_zh=row["name_zh"], name_en=row["name_en"],
            )
            # Also the identity's uniqueness: no seeded_class factor has it, so the row is new.
            factor.full_clean()

    def test_every_stated_total_agrees_with_its_breakdown(self):
        for row in example():
            if row["co2e_total"] and gases(row):
                consistency.check_co2e_total(co2e_total=cells.read_decimal(row["co2e_total"]),
                                             gas_amounts=gases(row),
                                             gwp_set=GwpSet.objects.get(code=row["gwp_set"]))

    def test_the_preview_shows_the_total_each_row_gets(self):
        preview = {row[0]: row[3] for row in table_rows(section("12."))}
        for number, row in enumerate(example(), start=2):
            values = gwp.gwp_values(GwpSet.objects.get(code=row["gwp_set"]))
            total = cells.read_decimal(row["co2e_total"]) or gwp.co2e_from_breakdown(gases(row), values)

            assert preview[str(number)].startswith(f"{total.normalize():f} kg CO2e/")

    def test_the_disagreeing_total_of_the_error_example_is_refused_with_the_reason_shown(self):
        reasons = {(row[0], code_cell(row[1])): row[2] for row in table_rows(section("9."))}
        diesel = example()[1]

        with pytest.raises(ValidationError) as refused:
            consistency.check_co2e_total(co2e_total=Decimal("74.5"), gas_amounts=gases(diesel),
                                         gwp_set=GwpSet.objects.get(code=diesel["gwp_set"]))

        assert refused.value.message_dict["co2e_total"] == [reasons[("3", "co2e_total")]]
