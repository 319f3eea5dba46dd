"""factors/: only published data, filters that say what they did not understand."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from factordb.constants import FactorStatus
from tests.factories import (
    STATE_FACTORIES,
    CategoryFactory,
    DraftVersionFactory,
    PublishedVersionFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/factors/"


def ids(response) -> set[str]:
    return {row["public_id"] for row in response.json()["results"]}


@pytest.fixture
def grid():
    energy = CategoryFactory(code="energy")
    return CategoryFactory(code="energy.electricity", parent=energy)


@pytest.mark.parametrize("status", [s for s in FactorStatus if s != FactorStatus.PUBLISHED])
def test_it_hides_every_version_that_is_not_published(api, status):
    hidden = STATE_FACTORIES[status]()
    shown = PublishedVersionFactory()

    listed = ids(api.get(URL))

    assert shown.factor.public_id in listed
    assert hidden.factor.public_id not in listed
    assert api.get(f"{URL}{hidden.factor.public_id}/").status_code == 404


def test_a_factor_shows_its_version_in_force_with_decimals_as_strings(api):
    version = PublishedVersionFactory(co2e_total=Decimal("0.53660000"))

    body = api.get(f"{URL}{version.factor.public_id}/").json()

    assert body["version"]["co2e_total"] == "0.5366"
    assert body["version"]["gas_amounts"] == [{"gas": "CO2", "amount": "0.5366"}]
    assert body["category"] == version.factor.category.code


def test_the_category_filter_includes_descendants(api, grid):
    inside = PublishedVersionFactory(factor__category=grid)
    outside = PublishedVersionFactory(factor__category=CategoryFactory(code="materials"))

    listed = ids(api.get(URL, {"category": "energy"}))

    assert inside.factor.public_id in listed
    assert outside.factor.public_id not in listed


@pytest.mark.parametrize(("parameter", "value"), [
    ("category", "no.such.category"), ("region", "XX"), ("unit", "furlong"), ("gas", "XENON"),
    ("boundary", "everywhere"), ("year", "twenty"), ("as_of", "yesterday"), ("ordering", "colour"),
])
def test_a_bad_filter_value_is_a_400_naming_the_parameter(api, parameter, value):
    response = api.get(URL, {parameter: value})

    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "invalid"
    assert parameter in body["details"]


def test_as_of_in_the_future_is_refused(api):
    later = (timezone.now() + dt.timedelta(days=1)).isoformat()
    response = api.get(URL, {"as_of": later})
    assert response.status_code == 400
    assert "as_of" in response.json()["error"]["details"]


def publish_at(version, moment):
    version.status, version.published_at = FactorStatus.PUBLISHED, moment
    version.save()
    return version


def test_as_of_answers_with_the_version_in_force_then(api):
    days_ago = lambda n: timezone.now() - dt.timedelta(days=n)  # noqa: E731
    old = publish_at(DraftVersionFactory(co2e_total=Decimal("0.6")), days_ago(10))
    old.status, old.superseded_at = FactorStatus.SUPERSEDED, days_ago(5)
    old.save()
    new = publish_at(DraftVersionFactory(factor=old.factor, version=old.version + 1), days_ago(5))

    at_then = api.get(f"{URL}{old.factor.public_id}/", {"as_of": days_ago(7).isoformat()}).json()
    now = api.get(f"{URL}{old.factor.public_id}/").json()
    before_any = api.get(f"{URL}{old.factor.public_id}/", {"as_of": days_ago(20).isoformat()})

    assert at_then["version"]["version"] == old.version
    assert now["version"]["version"] == new.version
    assert before_any.status_code == 404


def test_the_history_lists_published_versions_newest_first_and_no_drafts(api):
    first = PublishedVersionFactory()
    first.status, first.superseded_at = FactorStatus.SUPERSEDED, timezone.now()
    first.save()
    second = PublishedVersionFactory(factor=first.factor, version=first.version + 1)
    DraftVersionFactory(factor=first.factor, version=first.version + 2)

    history = api.get(f"{URL}{first.factor.public_id}/versions/").json()

    assert [row["version"] for row in history] == [second.version, first.version]


def test_the_list_costs_the_same_queries_for_3_or_30_factors(api, django_assert_max_num_queries):
    PublishedVersionFactory.create_batch(3, factor__region=RegionFactory())
    with django_assert_max_num_queries(8) as three:
        api.get(URL)
    PublishedVersionFactory.create_batch(27)
    with django_assert_max_num_queries(len(three.captured_queries)):
        api.get(URL)


def test_pages_are_bounded(api):
    response = api.get(URL, {"page_size": 5000})
    assert response.status_code == 200  # clamped to the maximum, documented in the schema


def test_it_orders_by_year_on_request(api):
    older = PublishedVersionFactory(factor__year=2021)
    newer = PublishedVersionFactory(factor__year=2023)
    rows = api.get(URL, {"ordering": "-year"}).json()["results"]
    assert [row["public_id"] for row in rows] == [newer.factor.public_id, older.factor.public_id]


def test_the_release_filter_answers_with_what_that_release_pinned(api, approver):
    from factordb.services.releases import release_cut

    pinned = PublishedVersionFactory(co2e_total=Decimal("0.6"))
    release_cut(name="2025.1", actor=approver)
    pinned.status, pinned.superseded_at = FactorStatus.SUPERSEDED, timezone.now()
    pinned.save()
    PublishedVersionFactory(factor=pinned.factor, version=pinned.version + 1)
    later = PublishedVersionFactory()

    listed = api.get(URL, {"release": "2025.1"}).json()["results"]
    detail = api.get(f"{URL}{pinned.factor.public_id}/", {"release": "2025.1"}).json()

    assert [(row["public_id"], row["version"]["version"]) for row in listed] == [
        (pinned.factor.public_id, pinned.version)]
    assert later.factor.public_id not in ids(api.get(URL, {"release": "2025.1"}))
    assert detail["version"]["version"] == pinned.version


def test_an_unknown_release_is_a_400_naming_it(api):
    response = api.get(URL, {"release": "1999.1"})
    assert response.status_code == 400
    assert "release" in response.json()["error"]["details"]
