"""A row finds its factor by public_id, or without one by its identity, among every factor
stored: the matching reads only the factors a file names, and must still find each."""

from decimal import Decimal

import pytest

from factordb.models import RowAction
from tests.factories import PublishedVersionFactory

from .conftest import csv_bytes, issues, previewed, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(registry):
    """The national grid's factors of 2019–2022 (the 2022 one is what row() describes)."""
    return {year: PublishedVersionFactory(
        factor__category=registry, factor__year=year, factor__boundary="grid_consumption",
        factor__name_zh="全国电网平均排放因子", factor__name_en="National grid average",
        co2e_total=Decimal("0.5366")) for year in (2019, 2020, 2021, 2022)}


def test_a_row_with_a_public_id_revises_that_factor(published, editor):
    factor = published[2021].factor
    preview = previewed(editor, csv_bytes([row(public_id=factor.public_id, year="2021", co2e_total="0.6",
                                               gas_CO2="0.6")]))
    assert [(e["action"], e["public_id"]) for e in preview.report] == [(RowAction.REVISE, factor.public_id)]


def test_rows_without_public_id_find_their_factors_by_identity(published, editor):
    preview = previewed(editor, csv_bytes([row(year="2020"), row(year="2022"), row(year="2023")]))
    assert [(e["action"], e["public_id"]) for e in preview.report] == [
        (RowAction.REVISE, published[2020].factor.public_id),
        (RowAction.REVISE, published[2022].factor.public_id),
        (RowAction.CREATE, ""),
    ]


def test_an_unknown_public_id_or_one_of_another_identity_is_an_error(published, editor):
    preview = previewed(editor, csv_bytes([
        row(public_id="EF0000000000", year="2019"),
        row(public_id=published[2019].factor.public_id, year="2020"),
    ]))
    assert [(number, column) for number, column, _ in issues(preview)] == [(2, "public_id"), (3, "public_id")]
    assert "EF0000000000" in issues(preview)[0][2]
