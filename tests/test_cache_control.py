"""What a proxy or CDN may keep: an anonymous 200 for PUBLIC_CACHE_SECONDS, its stated lifetime,
and nothing else; so a withdrawn factor is served by an honest cache no longer than that."""

import pytest
from django.test import Client
from django.utils.cache import get_max_age
from rest_framework.test import APIClient

from accounts.services import api_key_issue
from factordb.services.review import factor_version_withdraw
from tests.factories import PublishedVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    return PublishedVersionFactory()


def directives(response) -> set[str]:
    return {directive.strip() for directive in response.get("Cache-Control", "").split(",") if directive}


def _detail(version) -> str:
    return f"/api/v1/factors/{version.factor.public_id}/"


def _page(version) -> str:
    return f"/factors/{version.factor.public_id}/"


@pytest.mark.parametrize("where", [_detail, _page])
def test_an_anonymous_read_may_be_kept_by_anyone_for_its_stated_lifetime(published, settings, where):
    settings.PUBLIC_CACHE_SECONDS = 90

    response = Client().get(where(published))

    assert response.status_code == 200
    assert directives(response) == {"public", "max-age=90"}


def test_a_revalidation_keeps_the_lifetime(published):
    first = APIClient().get(_detail(published))

    again = APIClient().get(_detail(published), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert directives(again) == directives(first)


def test_a_signed_in_visitors_page_is_private(published, editor):
    client = Client()
    client.force_login(editor)

    response = client.get(_page(published))

    assert response.status_code == 200
    assert "public" not in directives(response)
    assert {"private", "no-cache"} <= directives(response)


def test_a_key_holders_answer_is_private(published, staff):
    _key, plain = api_key_issue(name="x", organisation="x", contact_email="x@example.org", tier="standard",
                                actor=staff, reason="test key")

    response = APIClient().get(_detail(published), HTTP_AUTHORIZATION=f"Api-Key {plain}")

    assert response.status_code == 200
    assert "public" not in directives(response)
    assert "private" in directives(response)


@pytest.mark.parametrize("path", ["/api/v1/factors/EF_NO_SUCH/", "/factors/EF_NO_SUCH/"])
def test_an_error_is_kept_by_nobody(path):
    response = Client().get(path)

    assert response.status_code == 404
    assert directives(response) == {"no-store"}


def test_a_refused_quota_is_kept_by_nobody(published, settings):
    settings.API_ANON_RATE = "1/min"
    client = APIClient()
    client.get(_detail(published))

    refused = client.get(_detail(published))

    assert refused.status_code == 429
    assert directives(refused) == {"no-store"}


def test_what_a_view_says_of_itself_stands(admin_client):
    assert "no-store" in directives(Client().get("/healthz"))
    assert "private" in directives(admin_client.get("/admin/"))


def test_with_no_lifetime_no_shared_cache_keeps_anything(published, settings):
    settings.PUBLIC_CACHE_SECONDS = 0

    response = Client().get(_detail(published))

    assert "public" not in directives(response)
    assert get_max_age(response) is None


def test_a_withdrawn_factor_is_the_next_answer_and_the_answer_is_kept_by_nobody(published, approver):
    before = APIClient().get(_detail(published))

    factor_version_withdraw(version=published, actor=approver, reason="superseded by the 2025 survey")
    after = APIClient().get(_detail(published), HTTP_IF_NONE_MATCH=before["ETag"])

    # A cache revalidating when the stated lifetime ends is not told the withdrawn value stands,
    # and keeps no "not found" that would hide a later publication.
    assert get_max_age(before) == 60
    assert after.status_code == 404
    assert directives(after) == {"no-store"}
