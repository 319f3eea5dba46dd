"""Export, then import: zero changes, decimals exact, formula-looking names intact.

A list export is written in the import template's columns, so the file an analyst downloads
is a file an editor can import again; importing it unchanged finds every row unchanged."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from factordb.models import Dataset, FactorVersion, GwpSet, ImportStatus, Region, RowAction, Source, Unit
from factordb.services.factors import (
    SourceCitation,
    factor_create,
    factor_version_create_draft,
    factor_version_publish_official,
)
from factordb.services.imports import cells
from tests.factories import SourceFactory
from tests.permission_matrix import database_snapshot

from .conftest import previewed

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(registry, approver):
    """Published factors with exact decimals, several gases and sources, and hostile names."""
    source = SourceFactory(code="mee-electricity-2021")
    names = ["=HYPERLINK(\"http://evil.example\")", "'=already quoted", "-30 °C storage", "@home", "plain"]
    versions = []
    for n, name in enumerate(names):
        factor = factor_create(
            dataset=Dataset.objects.get(code="MEE-GRID"), category=registry,
            region=Region.objects.get(code="CN"), unit=Unit.objects.get(code="kWh"), year=2015 + n,
            boundary="grid_consumption", method="MEE-GRID",
            name_zh=f"因子{n}", name_en=name)
        version = factor_version_create_draft(
            factor=factor, author=approver, gwp_set=GwpSet.objects.get(code="AR5"),
            gas_amounts={"CO2": Decimal("0.12345678"), "CH4": Decimal("0.0000012345")},
            citations=[SourceCitation(source, "表 1"),
                       SourceCitation(Source.objects.get(code="mee-electricity-2022"))],
            biogenic_co2=Decimal("1234567890.5"), uncertainty_low_pct=Decimal("12.5"),
            valid_from=dt.date(2020, 1, 1), notes_en="-0.5 is not a formula", dq_reliability=1,
            dq_completeness=2, dq_temporal=3, dq_geographical=4, dq_technological=5)
        versions.append(factor_version_publish_official(
            version=version, published_at=timezone.make_aware(dt.datetime(2024, 12, 20))))
    return versions


def exported(client, file_format: str) -> bytes:
    response = client.get("/factors/export/", {"file_format": file_format})
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(("file_format", "file_name"), [
    ("csv", "factors.csv"), ("csv-excel", "factors-excel.csv"), ("xlsx", "factors.xlsx"),
])
def test_an_export_imported_again_changes_nothing(client, editor, published, file_format, file_name):
    content = exported(client, file_format)
    before = database_snapshot()
    preview = previewed(editor, content, file_name=file_name)
    assert preview.status == ImportStatus.PREVIEWED, preview.report
    assert preview.summary["unchanged"] == len(published)
    assert preview.summary["create"] == preview.summary["revise"] == 0
    assert {entry["action"] for entry in preview.report} == {RowAction.UNCHANGED}
    after = database_snapshot()
    assert {table for table in before if before[table] != after[table]} == {"factordb_factorimport"}


def test_an_export_with_a_value_changed_is_one_revision_with_that_difference(client, editor, published):
    rows = list(csv.DictReader(io.StringIO(exported(client, "csv").decode())))
    rows[0]["uncertainty_low_pct"] = "12.6"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    preview = previewed(editor, buffer.getvalue().encode())
    revised = [entry for entry in preview.report if entry["action"] == RowAction.REVISE]
    assert [entry["public_id"] for entry in revised] == [rows[0]["public_id"]]
    assert revised[0]["diff"] == [["uncertainty_low_pct", "12.5", "12.6"]]


def test_neutralised_text_reads_back_as_written():
    for text in ("=1+1", "'=already", "''=twice", "-30 °C", "@x", "+86 10", "l'Europe", "'plain", "-0.5"):
        assert cells.read_text(cells.neutralise(text)) == text
    assert FactorVersion.objects.count() == 0
