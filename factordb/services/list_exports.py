"""Any filtered list of public factor versions as a file: CSV, CSV for Excel, XLSX or JSON.

A list export is an import file of the same factors: its columns are the import template's
(factordb/services/imports/columns.py), in its order, with the informational columns
(version, status, published_at) that an import reads past. So an export, imported again,
changes nothing, and every number is exact:

- decimals are written as plain text without exponent or padding (`decimal_text`); in XLSX as
  a number only when the float reads back as the very same decimal, else as text;
- booleans `true`/`false`, dates `YYYY-MM-DD`, the unit by its code, reference data by code,
  a cited source by its `code` and locator (`source`, `source_locator`, `source_2`, …, as many
  pairs as the most-cited version needs, at least one);
- one `gas_<code>` column per gas that any exported version states, the template's gases
  (CO2, CH4, N2O) first, then the registry's order (by code);
- in CSV and XLSX every text that a spreadsheet would run as a formula (=, +, -, @ first) gets
  the leading apostrophe the importer drops (`neutralise`); a plain number such as -0.5 is no
  formula and stays as it is. JSON is no spreadsheet and carries the texts as they are.

The CSV is offered twice: plain UTF-8, and for Excel, the same bytes after a UTF-8 byte order
mark (without one, Excel reads UTF-8 as the legacy code page and garbles the Chinese). The
JSON is one object: `columns` (the header), `filters` (what the list was asked for), `count`
and `factors`, one object per row with the columns as keys, decimals as strings, absent
values null.

Only frozen versions are ever written (published, or superseded/withdrawn where the list asks
for a past moment): the caller's list comes from `visible_versions()`, and the export narrows
it to the public record again, so no draft can leak whatever the caller passes. A list longer
than MAX_ROWS is refused whole (`ExportTooLarge`), never cut short.

Cost: one COUNT, then one statement for the versions' values (no model instances), read in
chunks of CHUNK_SIZE with two queries per chunk for their gases and sources, whatever the
filters. The versions come from
that one statement and the gases and sources of a frozen version never change, so the file is
one consistent moment without holding a transaction open. The rows pass once through a
temporary spool (to learn which gas and source columns the header needs) and the file is
written to a temporary file that spills to disk, so memory stays bounded for any list.
"""

import csv
import hashlib
import io
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from itertools import islice
from tempfile import SpooledTemporaryFile
from typing import IO

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from factordb.constants import FROZEN_STATUSES
from factordb.models import FactorVersion, GasAmount, VersionSource
from factordb.representation import decimal_text, moment_text
from factordb.services.imports.cells import neutralise
from factordb.services.imports.columns import (
    BY_NAME,
    GAS_PREFIX,
    TEMPLATE_GASES,
    TEMPLATE_SOURCES,
    Kind,
    gas_column,
    header_row,
    source_columns,
)

# The largest list one file holds. A longer list is refused with the count, so that a file
# never silently lacks factors; a whole edition is the release downloads' business. Bounded by
# the XLSX, which openpyxl writes in pure Python, about ten times slower than CSV and JSON
# (bench/RESULTS.md), and a web worker is held meanwhile.
MAX_ROWS = 20_000
CHUNK_SIZE = 2_000
SHEET_NAME = "factors"
# Kept in memory up to this size, then on disk.
SPOOL_BYTES = 8 * 1024 * 1024
UTF8_BOM = b"\xef\xbb\xbf"


class ExportFormat(StrEnum):
    CSV = "csv"
    CSV_EXCEL = "csv-excel"
    XLSX = "xlsx"
    JSON = "json"


CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.CSV_EXCEL: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.JSON: "application/json; charset=utf-8",
}


class ExportTooLarge(ValueError):
    """The list holds more factors than one file may; nothing was written."""

    def __init__(self, count: int) -> None:
        super().__init__(f"{count} > {MAX_ROWS}")
        self.count = count
        self.limit = MAX_ROWS


@dataclass(frozen=True)
class ExportedFile:
    """A written export, its read position at the start, with the name to offer it under and
    the SHA-256 of its bytes (the answer's ETag: a streamed file gets none from the middleware)."""

    file: IO[bytes]
    filename: str
    content_type: str
    rows: int
    sha256: str

    @property
    def etag(self) -> str:
        return f'"{self.sha256}"'


