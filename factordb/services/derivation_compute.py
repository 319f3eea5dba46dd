"""A derivation's per-gas results, computed by the platform from the stated parameters.

A gas's result is the product of its named parameters × its constant × its unit conversion,
rounded to the derivation's stated `rounding` (a quantum such as "0.000001", half to even as
Python's decimal does by default and as the seed rounded). No `rounding` stated: the result is
rounded to the stored precision of a gas amount (10 places, GasAmount.amount).

Arithmetic is Decimal only, never float and never eval: a constant or a unit conversion is a
decimal ("1", "0.001") or a ratio of two decimals ("44/12"). The products are taken in a wide
context (PRECISION digits) and the one division (by the ratios' denominators) is the last step
before the stated rounding, so the order the factors are written in cannot change a result.

Pure: no database, so the model's save check (factordb/derivation.py), the admin form and the
parameter-usage listing all compute the same way.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, DecimalException, InvalidOperation

from django.utils.translation import gettext as _

# Wide enough that products of real parameters are exact; a hostile 10^6-digit value is
# rounded here instead of making the arithmetic slow.
PRECISION = 100
# Far beyond any real amount (bounds.MAX_AMOUNT is 10^15) and far inside Decimal's own limits.
_LARGEST_EXPONENT = 100
DEFAULT_ROUNDING = Decimal("1e-10")  # GasAmount.amount's decimal places

_DECIMAL = r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"
_NUMBER = re.compile(rf"^\s*({_DECIMAL})\s*(?:/\s*({_DECIMAL})\s*)?$")
_CONTEXT = Context(prec=PRECISION, rounding=ROUND_HALF_EVEN, Emax=_LARGEST_EXPONENT * 4,
                   Emin=-_LARGEST_EXPONENT * 4)


class DerivationError(ValueError):
    """A derivation that cannot be computed. `path` names where, as the JSON is laid out:
    ("gases", "CO2", "constant"), ("parameters", "ncv", "value"), ("rounding",)."""

    def __init__(self, path: tuple[str, ...], reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(f"{self.where}: {reason}")

    @property
    def where(self) -> str:
        return "".join(f"[{part!r}]" for part in self.path)


@dataclass(frozen=True)
class Ratio:
    """numerator / denominator, both decimals: "44/12" kept exact until the final rounding."""

    numerator: Decimal
    denominator: Decimal = Decimal(1)


def parse_decimal(text: object, path: tuple[str, ...]) -> Decimal:
    """A decimal string within sane magnitude, or DerivationError naming `path`."""
    ratio = parse_ratio(text, path)
    if ratio.denominator != 1:
        raise DerivationError(path, _("须为十进制数，不能是比值"))
    return ratio.numerator


def parse_ratio(text: object, path: tuple[str, ...]) -> Ratio:
    """"1", "0.001", "44/12": a decimal or a ratio of two decimals; anything else refused."""
    match = _NUMBER.match(text) if isinstance(text, str) else None
    if match is None:
        raise DerivationError(path, _("%(text)s 不是十进制数，也不是 44/12 这样的比值")
                              % {"text": repr(text)})
    numerator = _bounded(Decimal(match.group(1)), path)
    denominator = _bounded(Decimal(match.group(2) or "1"), path)
    if denominator == 0:
        raise DerivationError(path, _("%(text)s 除以零") % {"text": repr(text)})
    return Ratio(numerator, denominator)


def parse_rounding(text: object) -> Decimal:
    """The quantum results are rounded to: a positive power of ten ("0.000001", "1", "1e-6")."""
    if text is None or text == "":
        return DEFAULT_ROUNDING
    quantum = parse_decimal(text, ("rounding",))
    if quantum <= 0 or quantum.normalize().as_tuple().digits != (1,):
        raise DerivationError(("rounding",), _("%(text)s 不是 10 的幂（例如 0.000001）")
                              % {"text": repr(text)})
    return quantum.normalize()


def _bounded(value: Decimal, path: tuple[str, ...]) -> Decimal:
    if value and abs(value.adjusted()) > _LARGEST_EXPONENT:
        raise DerivationError(path, _("%(value)s 超出范围（10^-%(limit)s 至 10^%(limit)s）")
                              % {"value": value, "limit": _LARGEST_EXPONENT})
    return value


def gas_result(values: Mapping[str, Decimal], entry: Mapping, rounding: Decimal, gas: str) -> Decimal:
    """One gas's result: Π values[name] for its parameters × constant × unit conversion, rounded.

    `values` are the parameters' decimals by name; a name not among them is a DerivationError."""
    names = entry.get("parameters", [])
    if not isinstance(names, list):
        raise DerivationError(("gases", gas, "parameters"), _("须为参数名称的列表"))
    constant = parse_ratio(entry.get("constant") or "1", ("gases", gas, "constant"))
    conversion = parse_ratio(entry.get("unit_conversion") or "1", ("gases", gas, "unit_conversion"))
    numerator = _CONTEXT.multiply(constant.numerator, conversion.numerator)
    try:
        for name in names:
            if name not in values:
                raise DerivationError(("gases", gas, "parameters"),
                                      _("引用了参数 %(name)s，但参数表中没有它") % {"name": repr(name)})
            numerator = _CONTEXT.multiply(numerator, values[name])
        denominator = _CONTEXT.multiply(constant.denominator, conversion.denominator)
        return _CONTEXT.divide(numerator, denominator).quantize(rounding, context=_CONTEXT)
    except DecimalException as exc:
        raise DerivationError(("gases", gas, "result"), _("数值过大或过小，无法计算")) from exc


