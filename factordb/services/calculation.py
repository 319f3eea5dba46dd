"""Calculation: an activity amount in a unit → kg CO2e, per gas, with its uncertainty.

Decisions:
- `unit` is a unit of the registry (the Unit table), named by its code ("MWh", "10^4Nm3"),
  its symbol ("m³") or a listed alias ("千瓦时", "度"), as factordb.unit_names looks them up;
  never an expression of the client's, which pint would evaluate (a hostile one can exhaust
  the server). Only the registry's stored, validated pint
  expressions reach pint (factordb.units). Across dimensions it is an error naming both.
- `amount` is at most MAX_AMOUNT with at most AMOUNT_DECIMAL_PLACES decimal places
  (factordb.bounds), so every result fits the answer's decimal fields.
- CO2e is recomputed from the version's per-gas breakdown under the requested GWP set.
  A version without a breakdown (materials stated only as a CO2e total) answers with its
  stated total, under the GWP set it was stated in, and says so in `notes`.
- Biogenic CO2 is reported apart from the total (GB/T 24067-2024).
- Uncertainty: the version's 95 % interval (percent below / above the central value)
  applied to the total; the activity amount is taken as exact, and GWP uncertainty is
  not included.
- Arithmetic in Decimal at full precision; only the results are rounded, to 1 mg
  (6 decimal places of kg), half-even. `converted_amount` is not rounded.
- A factor named by a resolution `key` is resolved under the request's `fallback_policy`
  (factordb.services.fallback_policy; the default when none is given), and the answer's
  `resolution` reports it. A policy with a `public_id` is refused: nothing is resolved.

Every bad input is a ValidationError naming its field ("amount", "unit", "gwp_set",
"public_id", "key", "key.region", "release", "fallback_policy"), which the API answers with
a 400.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from factordb import gwp, units
from factordb.bounds import AMOUNT_DECIMAL_PLACES, MAX_AMOUNT
from factordb.models import FactorVersion, GasAmount, GwpSet, Release, Unit
from factordb.unit_names import UnitNameError, unit_named

from .fallback_policy import DEFAULT_POLICY, FallbackPolicy
from .resolution import Resolution, ResolveKey, resolve, visible_versions

KG_QUANTUM = Decimal("0.000001")
# Wide enough that quantizing a very large total to 1 mg never overflows the context.
_QUANTIZE_CONTEXT = Context(prec=60)


@dataclass(frozen=True)
class GasEmission:
    gas: str
    kg: Decimal  # kg of the gas itself
    gwp: Decimal | None  # None when the gas is reported outside the total
    kg_co2e: Decimal | None
    counts_in_co2e: bool


@dataclass(frozen=True)
class UncertaintyInterval:
    low_kg_co2e: Decimal
    high_kg_co2e: Decimal
    low_pct: Decimal
    high_pct: Decimal
    distribution: str
    confidence: str = "95%"


@dataclass
class Calculation:
    amount: Decimal
    unit: str
    factor_unit: str
    converted_amount: Decimal
    kg_co2e: Decimal
    gwp_set: str  # the set the total is under: the requested one, or the stated one
    gwp_basis: str  # "breakdown" (recomputed) | "stated" (the version's own total)
    gases: list[GasEmission]
    biogenic_co2_kg: Decimal | None
    uncertainty: UncertaintyInterval | None
    factor_public_id: str
    version_number: int
    version: FactorVersion = field(repr=False)
    release: str | None = None
    resolution: Resolution | None = None
    notes: list[str] = field(default_factory=list)


def calculate(*, amount, unit: str, public_id: str | None = None, key: ResolveKey | None = None,
              gwp_set: str = "AR6", as_of: datetime | None = None, release: str | None = None,
              fallback_policy: FallbackPolicy | None = None) -> Calculation:
    """Emissions of `amount` `unit` of activity, by the factor named by `public_id` or `key`
    (resolved under `fallback_policy`, the default one if None)."""
    amount = _parse_amount(amount)
    gwp_row = _gwp_set(gwp_set)
    version, resolution = _find_version(public_id=public_id, key=key, as_of=as_of, release=release,
                                        policy=fallback_policy)
    source = _registry_unit(unit)
    converted = _convert(amount, unit, source, version.factor.unit)
    # The answer names the unit by its code, whichever of its names the client gave.
    calculation = _compute(version, amount, source.code, converted, gwp_row)
    calculation.resolution = resolution
    calculation.release = release or _latest_release_of(version)
    return calculation


def _parse_amount(value) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise ValidationError({"amount": _("须为数值。")})
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValidationError({"amount": _("“%(value)s”不是数值。") % {"value": value}}) from exc
    if not amount.is_finite():
        raise ValidationError({"amount": _("“%(value)s”不是有限的数值。") % {"value": value}})
    if amount < 0:
        raise ValidationError({"amount": _("不能为负数，收到 %(value)s。") % {"value": value}})
    if amount > MAX_AMOUNT or (amount and amount.normalize().as_tuple().exponent < -AMOUNT_DECIMAL_PLACES):
        raise ValidationError({"amount": _("至多为 %(max)s，且至多 %(places)d 位小数；收到 %(value)s。") % {
            "max": f"{MAX_AMOUNT:.0E}", "places": AMOUNT_DECIMAL_PLACES, "value": value}})
    return amount


def _gwp_set(code: str) -> GwpSet:
    found = GwpSet.objects.filter(code=code).first()
    if found is None:
        known = ", ".join(GwpSet.objects.values_list("code", flat=True))
        raise ValidationError({"gwp_set": _("未知的 GWP 集“%(code)s”（已有：%(known)s）。") % {
            "code": code, "known": known}})
    return found


def _find_version(*, public_id, key, as_of, release, policy) -> tuple[FactorVersion, Resolution | None]:
    if (public_id is None) == (key is None):
        raise ValidationError({"public_id": _("请给出因子的 public_id 或解析键（key）之一，不要两者都给。")})
    if policy is not None and key is None:
        raise ValidationError({"fallback_policy": _("回退策略只适用于解析键（key），不适用于 public_id。")})
    if release is not None and not Release.objects.filter(name=release).exists():
        raise ValidationError({"release": _("未知的发布版本“%(name)s”") % {"name": release}})
    if key is not None:
        return _version_by_key(key, as_of=as_of, release=release, policy=policy or DEFAULT_POLICY)
    return _version_by_public_id(public_id, as_of=as_of, release=release), None


def _no_version_message(public_id: str, *, as_of, release) -> str:
    if release:
        return _("因子“%(id)s”在发布版本 %(release)s 中没有已发布的版本") % {
            "id": public_id, "release": release}
    if as_of:
        return _("因子“%(id)s”在 %(moment)s 时没有有效的已发布版本") % {"id": public_id,
                                                                  "moment": as_of.isoformat()}
    return _("因子“%(id)s”没有已发布的版本") % {"id": public_id}


def _with_gases(versions):
    return versions.prefetch_related(
        Prefetch("gas_amounts", queryset=GasAmount.objects.select_related("gas")))


def _version_by_public_id(public_id: str, *, as_of, release) -> FactorVersion:
    version = _with_gases(visible_versions(as_of=as_of, release=release)).filter(
        factor__public_id=public_id).first()
    if version is None:
        raise ValidationError({"public_id": _no_version_message(public_id, as_of=as_of, release=release)})
    return version


def _version_by_key(key: ResolveKey, *, as_of, release, policy) -> tuple[FactorVersion, Resolution]:
    (resolution,) = resolve([key], as_of=as_of, release=release, policy=policy)
    if resolution.errors:
        raise ValidationError({f"key.{name}": message for name, message in resolution.errors.items()})
    if not resolution.found:
        raise ValidationError({"key": resolution.reason})
    version = _with_gases(FactorVersion.objects.select_related(
        "factor__unit", "factor__region", "factor__dataset", "gwp_set")).get(pk=resolution.version_id)
    return version, resolution


def _registry_unit(unit: str) -> Unit:
    try:
        return unit_named(unit)
    except UnitNameError as exc:
        raise ValidationError({"unit": str(exc)}) from exc


def _convert(amount: Decimal, unit: str, source: Unit, factor_unit: Unit) -> Decimal:
    if source.dimension != factor_unit.dimension:
        raise ValidationError({"unit": _(
            "无法把“%(unit)s”（%(dimension)s）换算为因子的活动单位“%(factor_unit)s”（%(factor_dimension)s）："
            "物理量纲不同。") % {"unit": unit, "dimension": source.dimension, "factor_unit": factor_unit.code,
                            "factor_dimension": factor_unit.dimension}})
    try:
        return units.convert(amount, source.pint_expression, factor_unit.pint_expression)
    except units.UnitError as exc:  # two stored units that disagree with their declared dimension
        raise ValidationError({"unit": _(
            "单位登记表无法把“%(unit)s”换算为“%(factor_unit)s”：两者的 pint 表达式与声明的量纲不符。")
            % {"unit": unit, "factor_unit": factor_unit.code}}) from exc


def _compute(version: FactorVersion, amount: Decimal, unit: str, converted: Decimal,
             gwp_row: GwpSet) -> Calculation:
    rows = list(version.gas_amounts.all())
    if rows:
        gases, total, set_used, basis, notes = _from_breakdown(rows, converted, gwp_row)
    else:
        gases, total, set_used, basis = [], converted * version.co2e_total, version.gwp_set.code, "stated"
        notes = [_stated_note(version, gwp_row)]
    return Calculation(
        amount=amount, unit=unit, factor_unit=version.factor.unit.code, converted_amount=converted,
        kg_co2e=_kg(total), gwp_set=set_used, gwp_basis=basis, gases=gases,
        biogenic_co2_kg=_biogenic(version, rows, converted),
        uncertainty=_uncertainty(version, total), factor_public_id=version.factor.public_id,
        version_number=version.version, version=version, notes=notes,
    )


def _from_breakdown(rows: list[GasAmount], converted: Decimal, gwp_row: GwpSet):
    values = gwp.gwp_values(gwp_row)
    emitted = {row.gas.code: converted * row.amount for row in rows}
    try:
        total = gwp.co2e_from_breakdown(emitted, values)
    except gwp.GwpError as exc:
        raise ValidationError({"gwp_set": _("%(set)s：没有 %(gases)s 的 GWP 值") % {
            "set": gwp_row.code, "gases": ", ".join(exc.missing)}}) from exc
    gases = [
        GasEmission(gas=row.gas.code, kg=_kg(emitted[row.gas.code]), counts_in_co2e=row.gas.counts_in_co2e,
                    gwp=values[row.gas.code] if row.gas.counts_in_co2e else None,
                    kg_co2e=_kg(emitted[row.gas.code] * values[row.gas.code])
                    if row.gas.counts_in_co2e else None)
        for row in rows
    ]
    return gases, total, gwp_row.code, "breakdown", []


def _stated_note(version: FactorVersion, gwp_row: GwpSet) -> str:
    stated = version.gwp_set.code
    if stated == gwp_row.code:
        return _("该因子没有分气体的构成；总量为其声明的 CO2e。")
    return _("该因子没有分气体的构成；总量为其声明的 CO2e，"
             "按 %(stated)s 声明（无法按 %(asked)s 重新计算）。") % {
        "stated": stated, "asked": gwp_row.code}


def _biogenic(version: FactorVersion, rows: list[GasAmount], converted: Decimal) -> Decimal | None:
    if version.biogenic_co2 is not None:
        return _kg(converted * version.biogenic_co2)
    outside = [converted * row.amount for row in rows if not row.gas.counts_in_co2e]
    return _kg(sum(outside, Decimal(0))) if outside else None


def _uncertainty(version: FactorVersion, total: Decimal) -> UncertaintyInterval | None:
    low_pct, high_pct = version.uncertainty_low_pct, version.uncertainty_high_pct
    if low_pct is None or high_pct is None:
        return None
    bounds = sorted([total * (1 - low_pct / 100), total * (1 + high_pct / 100)])  # sorted: removals
    return UncertaintyInterval(low_kg_co2e=_kg(bounds[0]), high_kg_co2e=_kg(bounds[1]), low_pct=low_pct,
                               high_pct=high_pct, distribution=version.uncertainty_distribution)


def _latest_release_of(version: FactorVersion) -> str | None:
    """The newest release pinning this exact version, so a result can cite an edition."""
    return version.releases.order_by("-published_at").values_list("name", flat=True).first()


def _kg(value: Decimal) -> Decimal:
    return value.quantize(KG_QUANTUM, rounding=ROUND_HALF_EVEN, context=_QUANTIZE_CONTEXT)