# Where each column every file has is read from: the version's own fields and its identity's
# codes, in one statement of plain values (building model instances cost four times as much).
_SOURCES_OF_FIXED_COLUMNS = {
    "public_id": "factor__public_id", "version": "version", "status": "status",
    "published_at": "published_at", "dataset": "factor__dataset__code", "category": "factor__category__code",
    "region": "factor__region__code", "unit": "factor__unit__code", "year": "factor__year",
    "boundary": "factor__boundary", "method": "factor__method", "name_zh": "factor__name_zh",
    "name_en": "factor__name_en", "co2e_total": "co2e_total", "gwp_set": "gwp_set__code",
    "biogenic_co2": "biogenic_co2", "is_removal": "is_removal",
    "uncertainty_distribution": "uncertainty_distribution", "uncertainty_low_pct": "uncertainty_low_pct",
    "uncertainty_high_pct": "uncertainty_high_pct", "uncertainty_gsd": "uncertainty_gsd",
    "dq_reliability": "dq_reliability", "dq_completeness": "dq_completeness", "dq_temporal": "dq_temporal",
    "dq_geographical": "dq_geographical", "dq_technological": "dq_technological",
    "quality_note": "quality_note", "notes_zh": "notes_zh", "notes_en": "notes_en",
    "valid_from": "valid_from", "valid_to": "valid_to",
}
_FIXED_COLUMNS = tuple(_SOURCES_OF_FIXED_COLUMNS)


def json_value(value: object) -> object:
    """A stored value as the JSON value a file is written from: a decimal as its exact text,
    a time in UTC ending in Z and a day in ISO 8601 (factordb.representation); whole numbers,
    booleans, texts and None as they are."""
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, date):  # a datetime too
        return moment_text(value)
    return value


def public_record(versions: QuerySet[FactorVersion]) -> QuerySet[FactorVersion]:
    """The versions of `versions` that are public record (published, superseded, withdrawn),
    in its order."""
    return versions.filter(status__in=FROZEN_STATUSES)


@dataclass
class _Spool:
    """The rows read from the database, kept as JSON lines until the header is known."""

    lines: IO[str]
    rows: int = 0
    gases: set[str] = field(default_factory=set)
    sources: int = 0

    def records(self) -> Iterator[tuple[list, dict, list]]:
        self.lines.seek(0)
        for line in self.lines:
            yield json.loads(line)


def _parts(version_ids: list[int]) -> tuple[dict[int, dict[str, str]], dict[int, list[tuple[str, str]]]]:
    """The gas amounts and cited sources (in the order cited) of a chunk of versions: two queries."""
    gases: dict[int, dict[str, str]] = defaultdict(dict)
    for version_id, gas, amount in (GasAmount.objects.filter(version_id__in=version_ids)
                                    .values_list("version_id", "gas__code", "amount")):
        gases[version_id][gas] = decimal_text(amount)
    cited: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for version_id, source, locator in (VersionSource.objects.filter(version_id__in=version_ids)
                                        .order_by("pk").values_list("version_id", "source__code", "locator")):
        cited[version_id].append((source, locator))
    return gases, cited


def _read(versions: QuerySet[FactorVersion], lines: IO[str]) -> _Spool:
    spool = _Spool(lines=lines)
    rows = versions.values_list("pk", *_SOURCES_OF_FIXED_COLUMNS.values()).iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        gases, cited = _parts([row[0] for row in chunk])
        for version_id, *values in chunk:
            record = ([json_value(value) for value in values], gases[version_id], cited[version_id])
            spool.lines.write(json.dumps(record, ensure_ascii=False) + "\n")
            spool.rows += 1
            spool.gases.update(gases[version_id])
            spool.sources = max(spool.sources, len(cited[version_id]))
    return spool


def gas_order(codes: set[str]) -> tuple[str, ...]:
    """The template's gases first, in its order, then the others by code (the registry's order)."""
    first = [code for code in TEMPLATE_GASES if code in codes]
    return (*first, *sorted(codes - set(first)))


def _header(spool: _Spool) -> list[str]:
    return header_row(gases=gas_order(spool.gases), sources=max(TEMPLATE_SOURCES, spool.sources),
                      informational=True)


