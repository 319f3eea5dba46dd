"""Reference lists kept per data generation: read once while it lasts, never after it."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from factordb import gwp
from factordb.generation import data_changed
from factordb.models import GwpValue
from factordb.reference_data import reference
from tests.factories import CategoryFactory, GasFactory, GwpSetFactory

pytestmark = pytest.mark.django_db


def reads(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_a_generation_reads_each_list_once(shared_cache):
    CategoryFactory(code="steel")

    assert reads(lambda: reference().categories) == 1
    assert reads(lambda: reference().categories) == 0
    assert [c.code for c in reference().categories] == ["steel"]


def test_a_write_that_renews_the_generation_is_read_by_the_next_page(client, shared_cache):
    CategoryFactory(code="steel", name_zh="钢铁")
    assert "钢铁" in client.get(reverse("factor_search")).content.decode()

    CategoryFactory(code="cement", name_zh="水泥")  # saving a category renews the generation

    assert "水泥" in client.get(reverse("factor_search")).content.decode()


def test_the_lists_are_never_kept_past_their_generation(shared_cache):
    CategoryFactory(code="steel")
    first = reference()
    assert first.categories

    data_changed()

    assert reference() is not first
    assert reads(lambda: reference().categories) == 1


def test_where_the_cache_is_not_shared_every_call_reads_afresh(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CategoryFactory(code="steel")

    assert reads(lambda: reference().categories) == 1
    assert reads(lambda: reference().categories) == 1


def test_gwp_values_are_those_of_the_gwp_rule(shared_cache):
    ar5, ar6 = GwpSetFactory(code="AR5"), GwpSetFactory(code="AR6")
    GwpValue.objects.create(gwp_set=ar5, gas=GasFactory(code="CH4"), value=Decimal("28"))
    GasFactory(code="CO2_BIO", counts_in_co2e=False)

    assert reference().gwp_values == {gwp_set.pk: gwp.gwp_values(gwp_set) for gwp_set in (ar5, ar6)}
    assert reference().gwp_values[ar5.pk]["CO2_BIO"] == 0  # outside the total, in every set


def test_derived_lists_are_made_once_per_generation(shared_cache):
    made = []
    build = lambda: made.append(1) or len(made)  # noqa: E731

    assert reference().kept("labels", build) == 1
    assert reference().kept("labels", build) == 1
    data_changed()
    assert reference().kept("labels", build) == 2
