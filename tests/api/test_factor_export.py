"""factors/export/: the list's own filters, all of it as one file, only published data, closed input."""

import csv
import datetime as dt
import hashlib
import io
import json

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from factordb.constants import FactorStatus
from factordb.services import list_exports
from tests.factories import (
    STATE_FACTORIES,
    CategoryFactory,
    PublishedVersionFactory,
    RegionFactory,
    SupersededVersionFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/factors/export/"
LIST = "/api/v1/factors/"


def body(response) -> bytes:
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))


def exported_ids(api, params: dict) -> list[str]:
    return [row["public_id"] for row in csv_rows(api.get(URL, {"file_format": "csv", **params}))]


def listed_ids(api, params: dict) -> list[str]:
    response = api.get(LIST, {"page_size": 1000, **params})
    assert response.status_code == 200
    return [row["public_id"] for row in response.json()["results"]]


def error_details(response) -> dict[str, list[str]]:
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == "invalid"
    return error["details"]


@pytest.fixture
def grid():
    """Factors over two categories, two regions and two years."""
    energy = CategoryFactory(code="energy")
    electricity = CategoryFactory(code="energy.electricity", parent=energy)
    cement = CategoryFactory(code="materials.cement")
    china = RegionFactory(code="CN")
    guangdong = RegionFactory(code="CN-GD", parent=china, kind="province", name_zh="广东",
                              name_en="Guangdong")
    return [
        PublishedVersionFactory(factor__category=category, factor__region=region, factor__year=year,
                                factor__name_en=f"{category.code} {region.code} {year}")
        for category in (electricity, cement) for region in (china, guangdong) for year in (2021, 2022)
    ]


# --- The list's filters, the list's versions ----------------------------------------------------


@pytest.mark.parametrize("params", [
    {}, {"category": "energy"}, {"region": "CN-GD"}, {"year": "2022"}, {"region": "CN", "year": "2021"},
    {"q": "cement 2022"}, {"unit": "kWh", "category": "materials.cement"}, {"ordering": "-year"},
])
def test_the_file_holds_exactly_the_versions_the_list_serves_in_its_order(api, grid, params):
    exported = exported_ids(api, params)

    assert exported
    assert sorted(exported) == sorted(listed_ids(api, params))
    if "ordering" not in params:
        assert exported == sorted(exported)  # by public id, as the list


def test_ordering_orders_the_file(api, grid):
    response = api.get(URL, {"file_format": "csv", "ordering": "-year"})

    years = [row["year"] for row in csv_rows(response)]

    assert years == sorted(years, reverse=True)


@pytest.mark.parametrize("status", [s for s in FactorStatus if s != FactorStatus.PUBLISHED])
@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_a_version_not_published_is_never_in_the_file_though_it_matches_the_filters(api, status, file_format):
    region = RegionFactory(code="CN-SH", name_en="Shanghai")
    hidden = STATE_FACTORIES[status](factor__region=region, factor__name_en="Hidden factor")
    shown = PublishedVersionFactory(factor__region=region)

    content = body(api.get(URL, {"file_format": file_format, "region": "CN-SH"}))

    assert shown.factor.public_id.encode() in content
    assert hidden.factor.public_id.encode() not in content
    assert b"Hidden factor" not in content


def test_a_factor_with_a_draft_revision_is_written_once_with_its_published_version(api):
    shown = PublishedVersionFactory(version=1)
    STATE_FACTORIES[FactorStatus.DRAFT](factor=shown.factor, version=2, co2e_total="9.99")

    (row,) = csv_rows(api.get(URL, {"file_format": "csv"}))

    assert (row["public_id"], row["version"], row["status"]) == (shown.factor.public_id, "1", "published")
    assert row["co2e_total"] == "0.5366"


def test_as_of_writes_the_versions_in_force_then_superseded_ones_included(api):
    superseded = SupersededVersionFactory()  # in force from 2023-12-23 to 2024-12-23

    then = csv_rows(api.get(URL, {"file_format": "csv", "as_of": "2024-06-01T00:00:00+08:00"}))
    now = csv_rows(api.get(URL, {"file_format": "csv"}))

    assert [(row["public_id"], row["status"]) for row in then] == [
        (superseded.factor.public_id, "superseded")]
    assert now == []


# --- The files -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("file_format", "content_type", "suffix"), [
    ("csv", "text/csv; charset=utf-8", ".csv"),
    ("csv-excel", "text/csv; charset=utf-8", "-excel.csv"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    ("json", "application/json; charset=utf-8", ".json"),
])
def test_each_file_is_an_attachment_with_its_type_and_a_dated_name(api, grid, file_format, content_type,
                                                                     suffix):
    response = api.get(URL, {"file_format": file_format})

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="factordb-factors-{day}{suffix}"'


def test_only_the_csv_for_excel_has_a_byte_order_mark(api, grid):
    plain = body(api.get(URL, {"file_format": "csv"}))
    excel = body(api.get(URL, {"file_format": "csv-excel"}))

    assert not plain.startswith(b"\xef\xbb\xbf")
    assert excel == b"\xef\xbb\xbf" + plain


