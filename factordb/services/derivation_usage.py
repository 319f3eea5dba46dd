"""Which factors a derivation parameter feeds, and what they would be with the parameter corrected.

A parameter (say the net calorific value of raw coal, 20.908 GJ/t from one standard) is
written into the derivation of every factor computed from it. When it is corrected, each of
those factors must be redrafted with recomputed values. This module finds them and computes
the new values; it writes nothing (the redraft itself is a change set, elsewhere).

Which version of a factor counts: its newest version on the road or in force (a draft, one in
review, an approved one or the published one), the version a redraft would start from.
Superseded, withdrawn and rejected versions are history. A factor whose newest version no
longer cites the parameter as asked (already corrected in a draft) is not listed.
"""

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Prefetch, QuerySet

from factordb import consistency, gwp
from factordb.constants import FactorStatus
from factordb.models import FactorVersion, GasAmount
from factordb.services.derivation_compute import DerivationError, computed_results

WORKING_STATUSES = (FactorStatus.DRAFT, FactorStatus.SUBMITTED, FactorStatus.IN_REVIEW,
                    FactorStatus.CHANGES_REQUESTED, FactorStatus.APPROVED, FactorStatus.PUBLISHED)


@dataclass(frozen=True)
class ParameterUse:
    """One factor version citing the parameter: the entry as it stores it, and the gases using it."""

    version: FactorVersion
    parameter: dict
    gases: list[str]


@dataclass(frozen=True)
class GasRecomputation:
    gas: str
    current: Decimal | None  # the breakdown's amount (or the derivation's result if none)
    recomputed: Decimal


@dataclass(frozen=True)
class Recomputation:
    """A version's values with one parameter corrected. `problem` says why none could be computed."""

    use: ParameterUse
    corrected_value: Decimal
    gases: list[GasRecomputation]
    current_total: Decimal
    recomputed_total: Decimal | None
    # Whether the stated total still agrees with the recomputed breakdown (ADR 0020): if not,
    # the redraft must take the recomputed total.
    total_still_agrees: bool
    problem: str = ""
    # What a redraft would store: the derivation with the parameter corrected and every result
    # recomputed, and the whole breakdown {gas code: kg} (gases not using it unchanged).
    derivation: dict | None = None
    amounts: dict[str, Decimal] | None = None


def _decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value)) if isinstance(value, str | int | Decimal) else None
    except InvalidOperation:
        return None


def _matches(entry: object, value: Decimal | None, unit: str | None, source: str | None) -> bool:
    if not isinstance(entry, dict):
        return False
    if value is not None and _decimal(entry.get("value")) != value:
        return False
    if unit is not None and str(entry.get("unit", "")).strip() != unit.strip():
        return False
    return source is None or str(entry.get("source", "")).strip() == source.strip()


def _cites(derivation: object, name: str) -> bool:
    parameters = derivation.get("parameters") if isinstance(derivation, dict) else None
    return isinstance(parameters, dict) and name in parameters


def _newest_working_versions(name: str) -> QuerySet:
    # The name is matched here, not by a JSON key lookup in SQL: SQLite's JSON paths cannot
    # spell every key (a name with a double quote is never found), and any name is allowed.
    working = FactorVersion.objects.filter(status__in=WORKING_STATUSES)
    derivations = working.filter(derivation__has_key="parameters").values_list("factor_id", "derivation")
    citing = {factor_id for factor_id, derivation in derivations.iterator() if _cites(derivation, name)}
    gas_amounts = Prefetch("gas_amounts", queryset=GasAmount.objects.select_related("gas"))
    return (working.filter(factor_id__in=citing)
            .select_related("factor", "gwp_set").prefetch_related(gas_amounts)
            .order_by("factor__public_id", "-version"))


def parameter_uses(name: str, *, value: Decimal | None = None, unit: str | None = None,
                   source: str | None = None) -> list[ParameterUse]:
    """Every factor whose newest working version cites parameter `name` (with this value, unit
    and source where given: the value compared as a number, so 20.908 is 20.9080), by public id."""
    uses, seen = [], set()
    for version in _newest_working_versions(name):
        if version.factor_id in seen:
            continue
        seen.add(version.factor_id)
        derivation = version.derivation if isinstance(version.derivation, dict) else {}
        parameters = derivation.get("parameters")
        entry = parameters.get(name) if isinstance(parameters, dict) else None
        if not _matches(entry, value, unit, source):
            continue
        gases = derivation.get("gases") if isinstance(derivation.get("gases"), dict) else {}
        using = [gas for gas, formula in gases.items()
                 if isinstance(formula, dict) and name in (formula.get("parameters") or [])]
        uses.append(ParameterUse(version=version, parameter=dict(entry), gases=using))
    return uses


def recompute(use: ParameterUse, name: str, corrected_value: Decimal, *, unit: str | None = None,
              source: str | None = None) -> Recomputation:
    """The use's gas results and CO2e total with parameter `name` at `corrected_value` (and its
    unit or source corrected too, where given).

    The total is the recomputed breakdown's under the version's GWP set, at the stored
    precision; pure: the version and its derivation are not changed."""
    version = use.version
    breakdown = {row.gas.code: row.amount for row in version.gas_amounts.all()}
    base = {"current_total": version.co2e_total, "corrected_value": corrected_value, "use": use}
    try:
        results = computed_results(version.derivation, {name: corrected_value})
    except DerivationError as exc:
        return Recomputation(gases=[], recomputed_total=None, total_still_agrees=False,
                             problem=str(exc), **base)
    stated = {gas: _decimal(version.derivation["gases"][gas].get("result")) for gas in use.gases}
    gases = [GasRecomputation(gas=gas, current=breakdown.get(gas, stated[gas]), recomputed=results[gas])
             for gas in use.gases]
    amounts = breakdown | {change.gas: change.recomputed for change in gases}
    corrected = _corrected(version.derivation, name, corrected_value, unit, source, results)
    values = gwp.gwp_values(version.gwp_set)
    problem = consistency.co2e_problem(version.co2e_total, amounts, version.gwp_set.code, values)
    if problem is not None and problem[0] == "no_gwp":  # the message names the set and the gases
        return Recomputation(gases=gases, recomputed_total=None, total_still_agrees=False,
                             problem=problem[1], derivation=corrected, amounts=amounts, **base)
    total = gwp.co2e_from_breakdown(amounts, values).quantize(consistency.CO2E_PRECISION)
    return Recomputation(gases=gases, recomputed_total=total, total_still_agrees=problem is None,
                         derivation=corrected, amounts=amounts, **base)


def _corrected(derivation: dict, name: str, value: Decimal, unit: str | None, source: str | None,
               results: dict[str, Decimal]) -> dict:
    corrected = copy.deepcopy(derivation)
    entry = corrected["parameters"][name]
    entry["value"] = f"{value:f}"  # as written: 21.000 keeps its places
    entry |= {key: text for key, text in (("unit", unit), ("source", source)) if text is not None}
    for gas, result in results.items():
        corrected["gases"][gas]["result"] = f"{result:f}"
    return corrected


def recompute_all(uses: Iterable[ParameterUse], name: str, corrected_value: Decimal) -> list[Recomputation]:
    """`recompute` for each use: what a redraft of every factor citing the parameter would hold."""
    return [recompute(use, name, corrected_value) for use in uses]
