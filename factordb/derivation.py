"""The one schema of FactorVersion.derivation: how a derived value was worked out.

    {"parameters": {name: {"value": "20.908", "unit": "GJ/t", "source": "…", …}},
     "gases": {gas: {"parameters": [name, …], "constant": "44/12", "unit_conversion": "1",
                     "result": "2.02", "formula": "NCV × CC × 44/12"}},
     "result_unit": "kg/t", "rounding": "0.000001", other notes: "…"}

Numbers are decimal strings, as everywhere in the public data (a float would lose digits).
Every part is optional; a value entered directly has the empty derivation {}. The model
checks it on every save (factordb/models/factor.py), so the admin, the services and the
seed meet the same rule.

A gas's "result" is the platform's, never typed: it must equal the product of the gas's
parameters × constant × unit conversion at the stated rounding, as
factordb/services/derivation_compute.py computes it; a stored result that differs is refused
naming the gas and both numbers.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from factordb.services.derivation_compute import DerivationError, result_disagreements

_TEXT = {"type": "string", "maxLength": 2000}
_DECIMAL = {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$"}

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "parameters": {"type": "object", "additionalProperties": {
            "type": "object", "required": ["value"],
            "properties": {"value": _DECIMAL}, "additionalProperties": _TEXT,
        }},
        "gases": {"type": "object", "additionalProperties": {
            "type": "object", "required": ["parameters", "result"],
            "properties": {
                "parameters": {"type": "array", "items": {"type": "string"}},
                "constant": _TEXT, "unit_conversion": _TEXT, "result": _DECIMAL, "formula": _TEXT,
            },
            "additionalProperties": False,
        }},
    },
    # Anything else is a note in words: "result_unit", "rounding", "method", …
    "additionalProperties": _TEXT,
}

_validator = Draft202012Validator(SCHEMA)


def validate_derivation(derivation) -> None:
    """ValidationError naming "derivation" unless `derivation` fits the schema."""
    problems = [_where(error.absolute_path) + error.message
                for error in sorted(_validator.iter_errors(derivation), key=lambda e: list(e.absolute_path))]
    problems += _unknown_parameters(derivation) if not problems else []
    problems += _typed_results(derivation) if not problems else []
    if problems:
        raise ValidationError({"derivation": [
            _("推导参数不符合格式：%(problem)s") % {"problem": problem} for problem in problems]})


def _where(path) -> str:
    return "".join(f"[{part!r}]" for part in path) + ": " if path else ""


def _unknown_parameters(derivation: dict) -> list[str]:
    """A gas's formula may only cite parameters the derivation states."""
    stated = derivation.get("parameters", {})
    return [f"['gases'][{gas!r}]: cites '{name}', which is not among the parameters"
            for gas, entry in derivation.get("gases", {}).items()
            for name in entry["parameters"] if name not in stated]


def _typed_results(derivation: dict) -> list[str]:
    """Each gas whose stored result is not the one its parameters compute to, or why none can be."""
    try:
        wrong = result_disagreements(derivation)
    except DerivationError as exc:
        return [_("%(where)s: 无法计算：%(reason)s") % {"where": exc.where, "reason": exc.reason}]
    return [_("气体 %(gas)s 的结果 %(stored)s 与平台按参数计算的 %(computed)s 不一致"
              "（结果由平台计算，不可手填）") % {"gas": gas, "stored": stored, "computed": f"{computed:f}"}
            for gas, stored, computed in wrong]


def fits_schema(derivation) -> bool:
    """Whether `derivation` has the schema's shape (its results are not checked): one the admin
    can show as tables. A legacy shape (a number, a list, a formula as text) is not."""
    return isinstance(derivation, dict) and _validator.is_valid(derivation)