def test_the_xlsx_and_json_hold_the_same_rows_as_the_csv(api, grid):
    rows = csv_rows(api.get(URL, {"file_format": "csv", "region": "CN-GD"}))
    workbook = body(api.get(URL, {"file_format": "xlsx", "region": "CN-GD"}))
    sheet = load_workbook(io.BytesIO(workbook)).worksheets[0]
    document = json.loads(body(api.get(URL, {"file_format": "json", "region": "CN-GD"})))

    header, *values = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "factors"
    assert list(header) == document["columns"] == list(rows[0])
    assert [row[0] for row in values] == [row["public_id"] for row in rows]
    assert [factor["co2e_total"] for factor in document["factors"]] == [row["co2e_total"] for row in rows]
    assert document["filters"] == {"region": "CN-GD"}
    assert document["count"] == len(rows) == 4


def test_a_formula_in_a_name_is_neutralised_in_the_csv_and_xlsx(api):
    version = PublishedVersionFactory(factor__name_en='=HYPERLINK("http://x")')

    (row,) = csv_rows(api.get(URL, {"file_format": "csv"}))
    sheet = load_workbook(io.BytesIO(body(api.get(URL, {"file_format": "xlsx"})))).worksheets[0]

    assert row["name_en"] == '\'=HYPERLINK("http://x")'
    assert "'=HYPERLINK" in [cell.value for cell in sheet[2]][list(row).index("name_en")]
    assert version.factor.name_en.startswith("=")


def test_a_file_carries_the_hash_of_its_bytes_as_etag_and_answers_if_none_match(api, grid):
    response = api.get(URL, {"file_format": "json", "region": "CN"})
    content = body(response)

    assert response["ETag"] == f'"{hashlib.sha256(content).hexdigest()}"'
    again = api.get(URL, {"file_format": "json", "region": "CN"}, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    other = api.get(URL, {"file_format": "json", "region": "CN-GD"}, HTTP_IF_NONE_MATCH=response["ETag"])
    assert other.status_code == 200


def test_an_accept_header_naming_the_file_type_is_answered_with_the_file(api, grid):
    response = api.get(URL, {"file_format": "csv"}, HTTP_ACCEPT="text/csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def test_head_answers_like_get(api, grid):
    response = api.head(URL, {"file_format": "json"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")


def test_a_list_longer_than_the_limit_is_a_400_with_the_count(api, grid, monkeypatch):
    monkeypatch.setattr(list_exports, "MAX_ROWS", 3)

    details = error_details(api.get(URL, {"file_format": "csv"}, HTTP_ACCEPT_LANGUAGE="en"))

    assert "8 factors" in details["non_field_errors"][0]
    assert "at most 3" in details["non_field_errors"][0]
    assert exported_ids(api, {"region": "CN-GD", "year": "2022"})  # a narrower list is written


# --- Closed input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "parameter"), [
    ({}, "file_format"),
    ({"file_format": "pdf"}, "file_format"),
    ({"file_format": "CSV"}, "file_format"),
    ({"file_format": "csv", "colour": "red"}, "colour"),
    ({"file_format": "csv", "format": "json"}, "format"),
    ({"file_format": "csv", "page_size": "10"}, "page_size"),
    ({"file_format": "csv", "cursor": "abc"}, "cursor"),
    ({"file_format": "csv", "release": "2025.1"}, "release"),
    ({"file_format": "csv", "category": "no.such.category"}, "category"),
    ({"file_format": "csv", "region": "XX"}, "region"),
    ({"file_format": "csv", "unit": "furlong"}, "unit"),
    ({"file_format": "csv", "gas": "XENON"}, "gas"),
    ({"file_format": "csv", "year": "twenty"}, "year"),
    ({"file_format": "csv", "year": "99999999999999999999"}, "year"),
    ({"file_format": "csv", "source": "-1"}, "source"),
    ({"file_format": "csv", "boundary": "everywhere"}, "boundary"),
    ({"file_format": "csv", "as_of": "yesterday"}, "as_of"),
    ({"file_format": "csv", "as_of": "0001-01-01T00:00:00"}, "as_of"),
    ({"file_format": "csv", "updated_since": "soon"}, "updated_since"),
    ({"file_format": "csv", "ordering": "colour"}, "ordering"),
])
def test_a_parameter_it_cannot_use_is_a_400_naming_it(api, grid, query, parameter):
    details = error_details(api.get(URL, query))

    assert parameter in details


def test_a_parameter_given_twice_is_a_400(api, grid):
    details = error_details(api.get(f"{URL}?file_format=csv&year=2021&year=2022", HTTP_ACCEPT_LANGUAGE="en"))

    assert details == {"year": ["given more than once"]}


def test_a_future_as_of_is_refused(api):
    later = (timezone.now() + dt.timedelta(days=1)).isoformat()

    assert "as_of" in error_details(api.get(URL, {"file_format": "csv", "as_of": later}))


def test_a_release_is_refused_with_the_way_to_its_own_files(api, grid):
    (reason,) = error_details(api.get(URL, {"file_format": "csv", "release": "2025.1"}))["release"]

    assert "download.csv" in reason


def test_the_export_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    operation = schema["paths"]["/api/v1/factors/export/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["file_format"]["required"] is True
    assert set(parameters["file_format"]["schema"]["enum"]) == {"csv", "csv-excel", "xlsx", "json"}
    assert {"category", "region", "year", "q", "as_of", "ordering"} <= set(parameters)
    assert "release" not in parameters
    assert {"text/csv", "application/json",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} <= set(
        operation["responses"]["200"]["content"])
    assert "400" in operation["responses"]
