"""The search page's downloads: the list it shows, all of it, as CSV, CSV for Excel, XLSX or
JSON; in either language the same file; a parameter it cannot use refuses the file, clearly."""

import csv
import hashlib
import html
import io
import json
import logging
import re

import pytest
from django.db import connection
from openpyxl import load_workbook

from factordb.constants import FactorStatus
from factordb.services import list_exports
from tests.factories import STATE_FACTORIES
from tests.search_factories import grid_factors

pytestmark = pytest.mark.django_db

SEARCH = "/factors/"
EXPORT = "/factors/export/"
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def grid():
    return grid_factors()


@pytest.fixture(autouse=True)
def _no_server_errors(caplog):
    yield
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def download_links(response) -> dict[str, str]:
    """The page's download links, by their text."""
    assert response.status_code == 200
    block = re.search(r'<p class="list-downloads">(.*?)</p>', response.content.decode(), re.S)
    if block is None:
        return {}
    return {text: html.unescape(href)
            for href, text in re.findall(r'<a href="([^"]+)" download>(.*?)</a>', block.group(1))}


def body(response) -> bytes:
    assert response.status_code == 200, response.content[:2000]
    return b"".join(response.streaming_content)


def csv_ids(response) -> list[str]:
    return [row["public_id"] for row in csv.DictReader(io.StringIO(body(response).decode("utf-8-sig")))]


def listed(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'href="(?:/en)?/factors/([A-Z0-9]+)/"', response.content.decode())


def problems(response) -> list[str]:
    text = response.content.decode()
    block = re.search(r'<div class="notice warning export-problems".*?</div>', text, re.S)
    return re.findall(r"<li>(.*?)</li>", block.group(0), re.S) if block else []


# --- The links -------------------------------------------------------------------------------------


def test_the_page_offers_four_files_carrying_its_filters_and_order_but_not_its_paging(client, grid):
    response = client.get(SEARCH, {"region": "CN", "year": "2022", "sort": "value", "direction": "desc",
                                   "per_page": "50", "page": "1", "q": "电力"})

    links = download_links(response)

    assert list(links) == ["CSV", "CSV（Excel 用）", "XLSX", "JSON"]
    formats = ["csv", "csv-excel", "xlsx", "json"]
    for (_label, href), file_format in zip(links.items(), formats, strict=True):
        assert href == (f"{EXPORT}?file_format={file_format}&q=%E7%94%B5%E5%8A%9B&region=CN&year=2022"
                        "&sort=value&direction=desc")


def test_the_english_page_links_to_the_english_address(client, grid):
    links = download_links(client.get(f"/en{SEARCH}", {"region": "CN"}))

    assert list(links) == ["CSV", "CSV (for Excel)", "XLSX", "JSON"]
    assert all(href.startswith(f"/en{EXPORT}?file_format=") for href in links.values())


def test_a_value_the_page_leaves_out_is_left_out_of_the_links_too(client, grid):
    links = download_links(client.get(SEARCH, {"region": "NOPE", "year": "2022"}))

    assert links["CSV"] == f"{EXPORT}?file_format=csv&year=2022"


def test_no_links_when_nothing_is_found(client, grid):
    assert download_links(client.get(SEARCH, {"q": "nothing-like-this"})) == {}


def test_a_list_too_long_for_a_file_says_so_instead_of_offering_it(client, grid, monkeypatch):
    monkeypatch.setattr(list_exports, "MAX_ROWS", 4)
    monkeypatch.setattr("factordb.views.public.search.MAX_ROWS", 4)

    response = client.get(SEARCH)

    assert download_links(response) == {}
    assert "结果超过 4 个因子，无法下载为一个文件" in response.content.decode()
    assert download_links(client.get(SEARCH, {"region": "CN-GD"}))  # a narrower list is offered


# --- The files ---------------------------------------------------------------------------------------


def test_the_file_holds_every_factor_of_the_list_in_the_pages_order_not_only_the_first_page(client, grid):
    params = {"sort": "value", "direction": "desc", "per_page": "25"}
    page_ids = listed(client.get(SEARCH, params))

    file_ids = csv_ids(client.get(download_links(client.get(SEARCH, params))["CSV"]))

    assert file_ids == page_ids
    assert len(file_ids) == 5


@pytest.mark.parametrize("params", [
    {"region": "CN-GD"}, {"category": "energy.electricity"}, {"q": "全国 2022"}, {"year": "2021"},
    {"dataset": "MEE-GRID", "gas": "CO2", "unit": "kWh"},
])
def test_each_filter_gives_the_file_the_list_the_page_shows(client, grid, params):
    page_ids = set(listed(client.get(SEARCH, params)))

    file_ids = csv_ids(client.get(EXPORT, {"file_format": "csv", **params}))

    assert page_ids
    assert set(file_ids) == page_ids


@pytest.mark.parametrize("status", [s for s in FactorStatus if s != FactorStatus.PUBLISHED])
def test_a_version_not_in_force_is_never_in_the_file_though_it_matches(client, grid, status):
    hidden = STATE_FACTORIES[status](factor__region=grid.guangdong_2022.factor.region,
                                     factor__name_zh="不应出现的因子")

    content = body(client.get(EXPORT, {"file_format": "json", "region": "CN-GD"}))

    assert hidden.factor.public_id.encode() not in content
    assert "不应出现的因子".encode() not in content
    assert grid.guangdong_2022.factor.public_id.encode() in content


