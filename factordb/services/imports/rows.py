"""What every reader of an import file yields, whatever the file's format."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Issue:
    """Why a row (or the file, row 0) cannot be imported: which row, which column, why."""

    row: int
    column: str
    reason: str


@dataclass
class SourceRow:
    """One data row: its number as the user sees it in the file (the header is row 1),
    its cells by template column (as the file gives them: text, or an XLSX cell's value),
    and what the reader already found wrong with it (a foreign format's mapping, say)."""

    number: int
    cells: dict[str, object]
    issues: list[Issue] = field(default_factory=list)
