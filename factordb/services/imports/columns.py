"""The import template's columns: one format for CSV and XLSX, imports and list exports.

An export of a list is a valid import file of the same factors (export, then import, gives
zero changes), so both sides read their columns from here. docs/import-format.md describes
each column to its users; tests/factordb/imports/test_import_format_doc.py holds the two together.
"""

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"
    CODE = "code"  # a registry's code (dataset, category, region, GWP set, source, gas)
    UNIT = "unit"  # a unit's code, symbol or alias (factordb.unit_names)
    CHOICE = "choice"  # one of a model field's choices (boundary, method, distribution)
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    DATE = "date"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    # Where the column's value goes: a Factor field, a FactorVersion field, or a part.
    target: str = "version"


IDENTITY = (
    Column("dataset", Kind.CODE, required=True, target="factor"),
    Column("category", Kind.CODE, required=True, target="factor"),
    Column("region", Kind.CODE, required=True, target="factor"),
    Column("unit", Kind.UNIT, required=True, target="factor"),
    Column("year", Kind.INTEGER, required=True, target="factor"),
    Column("boundary", Kind.CHOICE, required=True, target="factor"),
    Column("method", Kind.CHOICE, required=True, target="factor"),
)

COLUMNS = (
    Column("public_id", Kind.CODE, target="factor"),
    *IDENTITY,
    Column("name_zh", Kind.TEXT, required=True, target="factor"),
    Column("name_en", Kind.TEXT, required=True, target="factor"),
    Column("co2e_total", Kind.DECIMAL),
    Column("gwp_set", Kind.CODE, required=True),
    Column("biogenic_co2", Kind.DECIMAL),
    Column("is_removal", Kind.BOOLEAN),
    Column("uncertainty_distribution", Kind.CHOICE),
    Column("uncertainty_low_pct", Kind.DECIMAL),
    Column("uncertainty_high_pct", Kind.DECIMAL),
    Column("uncertainty_gsd", Kind.DECIMAL),
    Column("dq_reliability", Kind.INTEGER, required=True),
    Column("dq_completeness", Kind.INTEGER, required=True),
    Column("dq_temporal", Kind.INTEGER, required=True),
    Column("dq_geographical", Kind.INTEGER, required=True),
    Column("dq_technological", Kind.INTEGER, required=True),
    Column("quality_note", Kind.TEXT),
    Column("notes_zh", Kind.TEXT),
    Column("notes_en", Kind.TEXT),
    Column("valid_from", Kind.DATE),
    Column("valid_to", Kind.DATE),
)
BY_NAME = {column.name: column for column in COLUMNS}

# One column per gas of the breakdown, named after the gas's code: gas_CO2, gas_CH4, …
# (kg of the gas per activity unit). Any gas of the registry may have its column.
GAS_PREFIX = "gas_"
# The gases of a blank template; a file may add any other gas's column.
TEMPLATE_GASES = ("CO2", "CH4", "N2O")

# Sources cited: source (a source's code) with source_locator, then source_2 with
# source_2_locator, and so on, as many as a version cites.
SOURCE_PREFIX = "source"
LOCATOR_SUFFIX = "_locator"
TEMPLATE_SOURCES = 1

# Written by exports for the reader's information; an import reads past them.
INFORMATIONAL = ("version", "status", "published_at")


def gas_column(gas_code: str) -> str:
    return f"{GAS_PREFIX}{gas_code}"


def source_columns(n: int) -> tuple[str, str]:
    """The n-th (from 1) cited source's code column and locator column."""
    name = SOURCE_PREFIX if n == 1 else f"{SOURCE_PREFIX}_{n}"
    return name, f"{name}{LOCATOR_SUFFIX}"


def source_number(header: str) -> int | None:
    """Which cited source a code column names (source → 1, source_2 → 2), or None."""
    if header == SOURCE_PREFIX:
        return 1
    prefix = f"{SOURCE_PREFIX}_"
    if header.startswith(prefix) and header[len(prefix):].isdigit() and int(header[len(prefix):]) >= 2:
        return int(header[len(prefix):])
    return None


def header_row(gases: tuple[str, ...] = TEMPLATE_GASES, sources: int = TEMPLATE_SOURCES,
               informational: bool = False) -> list[str]:
    """The columns of a file, in the template's order: fixed columns, gases, sources."""
    names = [column.name for column in COLUMNS]
    names[names.index("biogenic_co2"):names.index("biogenic_co2")] = [gas_column(g) for g in gases]
    for n in range(1, sources + 1):
        names.extend(source_columns(n))
    if informational:
        names[1:1] = INFORMATIONAL
    return names