@pytest.mark.parametrize("file_format", ["csv", "csv-excel", "xlsx", "json"])
def test_the_language_of_the_address_changes_nothing_in_the_file(client, grid, file_format):
    chinese = client.get(EXPORT, {"file_format": file_format, "region": "CN"})
    english = client.get(f"/en{EXPORT}", {"file_format": file_format, "region": "CN"})

    assert chinese["Content-Type"] == english["Content-Type"]
    assert chinese["Content-Disposition"] == english["Content-Disposition"]
    if file_format == "xlsx":  # a workbook carries the moment it was written
        zh, en = (list(load_workbook(io.BytesIO(body(r))).worksheets[0].iter_rows(values_only=True))
                  for r in (chinese, english))
        assert zh == en
    else:
        assert body(chinese) == body(english)


def test_only_the_excel_csv_starts_with_a_byte_order_mark(client, grid):
    plain = body(client.get(EXPORT, {"file_format": "csv"}))
    excel = body(client.get(EXPORT, {"file_format": "csv-excel"}))

    assert excel == b"\xef\xbb\xbf" + plain
    assert "电力平均二氧化碳排放因子" in plain.decode("utf-8")


def test_the_json_file_names_the_filters_it_was_made_with(client, grid):
    document = json.loads(body(client.get(EXPORT, {"file_format": "json", "region": "CN", "q": "2022"})))

    assert document["filters"] == {"q": "2022", "region": "CN"}
    assert document["count"] == len(document["factors"]) == 3


@pytest.mark.usefixtures("shared_cache")
def test_a_file_is_written_afresh_for_every_request_never_kept_in_the_cache(client, grid):
    # Files may run to megabytes: pages are kept, files are not. A write behind Django's back
    # leaves the data generation as it was, so a kept answer would be served again.
    client.get(EXPORT, {"file_format": "json"})
    client.get(f"/en{SEARCH}")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE factordb_factor SET name_en = %s WHERE id = %s",
                       ["Renamed behind the cache", grid.guangdong_2022.factor_id])

    assert b"Renamed behind the cache" not in client.get(f"/en{SEARCH}").content  # the page was kept
    assert b"Renamed behind the cache" in body(client.get(EXPORT, {"file_format": "json"}))


def test_a_file_carries_the_hash_of_its_bytes_as_etag(client, grid):
    response = client.get(EXPORT, {"file_format": "csv"})

    assert response["ETag"] == f'"{hashlib.sha256(body(response)).hexdigest()}"'
    assert client.get(EXPORT, {"file_format": "csv"}, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_paging_is_let_pass_it_means_nothing_to_a_file(client, grid):
    assert len(csv_ids(client.get(EXPORT, {"file_format": "csv", "page": "2", "per_page": "25"}))) == 5
    assert len(csv_ids(client.get(EXPORT, {"file_format": "csv", "page": "abc"}))) == 5


# --- What it cannot use ---------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "named"), [
    ("", "file_format"),
    ("file_format=pdf", "file_format"),
    ("file_format=csv&colour=red", "colour"),
    ("file_format=csv&region=NOPE", "地区"),
    ("file_format=csv&year=abc", "年份"),
    ("file_format=csv&year=99999", "年份"),
    ("file_format=csv&source=99999999999999999999", "来源"),
    ("file_format=csv&q=" + "全国" * 150, "关键词"),
    ("file_format=csv&sort=;drop table", "排序方式"),
    ("file_format=csv&year=2021&year=2022", "year"),
    ("file_format=csv&file_format=json", "file_format"),
])
def test_a_parameter_it_cannot_use_refuses_the_file_with_a_page_naming_it(client, grid, query, named):
    response = client.get(f"{EXPORT}?{query}")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert any(item.strip().startswith(named) for item in problems(response)), problems(response)
    assert 'href="/factors/' in response.content.decode()  # the way back to the search


def test_the_refusal_speaks_the_language_of_the_address(client, grid):
    response = client.get(f"/en{EXPORT}?file_format=csv&colour=red&year=abc")

    assert response.status_code == 400
    text = response.content.decode()
    assert "The file could not be made" in text
    assert "colour: is not a parameter this address takes." in text


def test_a_list_too_long_is_refused_with_its_count(client, grid, monkeypatch):
    monkeypatch.setattr(list_exports, "MAX_ROWS", 4)

    response = client.get(EXPORT, {"file_format": "xlsx"})

    assert response.status_code == 400
    assert any("此列表有 5 个因子，一个文件最多 4 个" in item for item in problems(response))


@pytest.mark.parametrize("query", [
    f"file_format=csv&q={SCRIPT}", f"file_format={SCRIPT}", f"{SCRIPT}=1&file_format=csv",
    f"file_format=csv&category={SCRIPT}", "file_format=csv&as_of=garbage", "file_format=csv&release=x",
])
def test_hostile_input_is_never_a_server_error_and_is_shown_only_escaped(client, grid, query):
    response = client.get(f"{EXPORT}?{query}")

    assert response.status_code in (200, 400)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert SCRIPT.encode() not in content


def test_only_reads_are_answered(client, grid):
    assert client.post(f"{EXPORT}?file_format=csv").status_code == 405
    assert client.head(f"{EXPORT}?file_format=csv").status_code == 200