def parameter_values(parameters: object) -> dict[str, Decimal]:
    """{name: Decimal} of a derivation's "parameters"; DerivationError naming a bad value."""
    if not isinstance(parameters, Mapping):
        raise DerivationError(("parameters",), _("须为具名参数的表"))
    values = {}
    for name, entry in parameters.items():
        if not isinstance(entry, Mapping):
            raise DerivationError(("parameters", name), _("须有数值"))
        values[name] = parse_decimal(entry.get("value"), ("parameters", name, "value"))
    return values


def computed_results(derivation: Mapping,
                     overrides: Mapping[str, Decimal] | None = None) -> dict[str, Decimal]:
    """{gas: result} as the platform computes it from `derivation`'s parameters.

    `overrides` replaces parameter values by name (a corrected parameter) without touching
    the derivation. Raises DerivationError naming the part that cannot be computed."""
    values = parameter_values(derivation.get("parameters", {})) | dict(overrides or {})
    gases = derivation.get("gases", {})
    if not isinstance(gases, Mapping):
        raise DerivationError(("gases",), _("须为气体的表"))
    if not gases:
        return {}  # a "rounding" with nothing to round is a note in words
    rounding = parse_rounding(derivation.get("rounding"))
    results = {}
    for gas, entry in gases.items():
        if not isinstance(entry, Mapping):
            raise DerivationError(("gases", gas), _("须为公式"))
        results[gas] = gas_result(values, entry, rounding, gas)
    return results


def with_computed_results(derivation: dict) -> dict:
    """A copy of `derivation` whose every gas "result" is the computed one (never typed)."""
    results = computed_results(derivation)
    gases = {gas: {**entry, "result": f"{results[gas]:f}"}
             for gas, entry in derivation.get("gases", {}).items()}
    return {**derivation, "gases": gases} if gases else dict(derivation)


def result_disagreements(derivation: Mapping) -> list[tuple[str, object, Decimal]]:
    """[(gas, stored result, computed result)] for each gas whose stored result is not the computed one."""
    results = computed_results(derivation)
    wrong = []
    for gas, entry in derivation.get("gases", {}).items():
        stored = entry.get("result")
        try:
            agrees = Decimal(stored) == results[gas]
        except (InvalidOperation, TypeError, ValueError):
            agrees = False
        if not agrees:
            wrong.append((gas, stored, results[gas]))
    return wrong
