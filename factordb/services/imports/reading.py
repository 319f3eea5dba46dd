"""An uploaded file to rows: CSV (UTF-8 with or without BOM, GBK/GB18030) or XLSX.

The file is read as a stream, so a large file costs the rows being planned, not the file
twice over in memory. Anything that is not one of these comes back as a file-level Issue
(row 0) saying what it seems to be, never as a half-read table.
"""

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.utils.translation import gettext as _

from .rows import Issue, SourceRow

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_ROWS = 200_000
ENCODINGS = ("utf-8-sig", "gb18030")
_CHUNK = 1 << 20
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97–2003 (.xls), Word (.doc)
_FILE = 0  # the row number of a problem with the file as a whole


class FileRefused(Exception):
    """The file cannot be read as an import file at all."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.issue = Issue(row=_FILE, column="", reason=reason)


def too_large(size: int) -> str:
    return _("文件有 %(size).1f MB，超过上限 %(limit)d MB；请拆分成几个文件。") % {
        "size": size / 1024 / 1024, "limit": MAX_FILE_BYTES // 1024 // 1024}


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[SourceRow]
    encoding: str  # "xlsx" for a workbook


def open_table(stream: BinaryIO, size: int) -> Table:
    """The file's header and a stream of its data rows; raises FileRefused."""
    if size == 0:
        raise FileRefused(_("文件为空。"))
    if size > MAX_FILE_BYTES:
        raise FileRefused(too_large(size))
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(_ZIP_MAGIC):
        return _xlsx_table(stream)
    if head.startswith(_OLE_MAGIC):
        raise FileRefused(_("这是旧版 Excel（.xls）或其他 Office 文件，不能读取；"
                            "请另存为 .xlsx 或 CSV（UTF-8）。"))
    return _csv_table(stream)


def _encoding_of(stream: BinaryIO) -> str:
    for encoding in ENCODINGS:
        stream.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := stream.read(_CHUNK):
                if b"\x00" in chunk:
                    raise FileRefused(_("文件含有二进制内容（NUL 字节），"
                                        "不是 CSV 文本文件，也不是 .xlsx 工作簿。"))
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        stream.seek(0)
        return encoding
    raise FileRefused(_("无法识别文件编码：既不是 UTF-8，也不是 GBK/GB18030。"
                        "请在 Excel 中另存为“CSV UTF-8”。"))


def _csv_table(stream: BinaryIO) -> Table:
    encoding = _encoding_of(stream)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        reader = csv.reader(text, strict=True)
        header = next(reader, None)
    except csv.Error as exc:
        raise FileRefused(_("第 1 行无法按 CSV 读取：%(reason)s") % {"reason": exc}) from exc
    if header is None:
        raise FileRefused(_("文件为空。"))
    headers = [cell.strip() for cell in header]

    def rows() -> Iterator[SourceRow]:
        # Rows are counted as a spreadsheet shows them (header = 1), not as physical lines:
        # a quoted cell may hold a line break.
        number = 1
        try:
            for number, cells in enumerate(reader, start=2):
                if any(cell.strip() for cell in cells):
                    yield _source_row(number, headers, cells)
        except csv.Error as exc:
            raise FileRefused(_("第 %(row)d 行无法按 CSV 读取：%(reason)s")
                              % {"row": number + 1, "reason": exc}) from exc

    return Table(headers=headers, rows=rows(), encoding=encoding.replace("-sig", ""))


def _xlsx_table(stream: BinaryIO) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # Not data_only: a formula cell must be seen as a formula, not as its cached result.
        workbook = load_workbook(stream, read_only=True, data_only=False)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise FileRefused(_("文件是 ZIP 压缩包，但不是可读取的 .xlsx 工作簿。")) from exc
    except Exception as exc:  # zipfile.BadZipFile and the XML parser's errors
        raise FileRefused(_("文件是 ZIP 压缩包，但不是可读取的 .xlsx 工作簿。")) from exc
    sheet = workbook["factors"] if "factors" in workbook.sheetnames else workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    header = next(values, None)
    if header is None:
        raise FileRefused(_("工作表“%(sheet)s”为空。") % {"sheet": sheet.title})
    headers = ["" if cell is None else str(cell).strip() for cell in header]

    def rows() -> Iterator[SourceRow]:
        for number, cells in enumerate(values, start=2):
            if all(cell is None or str(cell).strip() == "" for cell in cells):
                continue
            yield _source_row(number, headers, list(cells))
        workbook.close()

    return Table(headers=headers, rows=rows(), encoding="xlsx")


def _source_row(number: int, headers: list[str], cells: list) -> SourceRow:
    row = SourceRow(number=number, cells=dict(zip(headers, cells, strict=False)))
    if len(cells) > len(headers) and any(str(c).strip() for c in cells[len(headers):] if c is not None):
        row.issues.append(Issue(number, "", _("本行的单元格多于表头的列数。")))
    return row

