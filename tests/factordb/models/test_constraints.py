"""What must always hold is held by the database itself, not only by forms."""

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from factordb.constants import FactorStatus
from factordb.models import Category, Factor, FactorVersion, GasAmount
from tests.factories import (
    CategoryFactory,
    DraftVersionFactory,
    FactorFactory,
    GasFactory,
    PublishedVersionFactory,
)

pytestmark = pytest.mark.django_db


@contextmanager
def refused_by_database():
    """IntegrityError inside its own savepoint, so PostgreSQL's transaction stays usable."""
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


def test_a_factor_identity_is_unique():
    factor = FactorFactory()
    with refused_by_database():
        Factor.objects.create(
            dataset=factor.dataset, category=factor.category, region=factor.region,
            unit=factor.unit, year=factor.year, boundary=factor.boundary, method=factor.method,
            name_zh="重复", name_en="duplicate",
        )


def test_two_authorities_may_publish_a_factor_for_the_same_thing():
    factor = FactorFactory()
    other = FactorFactory(
        category=factor.category, region=factor.region, unit=factor.unit, year=factor.year,
        dataset__code="IPCC-2006", dataset__authority_rank=3,
    )
    assert other.pk != factor.pk


def test_a_factor_has_at_most_one_published_version():
    published = PublishedVersionFactory()
    second = DraftVersionFactory(factor=published.factor)
    with refused_by_database():
        FactorVersion.objects.filter(pk=second.pk).update(
            status=FactorStatus.PUBLISHED, published_at=published.published_at,
        )


@pytest.mark.parametrize("field", ["dq_reliability", "dq_completeness", "dq_temporal",
                                   "dq_geographical", "dq_technological"])
@pytest.mark.parametrize("score", [0, 6, 7])
def test_quality_indicators_stay_between_1_and_5(field, score):
    with refused_by_database():
        DraftVersionFactory(**{field: score})


def test_a_negative_gas_amount_is_refused():
    version = DraftVersionFactory()
    with refused_by_database():
        GasAmount.objects.create(version=version, gas=GasFactory(code="N2O", formula="N2O"),
                                 amount=Decimal("-0.1"))


def test_a_negative_total_is_refused():
    with refused_by_database():
        DraftVersionFactory(co2e_total=Decimal("-1"), gas_amounts=None)


def test_a_removal_may_carry_negative_amounts():
    version = DraftVersionFactory(is_removal=True, co2e_total=Decimal("-1.5"))
    assert version.gas_amounts.get().amount == Decimal("-1.5")


def test_validity_starts_before_it_ends():
    with refused_by_database():
        DraftVersionFactory(valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2024, 1, 1))


def test_moving_a_category_carries_its_subtree_along():
    energy = CategoryFactory(code="energy")
    coal = CategoryFactory(code="coal")
    lignite = CategoryFactory(code="lignite", parent=coal)

    coal.parent = energy
    coal.save()

    lignite.refresh_from_db()
    assert lignite.path == "/energy/coal/lignite/"
    assert list(Category.objects.descendants_of(energy).values_list("code", flat=True)) == [
        "energy", "coal", "lignite"]


def test_a_removal_with_negative_amounts_cannot_simply_stop_being_one():
    version = DraftVersionFactory(is_removal=True, co2e_total=Decimal("-1.5"))
    version.is_removal = False
    version.co2e_total = Decimal(0)
    with pytest.raises(ValidationError, match="负值"):
        version.full_clean()
    with refused_by_database():
        version.save()
