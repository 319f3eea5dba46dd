"""Unit conversion through pint, with the few units Chinese energy statistics add.

Every conversion goes through one registry; there is no hand-written conversion table.
"""

import tokenize
from decimal import Decimal
from functools import lru_cache

import pint

# Units pint does not know, defined from their official meaning.
_DEFINITIONS = (
    # Normal cubic metre (0 °C, 101.325 kPa): not convertible to a plain m³ without the
    # gas's state, so it gets its own dimension rather than a silent equivalence.
    "normal_cubic_meter = [normal_volume] = Nm3 = Nm³",
    # Tonne of coal equivalent (吨标准煤), GB/T 2589-2020: 29.3076 GJ.
    "tonne_coal_equivalent = 29.3076 * gigajoule = tce",
)


# The physical dimensions activity units come in, each named by a unit of that dimension.
DIMENSION_REFERENCE_UNITS = {
    "energy": "joule",
    "mass": "kilogram",
    "volume": "meter**3",
    "normal_volume": "Nm3",
    "distance": "kilometer",
    "area": "meter**2",
    "mass_distance": "tonne*kilometer",
    "time": "hour",
    "count": "dimensionless",
}


DIMENSION_CHOICES = [(name, name) for name in DIMENSION_REFERENCE_UNITS]


class UnitError(ValueError):
    """A unit pint does not know, or a conversion across physical dimensions."""


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    ureg = pint.UnitRegistry(non_int_type=Decimal, autoconvert_offset_to_baseunit=True)
    for definition in _DEFINITIONS:
        ureg.define(definition)
    return ureg


def parse_unit(expression: str) -> pint.Unit:
    """The pint unit for an expression such as 'kWh', 't', '10^4 Nm3' or 't*km'."""
    try:
        quantity = registry().parse_expression(expression.replace("^", "**"))
    # pint's tokenizer and evaluator surface each malformed expression in its own way:
    # unbalanced brackets (TokenError), "kWh/0" (ArithmeticError), a call (AssertionError).
    except (pint.errors.PintError, tokenize.TokenError, ArithmeticError, AssertionError,
            AttributeError, TypeError, SyntaxError, ValueError) as exc:
        raise UnitError(f"unknown unit '{expression}'") from exc
    if not isinstance(quantity, pint.Quantity):
        raise UnitError(f"'{expression}' is a number, not a unit")
    return quantity


def dimension_of(expression: str) -> str:
    """The physical dimension of a unit expression as pint writes it, e.g. "[mass]"."""
    return str(parse_unit(expression).dimensionality)


def dimension_name(expression: str) -> str:
    """The name of a unit's dimension ('energy', 'mass', …); UnitError if it has none of ours."""
    dimensionality = parse_unit(expression).dimensionality
    for name, reference in DIMENSION_REFERENCE_UNITS.items():
        if parse_unit(reference).dimensionality == dimensionality:
            return name
    raise UnitError(f"'{expression}' has dimension {dimensionality}, which activity units never have")


def convert(amount: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """Convert an amount between two units of the same dimension.

    Raises UnitError naming both units when their dimensions differ.
    """
    source = parse_unit(from_unit)
    target = parse_unit(to_unit)
    if source.dimensionality != target.dimensionality:
        raise UnitError(
            f"cannot convert '{from_unit}' ({source.dimensionality}) to '{to_unit}' "
            f"({target.dimensionality}): different physical dimensions"
        )
    # Divide rather than .to(target): a target such as '10^4 * Nm3' carries a magnitude
    # that .to() would drop.
    ratio = (Decimal(amount) * source / target).to("dimensionless")
    return Decimal(str(ratio.magnitude))


def conversion_factor(from_unit: str, to_unit: str) -> Decimal:
    """How many `to_unit` one `from_unit` is."""
    return convert(Decimal(1), from_unit, to_unit)
