"""A derivation's gas results are the platform's: the product of the named parameters ×
constant × unit conversion at the stated rounding, in Decimal, never typed. A stored result
that disagrees is refused on save, naming the gas."""

import copy
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from factordb.derivation import validate_derivation
from factordb.models import FactorVersion
from factordb.services.derivation_compute import (
    DerivationError,
    computed_results,
    parse_ratio,
    parse_rounding,
    result_disagreements,
    with_computed_results,
)
from factordb.services.seed import seed_read
from tests.factories import DraftVersionFactory

COAL = {
    "parameters": {
        "net_calorific_value": {"value": "20.908", "unit": "GJ/t", "source": "GB/T 2589"},
        "carbon_content_per_heat": {"value": "26.37", "unit": "tC/TJ", "source": "GB/T 2589"},
        "oxidation_rate": {"value": "0.94", "unit": "fraction"},
    },
    "gases": {"CO2": {"parameters": ["net_calorific_value", "carbon_content_per_heat", "oxidation_rate"],
                      "constant": "44/12", "unit_conversion": "1", "result": "1900.298849",
                      "formula": "NCV × CC × OF × 44/12"}},
    "result_unit": "kg/t",
    "rounding": "0.000001",
}


def test_the_result_is_the_product_of_parameters_constant_and_conversion_at_the_rounding():
    # 20.908 × 26.37 × 0.94 × 44 / 12 = 1900.2988488 → 1900.298849 at six places
    assert computed_results(COAL) == {"CO2": Decimal("1900.298849")}


def test_the_ratio_is_divided_last_so_the_order_of_factors_cannot_change_a_result():
    reordered = copy.deepcopy(COAL)
    reordered["gases"]["CO2"]["parameters"].reverse()
    assert computed_results(reordered) == computed_results(COAL)


def test_half_a_unit_rounds_to_even_as_the_seed_did():
    derivation = {"parameters": {"a": {"value": "0.125"}, "b": {"value": "0.135"}},
                  "gases": {"X": {"parameters": ["a"], "result": "0"},
                            "Y": {"parameters": ["b"], "result": "0"}},
                  "rounding": "0.01"}
    assert computed_results(derivation) == {"X": Decimal("0.12"), "Y": Decimal("0.14")}


def test_without_a_stated_rounding_results_keep_a_gas_amounts_ten_places():
    derivation = {"parameters": {"c": {"value": "1"}},
                  "gases": {"CO2": {"parameters": ["c"], "constant": "44/12", "result": "3.6666666667"}}}
    assert computed_results(derivation) == {"CO2": Decimal("3.6666666667")}


def test_a_corrected_value_overrides_the_stated_one_without_touching_the_derivation():
    before = copy.deepcopy(COAL)
    corrected = computed_results(COAL, {"net_calorific_value": Decimal("21.000")})
    # 21 × 26.37 × 0.94 × 44/12 = 1908.6606
    assert corrected == {"CO2": Decimal("1908.660600")}
    assert before == COAL


def test_with_computed_results_writes_the_computed_result_over_a_typed_one():
    typed = copy.deepcopy(COAL)
    typed["gases"]["CO2"]["result"] = "2000"
    assert with_computed_results(typed)["gases"]["CO2"]["result"] == "1900.298849"
    assert typed["gases"]["CO2"]["result"] == "2000"


@pytest.mark.parametrize(("text", "expected"), [
    ("44/12", (Decimal(44), Decimal(12))), ("1", (Decimal(1), Decimal(1))),
    (" 0.001 ", (Decimal("0.001"), Decimal(1))), ("1e-3/2", (Decimal("0.001"), Decimal(2))),
])
def test_a_constant_is_a_decimal_or_a_ratio_of_decimals(text, expected):
    ratio = parse_ratio(text, ("gases", "CO2", "constant"))
    assert (ratio.numerator, ratio.denominator) == expected


HOSTILE_CONSTANTS = ["__import__('os').system('true')", "44/12/2", "44*12", "1/0", "0/0.0", "", "nan",
                     "inf", "1e999999", "1/1e-999", "４４/12", "44 / ", 44, None, ["44/12"]]


