"""List pages cost a fixed number of queries, however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from factordb.models import Factor, FactorVersion
from tests.factordb.admin.helpers import admin_url
from tests.factordb.admin.rows import make_rows, registered_models
from tests.factories import (
    CategoryFactory,
    DraftVersionFactory,
    FactorFactory,
    PublishedVersionFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db


def make_versions(start: int, stop: int) -> None:
    """Each row on its own factor, category and region, so nothing is shared by accident."""
    for n in range(start, stop):
        factor = FactorFactory(
            category=CategoryFactory(code=f"c{n}"),
            region=RegionFactory(code=f"r{n}", name_zh=f"地区{n}", name_en=f"Region {n}"),
        )
        factory = PublishedVersionFactory if n % 2 else DraftVersionFactory
        factory(factor=factor)


def changelist_queries(client, model) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.label)
def test_30_rows_cost_no_more_queries_than_3(admin_client, model, django_assert_max_num_queries):
    make_rows(model, 0, 3)
    with_3_rows = changelist_queries(admin_client, model)
    make_rows(model, 3, 30)

    with django_assert_max_num_queries(with_3_rows):
        response = admin_client.get(admin_url(model, "changelist"))

    assert len(response.context["cl"].result_list) == model.objects.count() >= 30


@pytest.mark.parametrize(
    ("model", "query"),
    [(Factor, "地区7"), (Factor, '"Region 7"'), (FactorVersion, "地区7"), (FactorVersion, '"Category c7"')],
)
def test_search_finds_by_chinese_and_english_names_and_codes(admin_client, model, query):
    make_versions(0, 12)

    response = admin_client.get(admin_url(model, "changelist"), {"q": query})

    assert response.context["cl"].result_count == 1


def test_search_finds_a_factor_by_public_id(admin_client):
    make_versions(0, 3)
    factor = Factor.objects.last()

    response = admin_client.get(admin_url(Factor, "changelist"), {"q": factor.public_id})

    assert list(response.context["cl"].result_list) == [factor]


def test_the_version_list_shows_the_gas_breakdown(admin_client):
    make_versions(0, 1)

    response = admin_client.get(admin_url(FactorVersion, "changelist"))

    assert "CO2: 0.5366" in response.content.decode()


def test_the_factor_list_filters_by_year_and_boundary(admin_client):
    make_versions(0, 3)
    factor = Factor.objects.first()

    response = admin_client.get(
        admin_url(Factor, "changelist"), {"year__exact": factor.year, "boundary__exact": factor.boundary},
    )

    assert list(response.context["cl"].result_list) == [factor]


def test_the_version_list_filters_by_status_and_factor_region(admin_client):
    make_versions(0, 4)
    published = FactorVersion.objects.filter(status="published").select_related("factor").first()

    response = admin_client.get(admin_url(FactorVersion, "changelist"), {
        "status__exact": "published", "factor__region__id__exact": published.factor.region_id,
    })

    assert list(response.context["cl"].result_list) == [published]
