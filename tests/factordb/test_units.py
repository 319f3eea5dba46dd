from decimal import Decimal

import pytest

from factordb import units


@pytest.mark.parametrize(
    ("amount", "from_unit", "to_unit", "expected"),
    [
        ("1", "MWh", "kWh", "1000"),
        ("2500", "kWh", "MWh", "2.5"),
        ("1", "GJ", "kWh", "277.7777777777777777777777778"),
        ("3.6", "GJ", "MWh", "1"),
        ("1", "kWh", "GJ", "0.0036"),
        ("1", "t", "kg", "1000"),
        ("750", "kg", "t", "0.75"),
        ("1", "10^4 * Nm3", "Nm3", "10000"),
        ("1", "Nm3", "10^4 * Nm3", "0.0001"),
        ("389.31", "GJ", "10^4 * GJ", "0.038931"),
        ("1", "tce", "GJ", "29.3076"),
        ("1", "TJ", "GJ", "1000"),
    ],
)
def test_it_converts_within_a_dimension(amount, from_unit, to_unit, expected):
    assert units.convert(Decimal(amount), from_unit, to_unit) == Decimal(expected)


def test_a_round_trip_returns_the_amount():
    there = units.convert(Decimal("123.456"), "kWh", "GJ")
    assert units.convert(there, "GJ", "kWh") == Decimal("123.456")


@pytest.mark.parametrize(("from_unit", "to_unit"), [("kWh", "kg"), ("t", "m**3"), ("Nm3", "m**3")])
def test_it_refuses_to_convert_across_dimensions_and_names_both_units(from_unit, to_unit):
    with pytest.raises(units.UnitError) as excinfo:
        units.convert(Decimal(1), from_unit, to_unit)
    assert f"'{from_unit}'" in str(excinfo.value)
    assert f"'{to_unit}'" in str(excinfo.value)
    assert "dimension" in str(excinfo.value)


def test_it_names_an_unknown_unit():
    with pytest.raises(units.UnitError, match="unknown unit 'furlongs_of_coal'"):
        units.parse_unit("furlongs_of_coal")


@pytest.mark.parametrize(
    ("expression", "dimension"),
    [("kWh", "energy"), ("GJ", "energy"), ("t", "mass"), ("L", "volume"),
     ("10^4 * Nm3", "normal_volume"), ("t*km", "mass_distance")],
)
def test_it_names_the_dimension_of_activity_units(expression, dimension):
    assert units.dimension_name(expression) == dimension


@pytest.mark.parametrize("expression", ["(kWh", "kWh)", "kWh[", "kWh/0", "1/0",
                                        "__import__('os').system('id')"])
def test_a_malformed_expression_is_an_unknown_unit(expression):
    # Staff type pint expressions into the unit registry; a typo is a form error, not a crash.
    with pytest.raises(units.UnitError, match="unknown unit"):
        units.parse_unit(expression)