def _rows(spool: _Spool, header: list[str]) -> Iterator[list[object]]:
    """Each row as a list of JSON values in the header's order."""
    for fixed, gases, cited in spool.records():
        values = dict(zip(_FIXED_COLUMNS, fixed, strict=True))
        values.update({gas_column(code): amount for code, amount in gases.items()})
        for n, (code, locator) in enumerate(cited, start=1):
            code_column, locator_column = source_columns(n)
            values[code_column], values[locator_column] = code, locator
        yield [values.get(name) for name in header]


def _kind(name: str) -> Kind | None:
    if name.startswith(GAS_PREFIX):
        return Kind.DECIMAL
    column = BY_NAME.get(name)
    return column.kind if column else None


# --- The formats -----------------------------------------------------------------------------


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(str(value))


def _write_csv(spool: _Spool, header: list[str], out: IO[bytes], *, bom: bool) -> None:
    if bom:
        out.write(UTF8_BOM)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for n, row in enumerate(_rows(spool, header), start=1):
        writer.writerow([_csv_text(value) for value in row])
        if n % CHUNK_SIZE == 0:
            out.write(buffer.getvalue().encode())
            buffer.seek(0)
            buffer.truncate()
    out.write(buffer.getvalue().encode())


def xlsx_number(text: str) -> float | str:
    """A decimal for a spreadsheet cell: a number if the float is exactly this decimal again
    when read back (as the importer reads a number cell), else the exact text."""
    number = float(text)
    return number if Decimal(repr(number)) == Decimal(text) else text


def _xlsx_cell(value: object, kind: Kind | None) -> object:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return value
    if kind is Kind.DECIMAL:
        return xlsx_number(value)
    # A character XML 1.0 cannot hold (a control character) cannot be written to a sheet at all.
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def _write_xlsx(spool: _Spool, header: list[str], out: IO[bytes]) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_NAME)
    sheet.append(header)
    kinds = [_kind(name) for name in header]
    for row in _rows(spool, header):
        sheet.append([_xlsx_cell(value, kind) for value, kind in zip(row, kinds, strict=True)])
    workbook.save(out)


def _write_json(spool: _Spool, header: list[str], out: IO[bytes], filters: dict[str, str]) -> None:
    def dumped(value: object) -> bytes:
        return json.dumps(value, ensure_ascii=False).encode()

    out.write(b'{"columns": ' + dumped(header) + b', "filters": ' + dumped(filters)
              + b', "count": ' + dumped(spool.rows) + b', "factors": [')
    for n, row in enumerate(_rows(spool, header)):
        out.write((b",\n" if n else b"\n") + dumped(dict(zip(header, row, strict=True))))
    out.write(b"\n]}\n")


def export_filename(file_format: ExportFormat, day: date) -> str:
    suffix = "-excel.csv" if file_format is ExportFormat.CSV_EXCEL else f".{file_format.value}"
    return f"factordb-factors-{day.isoformat()}{suffix}"


def export_list(versions: QuerySet[FactorVersion], file_format: ExportFormat, *,
                filters: dict[str, str] | None = None) -> ExportedFile:
    """The public versions of `versions`, in its order, written as `file_format`.

    `filters` (what the list was asked for) goes into the JSON file. Raises ExportTooLarge,
    having written nothing, when the list holds more than MAX_ROWS versions."""
    file_format = ExportFormat(file_format)
    versions = public_record(versions)
    count = versions.count()
    if count > MAX_ROWS:
        raise ExportTooLarge(count)
    with SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+", encoding="utf-8") as lines:
        spool = _read(versions, lines)
        header = _header(spool)
        # Not closed here: the response streams it and closes it.
        out = SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
        try:
            if file_format is ExportFormat.XLSX:
                _write_xlsx(spool, header, out)
            elif file_format is ExportFormat.JSON:
                _write_json(spool, header, out, filters or {})
            else:
                _write_csv(spool, header, out, bom=file_format is ExportFormat.CSV_EXCEL)
        except BaseException:
            out.close()
            raise
    out.seek(0)
    digest = hashlib.sha256()
    while block := out.read(1 << 16):
        digest.update(block)
    out.seek(0)
    return ExportedFile(file=out, filename=export_filename(file_format, timezone.localdate()),
                        content_type=CONTENT_TYPES[file_format], rows=spool.rows, sha256=digest.hexdigest())
