"""CO2-equivalent totals from a per-gas breakdown under a chosen GWP set."""

from collections.abc import Mapping
from decimal import Decimal

from factordb.models import Gas, GwpSet


class GwpError(ValueError):
    """A gas in a breakdown that the GWP set has no value for."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing  # the gas codes, for a message in the reader's language
        super().__init__(f"no GWP for {', '.join(missing)}")


def co2e_from_breakdown(amounts: Mapping[str, Decimal], gwp: Mapping[str, Decimal]) -> Decimal:
    """kg CO2e of a breakdown {gas code: kg gas} under GWPs {gas code: GWP}.

    Gases absent from `gwp` are an error, never silently counted as zero: a missing
    GWP would understate the total.
    """
    missing = sorted(code for code in amounts if code not in gwp)
    if missing:
        raise GwpError(missing)
    return sum((Decimal(amount) * Decimal(gwp[code]) for code, amount in amounts.items()),
               Decimal(0))


def gwp_values(gwp_set: GwpSet) -> dict[str, Decimal]:
    """{gas code: GWP} of a set, for the gases that count towards CO2e.

    Gases reported outside the total (biogenic CO2) are given 0 so a breakdown that
    lists them stays computable without their mass entering the total.
    """
    values = {row.gas.code: row.value for row in gwp_set.values.select_related("gas")}
    for gas in Gas.objects.filter(counts_in_co2e=False):
        values[gas.code] = Decimal(0)
    return values


def version_co2e(version, gwp_set: GwpSet) -> Decimal:
    """A version's total recomputed from its gas breakdown under another GWP set."""
    amounts = {row.gas.code: row.amount for row in version.gas_amounts.select_related("gas")}
    return co2e_from_breakdown(amounts, gwp_values(gwp_set))
