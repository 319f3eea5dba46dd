"""Bad input: a clear report (row, column, reason), and the database exactly as it was.

The one row an upload writes is its own record (the import and its report); every other
table is compared before and after, with plain SQL over all of them.
"""

import io
import itertools

import pytest
from openpyxl import Workbook

from factordb.constants import LifecycleBoundary, Methodology
from factordb.models import ImportStatus
from factordb.services import factor_imports
from factordb.services.imports import reading
from tests.permission_matrix import database_snapshot

from .conftest import HEADER, csv_bytes, issues, previewed, row

pytestmark = pytest.mark.django_db
IMPORT_TABLE = "factordb_factorimport"


def refused(editor, content: bytes, **kwargs):
    """Preview the file and try to confirm it; the import and the tables other than its own."""
    before = database_snapshot()
    preview = previewed(editor, content, **kwargs)
    assert preview.status == ImportStatus.REFUSED
    with pytest.raises(factor_imports.ImportRefused):
        factor_imports.import_confirm(factor_import=preview, actor=editor, file_sha256=preview.file_sha256,
                                      previewed_at=preview.previewed_at)
    factor_imports.import_apply(preview.pk)  # a stray task changes nothing either
    after = database_snapshot()
    assert {t for t in before if before[t] != after[t]} <= {IMPORT_TABLE}
    return issues(preview)


def test_a_missing_column_is_named(registry, editor):
    header = [name for name in HEADER if name != "gwp_set"]
    found = refused(editor, csv_bytes([row()], header=header))
    assert found == [(1, "gwp_set", "缺少必填列“gwp_set”。")]


def test_an_unknown_column_is_named_not_ignored(registry, editor):
    found = refused(editor, csv_bytes([row(co2e_totl="1")], header=[*HEADER, "co2e_totl"]))
    assert [(r, c) for r, c, _ in found] == [(1, "co2e_totl")]


@pytest.mark.parametrize(("column", "value"), [
    ("unit", "furlong"), ("region", "CN-XX"), ("category", "energy.nuclear"), ("dataset", "NOPE"),
    ("gwp_set", "AR9"), ("source", "no-such-source"),
])
def test_an_unknown_code_is_reported_with_its_row_and_column(registry, editor, column, value):
    found = refused(editor, csv_bytes([row(), row(**{"year": "2021", column: value})]))
    assert len(found) == 1
    assert found[0][:2] == (3, column)
    assert value in found[0][2]


def test_unknown_codes_are_summed_up_for_the_registry_keepers(registry, editor):
    preview = previewed(editor, csv_bytes([row(region="US"), row(region="US", year="2021"), row(unit="USD")]))
    assert preview.summary["unknown_codes"] == {"region": {"US": 2}, "unit": {"USD": 1}}


@pytest.mark.parametrize("cells", [
    {"co2e_total": "-0.5", "gas_CO2": "-0.5"}, {"gas_CO2": "-0.1", "co2e_total": ""},
])
def test_a_negative_value_is_refused_unless_the_row_is_a_removal(registry, editor, cells):
    found = refused(editor, csv_bytes([row(**cells)]))
    assert found
    assert all(r == 2 for r, _c, _m in found)
    removal = previewed(editor, csv_bytes([row(is_removal="true", **cells)]))
    assert removal.status == ImportStatus.PREVIEWED


def test_the_same_factor_twice_in_one_file_names_both_rows(registry, editor):
    found = refused(editor, csv_bytes([row(), row(co2e_total="0.6", gas_CO2="0.6")]))
    assert len(found) == 1
    assert found[0][0] == 3
    assert "第 2 行" in found[0][2]


def test_one_bad_row_among_ten_thousand_imports_nothing(registry, editor):
    identities = itertools.product(("CN", "CN-BJ"), range(1990, 2101), LifecycleBoundary.values,
                                   Methodology.values)
    rows = [row(region=region, year=str(year), boundary=boundary, method=method, name_zh=f"因子 {n}",
                name_en=f"Factor {n}")
            for n, (region, year, boundary, method) in zip(range(10_000), identities, strict=False)]
    rows[7_321]["co2e_total"] = "0,5366"
    found = refused(editor, csv_bytes(rows))
    assert len(found) == 1
    assert found[0][:2] == (7_323, "co2e_total")
    assert "逗号" in found[0][2]


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+2", "-2+3", "@SUM(A1)"])
def test_a_formula_looking_cell_is_refused(registry, editor, cell):
    found = refused(editor, csv_bytes([row(name_en=cell)]))
    assert [(r, c) for r, c, _ in found] == [(2, "name_en")]
    assert "公式" in found[0][2]


def test_a_formula_cell_in_a_workbook_is_refused(registry, editor):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "factors"
    sheet.append(HEADER)
    values = row()
    sheet.append([values.get(name, "") for name in HEADER])
    sheet.cell(row=2, column=HEADER.index("co2e_total") + 1, value="=0.5+0.0366")
    buffer = io.BytesIO()
    workbook.save(buffer)
    found = refused(editor, buffer.getvalue(), file_name="factors.xlsx")
    assert [(r, c) for r, c, _ in found] == [(2, "co2e_total")]


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", ",".join(HEADER).encode() + b"\r\n"])
def test_an_empty_file_says_so(registry, editor, content):
    found = refused(editor, content)
    assert len(found) == 1
    assert "空" in found[0][2] or "没有数据行" in found[0][2]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(registry, editor):
    content = csv_bytes([row()]) + b" " * reading.MAX_FILE_BYTES
    with pytest.raises(factor_imports.ImportRefused, match="100 MB"):
        factor_imports.import_upload(actor=editor, file_name="huge.csv", content=content)


@pytest.mark.parametrize(("content", "says"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, ".xls"),
    (b"PK\x03\x04" + b"\x00" * 64, ".xlsx"),
    (b"%PDF-1.7\n" + bytes(range(256)), "NUL"),
])
def test_a_file_that_is_not_a_spreadsheet_says_what_it_seems_to_be(registry, editor, content, says):
    found = refused(editor, content)
    assert len(found) == 1
    assert found[0][0] == 0
    assert says in found[0][2]


def test_a_file_whose_encoding_cannot_be_read_is_refused(registry, editor):
    content = csv_bytes([row()]).replace("全国".encode(), b"\x80\xff\x80")
    found = refused(editor, content)
    assert len(found) == 1
    assert "编码" in found[0][2]
