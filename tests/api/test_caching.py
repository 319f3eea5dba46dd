"""Every read carries its ETag, HEAD as GET; a change is never answered with a stale 304."""

import pytest
from django.utils.http import http_date

from factordb.models import VersionSource
from factordb.services import review
from tests.factories import ApprovedVersionFactory, PublishedVersionFactory, SourceFactory

pytestmark = pytest.mark.django_db

URLS = ["/api/v1/factors/", "/api/v1/units/", "/api/v1/regions/"]


@pytest.fixture
def published():
    return PublishedVersionFactory()


@pytest.mark.parametrize("url", URLS)
def test_every_get_carries_an_etag_and_no_last_modified(api, published, url):
    # A time cannot tell two changes in one second apart; the ETag, a hash of the body, can.
    response = api.get(url)
    assert response.has_header("ETag")
    assert not response.has_header("Last-Modified")


def test_if_none_match_answers_304_while_nothing_changed(api, published):
    first = api.get("/api/v1/factors/")
    again = api.get("/api/v1/factors/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_a_publication_changes_the_etag_so_the_new_value_is_served(api, published, approver, editor):
    url = f"/api/v1/factors/{published.factor.public_id}/"
    before = api.get(url)
    newer = ApprovedVersionFactory(factor=published.factor, version=published.version + 1, author=editor)
    VersionSource.objects.get_or_create(version=newer, source=SourceFactory())
    review.factor_version_publish(version=newer, actor=approver)

    after = api.get(url, HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert after.json()["version"]["version"] == newer.version
    assert after["ETag"] != before["ETag"]


def test_a_renamed_unit_is_served_to_a_client_asking_if_modified_since(api, published):
    before = api.get("/api/v1/units/")
    unit = published.factor.unit
    unit.name_en = "renamed unit"
    unit._change_reason = "test"
    unit.save()

    # The client sends back the Last-Modified it was given, or else the time it read.
    after = api.get("/api/v1/units/", HTTP_IF_MODIFIED_SINCE=before.get("Last-Modified", http_date()))

    assert after.status_code == 200
    assert "renamed unit" in [row["name_en"] for row in after.json()]


@pytest.mark.parametrize("url", URLS)
def test_head_carries_the_validators_of_get(api, published, url):
    head = api.head(url)
    get = api.get(url)

    assert head.status_code == get.status_code == 200
    assert head["ETag"] == get["ETag"]
    assert head.get("Last-Modified") == get.get("Last-Modified")


def test_head_with_if_none_match_answers_304_while_nothing_changed(api, published):
    first = api.get("/api/v1/factors/")
    again = api.head("/api/v1/factors/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
