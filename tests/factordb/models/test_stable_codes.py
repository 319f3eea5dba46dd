"""The codes calculators cite, and what they mean, are fixed once a public factor uses them:
a unit's code, expression and dimension, a category's or region's code and place in its tree,
a dataset's code and rank. Keys sent years ago, and the answers of a sealed release to them,
depend on these; their names stay editable."""

import pytest
from django.core.exceptions import ValidationError

from factordb.models import Category, Dataset, Region, Unit
from tests.factories import (
    CategoryFactory,
    RegionFactory,
    SourcedDraftVersionFactory,
    SourcedPublishedVersionFactory,
)

pytestmark = pytest.mark.django_db

CHANGES = [
    ("unit", "code", "kWh-renamed"),
    ("unit", "pint_expression", "megawatt_hour"),
    ("category", "code", "energy.renamed"),
    ("region", "code", "CN-XX"),
    ("dataset", "code", "RENAMED"),
    ("dataset", "authority_rank", 9),
]


def rows(model) -> list[dict]:
    return list(model.objects.order_by("pk").values())


def snapshot() -> dict:
    return {model.__name__: rows(model) for model in (Unit, Category, Region, Dataset)}


@pytest.mark.parametrize(("relation", "field", "value"), CHANGES)
def test_a_code_a_public_factor_uses_is_fixed(relation, field, value):
    row = getattr(SourcedPublishedVersionFactory().factor, relation)
    before = snapshot()
    setattr(row, field, value)
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    assert field in caught.value.message_dict
    with pytest.raises(ValidationError):
        row.save()
    assert snapshot() == before


@pytest.mark.parametrize("relation", ["category", "region"])
def test_a_tree_node_a_public_factor_uses_stays_where_it_is(relation):
    row = getattr(SourcedPublishedVersionFactory().factor, relation)
    new_parent = (CategoryFactory if relation == "category" else RegionFactory)()
    before = snapshot()
    row.parent = new_parent
    with pytest.raises(ValidationError):
        row.save()
    assert snapshot() == before


@pytest.mark.parametrize(("relation", "field", "value"), CHANGES)
def test_work_in_progress_leaves_codes_editable(relation, field, value):
    row = getattr(SourcedDraftVersionFactory().factor, relation)
    setattr(row, field, value)
    row.full_clean(exclude=["parent"])
    row.save()
    row.refresh_from_db()
    assert getattr(row, field) == value


def test_names_stay_editable():
    unit = SourcedPublishedVersionFactory().factor.unit
    unit.name_en = "kilowatt-hour (renamed)"
    unit.save()
    assert Unit.objects.get(pk=unit.pk).name_en == "kilowatt-hour (renamed)"
