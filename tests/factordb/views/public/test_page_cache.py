"""Public pages are kept under the data generation and dated, and never served stale."""

import time
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils.http import http_date

from factordb.generation import GENERATION_KEY, data_changed
from factordb.services.corrections import factor_correct_names
from tests.factories import PublishedVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _new_generation(shared_cache):
    data_changed()


def generation_begun_seconds_ago(seconds: float) -> None:
    cache.set(GENERATION_KEY, f"{time.time() - seconds:.6f}-test", timeout=None)


@pytest.fixture
def published():
    return PublishedVersionFactory(co2e_total=Decimal("0.5366"), factor__name_zh="全国电网平均排放因子")


def test_the_same_page_again_costs_no_query(client, published, django_assert_num_queries):
    first = client.get("/")

    with django_assert_num_queries(0):
        again = client.get("/")

    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]


def test_a_page_states_when_its_data_generation_began(client, published):
    generation_begun_seconds_ago(30)
    began = float(cache.get(GENERATION_KEY).partition("-")[0])

    response = client.get("/")

    assert response["Last-Modified"] == http_date(began)
    assert response.has_header("ETag")


def test_a_page_answers_if_modified_since_with_304_until_the_data_changes(client, approver, published):
    generation_begun_seconds_ago(30)
    stamp = client.get("/")["Last-Modified"]
    assert client.get("/", HTTP_IF_MODIFIED_SINCE=stamp).status_code == 304

    factor_correct_names(factor=published.factor, name_zh="全国电网平均二氧化碳排放因子",
                         name_en=published.factor.name_en, actor=approver, reason="名称更正")

    changed = client.get("/", HTTP_IF_MODIFIED_SINCE=stamp)
    assert changed.status_code == 200
    assert "全国电网平均二氧化碳排放因子" in changed.content.decode()


def test_no_last_modified_while_the_generation_is_in_its_first_second(client, published):
    # A write later in the same second would begin a generation with the same time stamp.
    data_changed()

    assert not client.get("/").has_header("Last-Modified")


def test_a_write_is_seen_at_once_by_the_next_visitor(client, approver, published):
    client.get("/")

    factor_correct_names(factor=published.factor, name_zh="更正后的名称", name_en=published.factor.name_en,
                         actor=approver, reason="名称更正")

    assert "更正后的名称" in client.get("/").content.decode()


def test_no_cache_in_the_request_has_the_page_worked_out_afresh(client, published,
                                                               django_assert_max_num_queries):
    client.get("/")
    with django_assert_max_num_queries(100) as queries:
        client.get("/", HTTP_CACHE_CONTROL="no-cache")
    assert len(queries) > 0


def test_signed_in_staff_are_never_served_a_kept_page(client, published, editor):
    client.get("/")
    client.force_login(editor)

    page = client.get("/").content.decode()

    assert "退出（editor）" in page


def test_each_language_keeps_its_own_page(client, published):
    client.get("/")
    english = client.get("/en/").content.decode()
    assert 'lang="en"' in english


def test_without_a_shared_cache_pages_carry_an_etag_but_no_last_modified(client, settings, published):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    generation_begun_seconds_ago(30)

    response = client.get("/")

    assert response.has_header("ETag")
    assert not response.has_header("Last-Modified")