@pytest.mark.parametrize("constant", HOSTILE_CONSTANTS, ids=repr)
def test_anything_else_as_a_constant_is_refused_naming_the_gas_and_field(constant):
    derivation = copy.deepcopy(COAL)
    derivation["gases"]["CO2"]["constant"] = constant
    if constant in ("", None):  # no constant: the gas has none (× 1)
        assert computed_results(derivation) == {"CO2": Decimal("518.263322")}
        return
    with pytest.raises(DerivationError) as raised:
        computed_results(derivation)
    assert raised.value.path == ("gases", "CO2", "constant")


@pytest.mark.parametrize("rounding", ["0.000005", "0", "-0.01", "about six places", "1/10", "1e-999"])
def test_a_rounding_that_is_no_power_of_ten_is_refused(rounding):
    with pytest.raises(DerivationError) as raised:
        parse_rounding(rounding)
    assert raised.value.path == ("rounding",)


def test_without_gases_a_rounding_is_only_a_note():
    validate_derivation({"parameters": {"ncv": {"value": "20.9"}}, "rounding": "to three figures"})


def test_with_gases_a_rounding_in_words_is_refused_on_save():
    worded = copy.deepcopy(COAL)
    worded["rounding"] = "to three figures"
    with pytest.raises(ValidationError) as raised:
        validate_derivation(worded)
    assert "['rounding']" in raised.value.message_dict["derivation"][0]


def test_rounding_may_be_written_as_places_or_as_an_exponent():
    assert parse_rounding("0.000001") == parse_rounding("1e-6") == Decimal("1e-6")
    assert parse_rounding("10") == Decimal("1e1")


def test_a_result_too_large_to_round_is_refused_not_a_crash():
    derivation = {"parameters": {name: {"value": "1e99"} for name in "abcde"},
                  "gases": {"CO2": {"parameters": list("abcde"), "result": "1"}}, "rounding": "0.000001"}
    with pytest.raises(DerivationError) as raised:
        computed_results(derivation)
    assert raised.value.path == ("gases", "CO2", "result")


def test_a_value_of_a_million_digits_is_computed_without_hanging():
    derivation = {"parameters": {"a": {"value": "1." + "3" * 1_000_000}},
                  "gases": {"CO2": {"parameters": ["a"], "result": "1.333333"}}, "rounding": "0.000001"}
    assert computed_results(derivation) == {"CO2": Decimal("1.333333")}


def test_every_seed_derivation_computes_to_its_stored_results():
    derivations = [spec.content["derivation"] for spec in seed_read().factors if spec.content["derivation"]]
    assert len(derivations) >= 40
    assert [d for d in derivations if d.get("gases") and result_disagreements(d)] == []


# --- Refused on save ---------------------------------------------------------------------------


def test_a_typed_result_that_disagrees_is_refused_naming_the_gas_and_both_numbers():
    typed = copy.deepcopy(COAL)
    typed["gases"]["CO2"]["result"] = "1900.3"
    with pytest.raises(ValidationError) as raised:
        validate_derivation(typed)
    [message] = raised.value.message_dict["derivation"]
    assert "CO2" in message
    assert "1900.3" in message
    assert "1900.298849" in message


def test_the_same_number_written_with_other_trailing_zeros_is_the_computed_result():
    padded = copy.deepcopy(COAL)
    padded["gases"]["CO2"]["result"] = "1900.2988490"
    validate_derivation(padded)


def test_an_uncomputable_constant_is_refused_on_save_naming_where():
    bad = copy.deepcopy(COAL)
    bad["gases"]["CO2"]["constant"] = "44÷12"
    with pytest.raises(ValidationError) as raised:
        validate_derivation(bad)
    assert "['gases']['CO2']['constant']" in raised.value.message_dict["derivation"][0]


@pytest.mark.django_db
def test_a_version_with_a_typed_result_is_not_saved():
    version = DraftVersionFactory()
    typed = copy.deepcopy(COAL)
    typed["gases"]["CO2"]["result"] = "1900"
    version.derivation = typed
    with pytest.raises(ValidationError):
        version.save()
    assert FactorVersion.objects.get(pk=version.pk).derivation == {}


@pytest.mark.django_db
def test_a_version_with_computed_results_is_saved():
    version = DraftVersionFactory()
    version.derivation = copy.deepcopy(COAL)
    version.save()
    assert FactorVersion.objects.get(pk=version.pk).derivation == COAL
