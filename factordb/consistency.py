"""A version's stated CO2e total must agree with its own gas breakdown under its GWP set.

Tolerance: one unit in the last decimal place the stated total is written with, never less
than the storage precision (ADR 0020). Trailing zeros as written count ("0.5370" claims four
places); but storage pads every total to 8 places, so a total with exactly 8 places is read
with its trailing zeros dropped (never coarser than units): the most places we can know it was
written with. That reading is never stricter than the one at entry, so a version accepted when
written is not refused later (at submission, in a revision) for its rounding alone.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from factordb import gwp
from factordb.models import FactorVersion, GwpSet

# The stored precision of a total (FactorVersion.co2e_total has 8 decimal places).
CO2E_PRECISION = Decimal("1e-8")
_STORED_EXPONENT = CO2E_PRECISION.as_tuple().exponent


@dataclass(frozen=True)
class Disagreement:
    stated: Decimal  # as the rule reads it (storage padding dropped)
    computed: Decimal
    tolerance: Decimal


def stated_as_written(stated: Decimal) -> Decimal:
    """The total with the places it was written with: storage's padding zeros dropped."""
    stated = Decimal(stated)
    if stated.as_tuple().exponent != _STORED_EXPONENT:
        return stated
    normalized = stated.normalize()
    # 740.00000000 normalizes to 7.4E+2; it was written with at least its units.
    return normalized if normalized.as_tuple().exponent <= 0 else normalized.quantize(Decimal(1))


def tolerance(stated: Decimal) -> Decimal:
    """One unit in the last place of the stated total as written, at least the stored precision."""
    exponent = stated_as_written(stated).as_tuple().exponent
    return max(Decimal(1).scaleb(exponent), CO2E_PRECISION)


def co2e_disagreement(
    stated: Decimal, amounts: Mapping[str, Decimal], gwp_values: Mapping[str, Decimal],
) -> Disagreement | None:
    """How a stated total disagrees with its breakdown {gas code: kg} under {gas code: GWP}, or None.

    No breakdown: nothing to disagree with. A gas without a GWP raises `gwp.GwpError`: its
    share is unknown, so agreement cannot be decided (gases outside the total, such as
    biogenic CO2, have GWP 0 in `gwp.gwp_values`).
    """
    if not amounts:
        return None
    computed = gwp.co2e_from_breakdown(amounts, gwp_values)
    written = stated_as_written(stated)
    allowed = tolerance(stated)
    if abs(written - computed) <= allowed:
        return None
    return Disagreement(stated=written, computed=computed, tolerance=allowed)


def _plain(value: Decimal) -> str:
    return f"{value:f}"


def co2e_problem(
    co2e_total: Decimal, gas_amounts: Mapping[str, Decimal], gwp_set_code: str, values: Mapping[str, Decimal],
) -> tuple[str, str] | None:
    """(code, message naming both numbers and the GWP set) when the total and breakdown disagree
    under `values` (gwp.gwp_values of the set), or None."""
    try:
        found = co2e_disagreement(co2e_total, gas_amounts, values)
    except gwp.GwpError:
        missing = ", ".join(sorted(code for code in gas_amounts if code not in values))
        return "no_gwp", _(
            "GWP 值集 %(gwp_set)s 没有气体 %(gases)s 的 GWP 值，无法核对 CO2e 合计与分气体排放量是否一致。"
        ) % {"gwp_set": gwp_set_code, "gases": missing}
    if found is None:
        return None
    return "co2e_disagrees", _(
        "CO2e 合计 %(stated)s 与分气体排放量按 %(gwp_set)s 计算的 %(computed)s 不一致"
        "（相差 %(difference)s，允许至多 %(tolerance)s）。"
    ) % {"stated": _plain(found.stated), "computed": _plain(found.computed.normalize()),
         "gwp_set": gwp_set_code, "difference": _plain(abs(found.stated - found.computed).normalize()),
         "tolerance": _plain(found.tolerance)}


def check_co2e_total(
    *, co2e_total: Decimal, gas_amounts: Mapping[str, Decimal], gwp_set: GwpSet,
) -> None:
    """Raise ValidationError {"co2e_total": message naming both numbers and the GWP set} on disagreement."""
    problem = co2e_problem(co2e_total, gas_amounts, gwp_set.code, gwp.gwp_values(gwp_set))
    if problem is not None:
        code, message = problem
        raise ValidationError({"co2e_total": message}, code=code)


def check_stored_version(version: FactorVersion) -> None:
    """The check on a version's saved total and saved breakdown rows."""
    check_co2e_total(
        co2e_total=version.co2e_total, gwp_set=version.gwp_set,
        gas_amounts={row.gas.code: row.amount for row in version.gas_amounts.select_related("gas")},
    )
