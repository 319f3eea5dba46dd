"""A version's derivation (its parameters and per-gas formulas) fits one schema
(factordb/derivation.py), checked on every save: the admin, the services and the seed all
meet it. A derivation stored before the schema stays readable and is never rejected for
being what it already was."""

import copy

import pytest
from django.core.exceptions import ValidationError

from factordb.derivation import validate_derivation
from factordb.models import FactorVersion
from factordb.services.seed import seed_read
from tests.factories import DraftVersionFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "parameters": {
        "net_calorific_value": {"value": "20.908", "unit": "GJ/t", "source": "GB/T 32151.1"},
        "carbon_content_per_heat": {"value": "26.37", "unit": "tC/TJ"},
    },
    "gases": {"CO2": {"parameters": ["net_calorific_value", "carbon_content_per_heat"], "constant": "44/12",
                      "unit_conversion": "1", "result": "2021.594520", "formula": "NCV × CC × 44/12"}},
    "result_unit": "kg/t",
    "rounding": "0.000001",
}

BAD = {
    "a number": 5,
    "a list": [1, 2],
    "a plain string": "NCV × CC × OF × 44/12",
    "parameters as a number": {"parameters": 5},
    "a parameter value as a number": {"parameters": {"ncv": {"value": 20.9}}},
    "a parameter without a value": {"parameters": {"ncv": {"unit": "GJ/t"}}},
    "a parameter value that is no decimal": {"parameters": {"ncv": {"value": "about twenty"}}},
    "a gas as a string": {"gases": {"CO2": "NCV × CC"}},
    "a gas's parameters as a number": {"gases": {"CO2": {"parameters": 5, "result": "1"}}},
    "a gas citing a parameter it lacks": {"gases": {"CO2": {"parameters": ["ncv"], "result": "1"}}},
    "an unknown key in a gas": {"gases": {"CO2": {"parameters": [], "result": "1", "eval": "os"}}},
    "a note that is no string": {"note": {"deep": [1]}},
}


def test_an_empty_derivation_fits():
    validate_derivation({})


def test_a_derived_factors_derivation_fits():
    validate_derivation(GOOD)


def test_every_seed_derivation_fits():
    derivations = [spec.content["derivation"] for spec in seed_read().factors]
    assert any(derivations)
    for derivation in derivations:
        validate_derivation(derivation)


@pytest.mark.parametrize("derivation", BAD.values(), ids=BAD.keys())
def test_a_derivation_off_the_schema_is_refused_naming_the_field(derivation):
    with pytest.raises(ValidationError) as raised:
        validate_derivation(derivation)
    assert list(raised.value.message_dict) == ["derivation"]


@pytest.mark.parametrize("derivation", BAD.values(), ids=BAD.keys())
def test_saving_a_version_with_a_bad_derivation_changes_nothing(derivation):
    version = DraftVersionFactory()
    before = list(FactorVersion.objects.values())
    history = FactorVersion.history.count()
    version.derivation = derivation
    with pytest.raises(ValidationError) as raised:
        version.save()
    assert list(raised.value.message_dict) == ["derivation"]
    assert list(FactorVersion.objects.values()) == before
    assert FactorVersion.history.count() == history


@pytest.mark.parametrize("derivation", BAD.values(), ids=BAD.keys())
def test_a_new_version_with_a_bad_derivation_is_not_created(derivation):
    count = FactorVersion.objects.count()
    with pytest.raises(ValidationError):
        DraftVersionFactory(derivation=derivation)
    assert FactorVersion.objects.count() == count


def test_full_clean_reports_a_bad_derivation_on_its_field():
    version = DraftVersionFactory()
    version.derivation = {"parameters": {"ncv": {"value": 20.9}}}
    with pytest.raises(ValidationError) as raised:
        version.full_clean()
    assert "derivation" in raised.value.message_dict


def test_a_legacy_derivation_does_not_block_other_changes():
    version = DraftVersionFactory()
    FactorVersion.objects.filter(pk=version.pk).update(derivation=5)
    version.refresh_from_db()
    version.notes_en = "checked"
    version.save()
    assert FactorVersion.objects.get(pk=version.pk).notes_en == "checked"


def test_a_good_derivation_is_saved():
    version = DraftVersionFactory()
    version.derivation = copy.deepcopy(GOOD)
    version.save()
    assert FactorVersion.objects.get(pk=version.pk).derivation == GOOD
