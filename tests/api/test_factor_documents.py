"""The factors API answers with documents built from plain rows (factordb/services/factor_documents.py):
they must be exactly what the schema's serializers write from the model, field by field and in
the same order, and their cost must not grow with the number of factors on a page."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer

from api.serializers import FactorSerializer, VersionSerializer
from factordb.constants import FactorStatus
from factordb.models import FactorVersion, GasAmount, VersionSource
from factordb.services.factor_documents import factor_documents, in_force_document, version_documents
from tests.factories import (
    DraftVersionFactory,
    GasFactory,
    PublishedVersionFactory,
    SourceFactory,
    SupersededVersionFactory,
    WithdrawnVersionFactory,
)

pytestmark = pytest.mark.django_db


def as_json(data) -> object:
    return json.loads(JSONRenderer().render(data))


@pytest.fixture
def full_version() -> FactorVersion:
    """A published version (number 2) with every part a document shows: gases created out of
    code order, two citations whose titles sort against the order they were cited in,
    uncertainty, biogenic CO2, a derivation and the days of validity."""
    version = DraftVersionFactory(
        version=2,
        co2e_total=Decimal("2.50000000"), biogenic_co2=Decimal("0.10000000"),
        uncertainty_distribution="lognormal", uncertainty_low_pct=Decimal("5.00"),
        uncertainty_high_pct=Decimal("12.50"), uncertainty_gsd=Decimal("1.2000"),
        quality_note="measured", derivation={"formula": "a × b", "a": "2"}, notes_zh="备注",
        notes_en="note", valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2024, 12, 31))
    for code in ("N2O", "CH4"):
        GasAmount.objects.create(version=version, gas=GasFactory(code=code), amount=Decimal("0.0001000000"))
    for title, locator in (("Z report", "Table 2"), ("A report", "")):
        VersionSource.objects.create(version=version, source=SourceFactory(title=title), locator=locator)
    version.status = FactorStatus.PUBLISHED
    version.published_at = dt.datetime(2025, 3, 1, 4, 5, 6, 789, tzinfo=dt.UTC)
    version.save()  # published once its parts are in: they freeze then
    return version


def test_detail_list_and_freeze_answer_what_the_serializer_writes_from_the_model(api, full_version):
    public_id = full_version.factor.public_id
    written = as_json(FactorSerializer(FactorVersion.objects.get(pk=full_version.pk)).data)

    assert api.get(f"/api/v1/factors/{public_id}/").json() == written
    assert api.get("/api/v1/factors/").json()["results"] == [written]
    assert json.loads(json.dumps(factor_documents(FactorVersion.objects.filter(pk=full_version.pk))[
        full_version.pk])) == written
    # Key order too: the bytes of an answer, not only its content.
    assert list(api.get(f"/api/v1/factors/{public_id}/").json()) == list(written)
    assert list(written["version"]) == list(api.get(f"/api/v1/factors/{public_id}/").json()["version"])
    assert [gas["gas"] for gas in written["version"]["gas_amounts"]] == sorted(
        gas["gas"] for gas in written["version"]["gas_amounts"])
    assert [source["title"] for source in written["version"]["sources"]] == ["Z report", "A report"]


def test_history_answers_what_the_version_serializer_writes_newest_first(api, full_version):
    older = SupersededVersionFactory(factor=full_version.factor, version=1)
    versions = FactorVersion.objects.filter(pk__in=[full_version.pk, older.pk]).order_by("-version")

    answered = api.get(f"/api/v1/factors/{full_version.factor.public_id}/versions/").json()

    assert answered == as_json(VersionSerializer(list(versions), many=True).data)
    assert answered == as_json(version_documents(versions))
    assert [row["version"] for row in answered] == [full_version.version, older.version]


def test_a_page_costs_the_same_queries_for_one_factor_as_for_many(api):
    PublishedVersionFactory()

    def queries_of_a_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/factors/", HTTP_CACHE_CONTROL="no-cache").status_code == 200
        return len(captured)

    one = queries_of_a_page()
    for _ in range(6):
        PublishedVersionFactory()
    assert queries_of_a_page() == one


def test_the_version_in_force_is_the_document_the_rows_give(full_version):
    SupersededVersionFactory(factor=full_version.factor, version=1)
    DraftVersionFactory(factor=full_version.factor, version=3)
    from_rows = factor_documents(FactorVersion.objects.filter(pk=full_version.pk))[full_version.pk]

    in_force = in_force_document(full_version.factor.public_id)

    assert json.dumps(in_force) == json.dumps(from_rows)  # key order and texts too


def test_no_version_in_force_is_no_document():
    draft = DraftVersionFactory()
    withdrawn = WithdrawnVersionFactory()

    assert in_force_document(draft.factor.public_id) is None
    assert in_force_document(withdrawn.factor.public_id) is None
    assert in_force_document("EF-NOT-THERE") is None


def test_a_detail_worked_out_is_one_query_on_postgresql(api, full_version):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite reads the three queries of the portable road")
    with CaptureQueriesContext(connection) as captured:
        answer = api.get(f"/api/v1/factors/{full_version.factor.public_id}/", HTTP_CACHE_CONTROL="no-cache")

    assert answer.status_code == 200
    assert len([query for query in captured if "factordb_factorversion" in query["sql"]]) == 1


def test_the_statement_names_its_columns_in_their_order():
    if connection.vendor != "postgresql":
        pytest.skip("the statement is PostgreSQL's")
    from factordb.services.factor_documents import DOCUMENT_COLUMNS, IN_FORCE_SQL

    with connection.cursor() as cursor:
        cursor.execute(IN_FORCE_SQL, ["none", "published"])
        assert tuple(column.name for column in cursor.description) == DOCUMENT_COLUMNS
