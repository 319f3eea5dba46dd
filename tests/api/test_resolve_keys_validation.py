"""The batch's keys are validated exactly as ResolveKeySerializer validates one key, though
plainly valid keys skip the nested serializer (the fast path of a 5,000-key batch)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from api.serializers_resolve import ResolveKeySerializer, ResolveKeysField

GOOD = {"category": "energy.electricity.grid_average", "region": "CN-AH", "year": 2024, "unit": "kWh"}


def judged_by_the_serializer(items: list):
    field = serializers.ListField(child=ResolveKeySerializer())
    try:
        return "valid", [dict(key) for key in field.run_validation(items)]
    except serializers.ValidationError as exc:
        return "invalid", exc.detail


def judged_by_the_batch_field(items: list):
    field = ResolveKeysField(child=ResolveKeySerializer())
    try:
        return "valid", [dict(key) for key in field.run_validation(items)]
    except serializers.ValidationError as exc:
        return "invalid", exc.detail


@pytest.mark.parametrize("item", [
    GOOD,
    {**GOOD, "boundary": "cradle_to_gate", "method": None},
    {**GOOD, "extra": "ignored"},
    {**GOOD, "region": " CN-AH "},  # trimmed by the serializer
    {**GOOD, "year": "2024"},  # a numeric string is a year to the serializer
    {**GOOD, "year": True},
    {**GOOD, "year": 2024.0},
    {**GOOD, "unit": ""},
    {**GOOD, "unit": "k\x00Wh"},
    {**GOOD, "category": "x" * 101},
    {**GOOD, "method": ""},
    {**GOOD, "region": None},
    {**GOOD, "category": 42},
    {"category": "a"},
    "not a key",
    7,
])
def test_each_kind_of_key_is_judged_as_the_serializer_judges_it(item):
    assert judged_by_the_batch_field([GOOD, item]) == judged_by_the_serializer([GOOD, item])


codes = st.one_of(st.text(max_size=110), st.none(), st.integers(), st.booleans())
years = st.one_of(st.integers(), st.text(max_size=6), st.floats(allow_nan=False), st.none(), st.booleans())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.fixed_dictionaries({}, optional={
    "category": codes, "region": codes, "unit": codes, "boundary": codes, "method": codes,
    "year": years,
}), max_size=5))
def test_any_batch_is_judged_as_the_serializer_judges_it(items):
    assert judged_by_the_batch_field(items) == judged_by_the_serializer(items)
