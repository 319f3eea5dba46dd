"""A visitor downloads the list the search shows, in a real browser, on the real seed."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_visitor_downloads_the_filtered_list_as_xlsx_and_as_csv_for_excel(live_server, page, seeded):
    page.goto(live_server.url + "/factors/?region=CN&year=2022")
    count = int(re.search(r"\d+", page.locator(".result-count").inner_text()).group())

    with page.expect_download() as xlsx:
        page.get_by_role("link", name="XLSX", exact=True).click()
    with page.expect_download() as excel_csv:
        page.get_by_role("link", name="CSV（Excel 用）", exact=True).click()

    assert xlsx.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.value.path().read_bytes())).worksheets[0]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "factors"
    assert len(rows) == count > 0
    assert {row[header.index("region")] for row in rows} == {"CN"}
    assert {row[header.index("year")] for row in rows} == {2022}

    content = excel_csv.value.path().read_bytes()
    assert excel_csv.value.suggested_filename.endswith("-excel.csv")
    assert content.startswith(b"\xef\xbb\xbf")
    assert len(list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))) == count
