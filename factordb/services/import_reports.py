"""An import's report, as the admin page, its CSV download and `importfactors` read it.

The preview stores one entry per row with something to say (factor_imports._report). Here it
becomes lines: one per issue (column, reason) and one per changed field of a revision
(column, published, new); a row with nothing more to say (a new factor, an unchanged one)
gets one line of its own. The CSV is UTF-8 with a BOM, so that Excel opens the Chinese text
as it is, and every cell is neutralised: the report echoes the file's own cells back to a
spreadsheet, and a cell that ran as a formula there would run again.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass

from factordb.models import FactorImport, ImportedVersion, ImportStatus, RowAction
from factordb.services.imports.cells import neutralise

CSV_HEADER = ("row", "action", "public_id", "column", "reason", "published", "new")


@dataclass(frozen=True)
class IssueLine:
    row: int
    column: str
    reason: str


def issue_lines(factor_import: FactorImport) -> Iterator[IssueLine]:
    """Every issue of the preview, the file's own (row 0, or 1 for the header) first."""
    for entry in factor_import.report:
        for column, reason in entry.get("issues", []):
            yield IssueLine(entry["row"], column, reason)


def created_public_ids(factor_import: FactorImport) -> dict[int, str]:
    """File row → public id of the factor it created; known once the import is written."""
    if factor_import.status != ImportStatus.IMPORTED:
        return {}
    return dict(ImportedVersion.objects.filter(factor_import=factor_import, action=RowAction.CREATE)
                .values_list("row", "version__factor__public_id"))


def report_lines(factor_import: FactorImport) -> Iterator[list[str]]:
    """The report's lines in CSV_HEADER's order, every cell neutralised."""
    created = created_public_ids(factor_import)
    for entry in factor_import.report:
        public_id = entry.get("public_id") or created.get(entry["row"], "")
        start = [str(entry["row"]), entry["action"], public_id]
        details = [[column, reason, "", ""] for column, reason in entry.get("issues", [])]
        details += [[column, "", published, new] for column, published, new in entry.get("diff", [])]
        for detail in details or [["", "", "", ""]]:
            yield [neutralise(str(cell)) for cell in start + detail]


class _Line:
    """A file-like object that hands back what the CSV writer writes, one line at a time."""

    def write(self, text: str) -> str:
        return text


def report_csv(factor_import: FactorImport) -> Iterator[str]:
    """The report as CSV text, in pieces (a report may hold 100,000 rows' lines), BOM first."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(CSV_HEADER)
    for line in report_lines(factor_import):
        yield writer.writerow(line)


def report_file_name(factor_import: FactorImport) -> str:
    return f"import-{factor_import.pk or 'dry-run'}-report.csv"
