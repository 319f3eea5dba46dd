"""Files as ministry staff receive them: UTF-8 with or without BOM, GBK/GB18030, XLSX with
real numbers and dates; numbers that could be read two ways are refused, never guessed."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from factordb.models import FactorVersion, ImportStatus
from factordb.services.imports import cells

from .conftest import HEADER, csv_bytes, imported, issues, previewed, row

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("encoding", "name_zh"), [
    ("utf-8", "全国电网平均排放因子"), ("utf-8-sig", "全国电网平均排放因子"),
    ("gbk", "全国电网平均排放因子"), ("gb18030", "全国电网𠮷因子"),  # 𠮷 is outside GBK
])
def test_text_encodings_are_read(registry, editor, encoding, name_zh):
    done = imported(editor, csv_bytes([row(name_zh=name_zh)], encoding=encoding))
    assert done.status == ImportStatus.IMPORTED
    assert done.encoding == ("utf-8" if encoding.startswith("utf-8") else "gb18030")
    assert FactorVersion.objects.get(imported_from__factor_import=done).factor.name_zh == name_zh


def test_a_workbook_with_numbers_dates_and_booleans_imports_exactly(registry, editor):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "factors"
    header = [*HEADER, "valid_from", "valid_to"] if "valid_from" not in HEADER else HEADER
    sheet.append(header)
    values = row(year=2022, co2e_total=0.5366, gas_CO2=0.5366, dq_reliability=1, dq_completeness=2,
                 dq_temporal=1, dq_geographical=1, dq_technological=2, is_removal=False,
                 valid_from=dt.datetime(2023, 1, 1), valid_to=dt.date(2023, 12, 31))
    sheet.append([values.get(name) for name in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    done = imported(editor, buffer.getvalue(), file_name="factors.xlsx")
    assert done.status == ImportStatus.IMPORTED, done.report
    version = FactorVersion.objects.get(imported_from__factor_import=done)
    assert version.co2e_total == Decimal("0.5366")
    assert (version.valid_from, version.valid_to) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert version.factor.year == 2022


@pytest.mark.parametrize("written", ["1,234", "0,5366", "1.234,5", "1 234", "0.5366 kg", "１，２", "five"])
def test_an_ambiguous_or_foreign_number_is_refused_with_the_reason(registry, editor, written):
    preview = previewed(editor, csv_bytes([row(co2e_total=written)]))
    assert preview.status == ImportStatus.REFUSED
    [(number, column, reason)] = issues(preview)
    assert (number, column) == (2, "co2e_total")
    assert f"“{written}”" in reason


@pytest.mark.parametrize(("written", "value"), [
    ("0.5366", Decimal("0.5366")), ("5.366E-01", Decimal("0.5366")), ("０.５３６６", Decimal("0.5366")),
    ("'0.5366", Decimal("0.5366")), (" 0.5366 ", Decimal("0.5366")), (0.5366, Decimal("0.5366")),
    (2, Decimal(2)), ("-1.5", Decimal("-1.5")),
])
def test_plain_numbers_are_read_exactly(written, value):
    assert cells.read_decimal(written) == value


def test_a_date_must_be_unambiguous():
    assert cells.read_date("2023-01-15") == dt.date(2023, 1, 15)
    for written in ("2023/1/15", "15.01.2023", "01/02/2023", "2023-02-30", 45000):
        with pytest.raises(cells.CellError):
            cells.read_date(written)


def test_an_export_s_apostrophe_keeps_a_formula_like_text_as_text():
    assert cells.neutralise("=1+1") == "'=1+1"
    assert cells.read_text(cells.neutralise("=1+1")) == "=1+1"
    assert cells.neutralise("-0.5") == "-0.5"
    assert cells.read_text("l'Europe") == "l'Europe"
