"""Resolution: for each (category, region, year, unit …) key, the best published factor.

A read, kept beside the calculator that uses it. The rules, in the order they apply:

- **Category**: the exact category code only, never a descendant — a key for
  `energy.coal` must not silently answer with a lignite factor.
- **Unit**: a factor whose activity unit is the key's unit, or another unit of the same
  dimension. An exact unit is preferred only among otherwise equal candidates. The answer's
  `co2e_total` is always per the key's unit: a key asking for MWh gets kg CO2e per MWh,
  never a per-kWh number beside a request for MWh. A factor in another unit is converted
  through the unit registry (factordb.units) in Decimal, and the answer says so:
  `unit_used` and `factor_co2e_total` are the factor's own unit and value, and
  `unit_conversion` how many of the factor's units one unit of the key's is (exact for the
  ratios that terminate — prefixes, 10^4, tce → GJ —; a ratio that does not, such as GJ →
  tce, is carried to 28 significant digits).
- **Boundary / method**, when given, are filters, not preferences: a key asking for
  `cradle_to_gate` never receives a `combustion` factor. A category holds one kind of
  quantity: the electricity carbon footprint (`life_cycle`) factors have their own
  category, so a key for the grid CO2 category never receives one, whatever its boundary.
- **Region and year**, under the request's fallback policy (factordb.services.fallback_policy;
  every answer reports it as `fallback_policy`). The region chain is the key's region, then
  its fallback parents (province → regional grid → national → global), nearest first; years
  are the key's year or earlier — never a later one — and no further back than the policy's
  `max_years_back`. A policy that does not allow region fallback keeps to the key's region,
  one that does not allow year fallback to the key's year.
  - `region_first` (the default, and the only behaviour before policies): the nearest
    region with any usable factor wins, with its latest year. A province without a 2023
    value is answered with its own 2022 value, though its grid has a 2023 one.
  - `year_first`: the latest year any region of the chain has wins, in the nearest region
    that has it: that province gets its grid's 2023 value.
- **Authority**: among candidates of that region and year, the lowest `authority_rank`
  (1 = national official) wins; then the exact unit; then a fixed order
  (boundary, method, public id) so the same data always gives the same answer.
- **Withdrawn**: a factor whose version in force was withdrawn (and has no version in force
  since) never answers; but when it would have answered, had it not been withdrawn, the answer
  says so in `withdrawn` (its public id, version, region, year and the moment of withdrawal)
  and in its reason, so that a fallback to an earlier year is not mistaken for a gap in the
  data. With `as_of`, "withdrawn" means withdrawn by then. A release pins versions whatever
  became of them since, so a read of a release reports none.

What fails the whole request, and what fails one key: a batch of more than MAX_KEYS
keys, or a key that is malformed (a year that is not an integer, a code that is not a
string), is a ValidationError naming "keys" or "keys[i].field" — the caller sent
something that is not a batch of keys. A well-formed key naming an unknown category,
region, unit, boundary or method is answered per key with status "invalid" and a
reason: one mistyped code must not cost the other 4,999 answers.

A key's unit may be named by code, symbol or alias (factordb.unit_names); the answer's
`key.unit` is the unit's code, whichever name was given.

Queries: four when nothing is kept, whatever the batch size — categories, regions and units (this
generation's reference lists, factordb.reference_data; two more, once, if some key names a
unit otherwise than by its code; one more if a key that gave a boundary is not found), and
the candidates (factordb.services.resolution_candidates) — with the withdrawn versions that
would have been candidates, in the same query — as narrow plain rows with what an answer
reports of them. Where the cache is shared, the lists and the published candidates of each
category asked are kept in the process for the data generation (docs/adr/0033), so a batch
of categories asked before costs none. Each (category, region)'s candidates are kept in
order of preference: a key takes the first that fits, rather than ranking every row it may
use. The fallback policy chooses among the same rows: no policy costs a query. Unit
conversions are worked out once per pair of units a batch meets, without a query. A caller
that needs a chosen version in full (calculation) loads it by `version_id`.
"""

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Context, Decimal
from functools import cached_property

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from factordb import units as unit_registry
from factordb.constants import LifecycleBoundary, Methodology
from factordb.models import Category, Region, Unit
from factordb.reference_data import reference as reference_lists
from factordb.representation import moment_text
from factordb.unit_names import UnitNameError, units_named

from .fallback_policy import DEFAULT_POLICY, YEAR, YEAR_FIRST, FallbackPolicy
from .resolution_candidates import (
    Candidate,
    Group,
    Groups,
    Scope,
    candidates_in_scope,
    published_candidates,
    visible_versions,
)

__all__ = ["MAX_KEYS", "Resolution", "ResolutionStatus", "ResolveKey", "resolve", "visible_versions"]

MAX_KEYS = 5000
# Wide enough that a stored total times a unit ratio is exact (both have far fewer digits).
_EXACT = Context(prec=60)


class ResolutionStatus:
    MATCHED = "matched"  # the key's own region and year
    FALLBACK = "fallback"  # another region of the chain, or an earlier year
    NOT_FOUND = "not_found"
    INVALID = "invalid"


@dataclass(frozen=True)
class ResolveKey:
    category: str
    region: str
    year: int
    unit: str
    boundary: str | None = None
    method: str | None = None


@dataclass
class Resolution:
    key: ResolveKey
    status: str
    factor_public_id: str | None = None
    version_number: int | None = None
    version_id: int | None = field(default=None, repr=False, compare=False)
    dataset: str | None = None
    co2e_total: Decimal | None = None  # per the key's unit
    region_used: str | None = None
    year_used: int | None = None
    unit_used: str | None = None  # the factor's own unit
    factor_co2e_total: Decimal | None = None  # per unit_used, as the factor states it
    # {"from": key unit, "to": unit_used, "factor": one `from` in `to`}; None when they are one unit
    unit_conversion: dict | None = None
    # {"region": [codes tried, nearest first; the last one answered], "year": "exact" | …,
    #  "unit": "exact" | "same dimension (MWh for kWh)"}
    fallback: dict = field(default_factory=dict)
    fallback_policy: dict = field(default_factory=DEFAULT_POLICY.as_dict)
    # The withdrawn factor that would have answered: {"factor_public_id", "version", "region",
    #  "year", "withdrawn_at"}
    withdrawn: dict | None = None
    reason: str = ""
    # For an invalid key: {"region": "unknown region 'XX'", …}, so a caller can name the field.
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return self.version_id is not None


class _Phrases:
    """What every matched answer's reason is made of, in the active language, translated once
    a batch: looking a sentence up costs more than choosing the answer it explains."""

    def __init__(self) -> None:
        self.separator = _("；")
        self.exact = _("完全匹配")
        self.region_fallback = _("%(nearer)s 没有因子；采用 %(region)s（地区链 %(chain)s）")
        self.region_fallback_year_first = _(
            "年份优先：%(nearer)s 在 %(years)s 没有因子；采用 %(region)s（地区链 %(chain)s）")
        self.years = _("%(from)s 至 %(to)s")
        self.earlier_year = _("没有 %(asked)s 年的因子；采用最近的较早年份 %(year)s")
        self.earlier_year_year_first = _("地区链中没有 %(asked)s 年的因子；采用最近的较早年份 %(year)s")
        self.conversion = _("因子按 %(to)s 计，与 %(unit)s 量纲相同；"
                            "co2e_total 按 %(unit)s 计（1 %(unit)s = %(factor)s %(to)s）")


@dataclass
class _Reference:
    """The reference rows a batch refers to, loaded once."""

    categories: dict[str, Category]
    regions: dict[str, Region]
    units: dict[str, Unit]
    # The unit names the keys gave other than codes: the code each names, or why none.
    unit_codes: dict[str, str] = field(default_factory=dict)
    unit_errors: dict[str, str] = field(default_factory=dict)
    phrases: _Phrases = field(default_factory=_Phrases)

    @cached_property
    def regions_by_id(self) -> dict[int, Region]:
        return {region.pk: region for region in self.regions.values()}

    @cached_property
    def units_by_id(self) -> dict[int, Unit]:
        return {unit.pk: unit for unit in self.units.values()}

    @cached_property
    def _chains(self) -> dict[int, list[Region]]:
        return {}

    @cached_property
    def _ratios(self) -> dict[tuple[int, int], Decimal | None]:
        return {}

    def ratio(self, key_unit: Unit, factor_unit_id: int) -> Decimal | None:
        """How many factor units one key unit is; None if the registry cannot convert them
        (two units whose declared dimension their pint expressions contradict)."""
        if key_unit.id == factor_unit_id:
            return Decimal(1)
        pair = (key_unit.id, factor_unit_id)
        if pair not in self._ratios:
            factor_unit = self.units_by_id[factor_unit_id]
            try:
                self._ratios[pair] = unit_registry.conversion_factor(key_unit.pint_expression,
                                                                     factor_unit.pint_expression)
            except unit_registry.UnitError:
                self._ratios[pair] = None
        return self._ratios[pair]

    def chain(self, region: Region) -> list[Region]:
        """The region and its fallback parents, nearest first, walked through the loaded
        table rather than region.parent: no query per step, and once per region a batch.
        (`id`, not `pk`: a batch asks thousands of times, and `pk` is a property.)"""
        chain = self._chains.get(region.id)
        if chain is None:
            chain, seen, node = [], set(), region
            while node is not None and node.id not in seen:  # a cycle must not hang us
                chain.append(node)
                seen.add(node.id)
                node = self.regions_by_id.get(node.parent_id)
            self._chains[region.id] = chain
        return chain


def resolve(keys: Sequence[ResolveKey], *, as_of: datetime | None = None,
            release: str | None = None, policy: FallbackPolicy = DEFAULT_POLICY) -> list[Resolution]:
    """One answer per key, in the keys' order, in a bounded number of queries.

    `as_of`: the versions in force at that time (published_at <= as_of < superseded_at),
    superseded and withdrawn ones included for their period. `release`: only the
    versions a named release pins. Neither: the currently published versions. `policy`:
    the fallbacks the caller accepts (factordb.services.fallback_policy).
    """
    _check_batch(keys)
    if not keys:
        return []
    reference = _load_reference(keys)
    keys = [_with_unit_code(key, reference) for key in keys]
    valid = [key for key in keys if not _key_errors(key, reference)]
    candidates = _candidates(valid, reference, as_of=as_of, release=release, policy=policy)
    answers = [_resolve_one(key, reference, candidates, policy) for key in keys]
    _explain_missing_boundaries(answers, reference, as_of=as_of, release=release)
    return answers


def _check_batch(keys: Sequence[ResolveKey]) -> None:
    if len(keys) > MAX_KEYS:
        raise ValidationError({"keys": too_many_keys(len(keys))})
    errors = {}
    for index, key in enumerate(keys):
        for name in ("category", "region", "unit"):
            if not isinstance(getattr(key, name), str):
                errors[f"keys[{index}].{name}"] = _("须为代码（字符串）。")
        for name in ("boundary", "method"):
            if getattr(key, name) is not None and not isinstance(getattr(key, name), str):
                errors[f"keys[{index}].{name}"] = _("须为字符串，或省略。")
        if isinstance(key.year, bool) or not isinstance(key.year, int):
            errors[f"keys[{index}].year"] = _("须为整数年份。")
    if errors:
        raise ValidationError(errors)


def too_many_keys(count: int) -> str:
    return _("每次请求至多 %(max)d 个键，收到 %(count)d 个。") % {"max": MAX_KEYS, "count": count}


def _load_reference(keys: Sequence[ResolveKey]) -> _Reference:
    # This generation's lists, kept in the process where the cache is shared (ADR 0018).
    lists = reference_lists()
    reference = _Reference(categories=lists.by_code("category"), regions=lists.by_code("region"),
                           units=lists.by_code("unit"))
    # A unit named otherwise than by its code (a symbol, an alias such as 千瓦时) costs the
    # batch the name lookup's queries, once; a batch of codes alone costs none.
    names = {key.unit for key in keys} - reference.units.keys()
    for name, found in units_named(names).items():
        if isinstance(found, UnitNameError):
            reference.unit_errors[name] = str(found)
        else:
            reference.unit_codes[name] = found.code
    return reference


def _with_unit_code(key: ResolveKey, reference: _Reference) -> ResolveKey:
    """The key with its unit named by code: what the answer echoes and what it is matched by."""
    code = reference.unit_codes.get(key.unit)
    return replace(key, unit=code) if code else key


def _key_errors(key: ResolveKey, reference: _Reference) -> dict[str, str]:
    errors = {}
    if key.category not in reference.categories:
        errors["category"] = _("未知的类别“%(code)s”") % {"code": key.category}
    if key.region not in reference.regions:
        errors["region"] = _("未知的地区“%(code)s”") % {"code": key.region}
    if key.unit not in reference.units:
        errors["unit"] = reference.unit_errors.get(key.unit) or _("未知的单位“%(code)s”") % {"code": key.unit}
    if key.boundary is not None and key.boundary not in LifecycleBoundary.values:
        errors["boundary"] = _("未知的边界“%(code)s”") % {"code": key.boundary}
    if key.method is not None and key.method not in Methodology.values:
        errors["method"] = _("未知的方法“%(code)s”") % {"code": key.method}
    return errors


def _reach(key: ResolveKey, reference: _Reference, policy: FallbackPolicy) -> list[Region]:
    """The regions a key may be answered from, nearest first."""
    chain = reference.chain(reference.regions[key.region])
    return chain if policy.regions_allowed else chain[:1]


def _candidates(keys: list[ResolveKey], reference: _Reference, *, as_of: datetime | None,
                release: str | None, policy: FallbackPolicy) -> Groups:
    """The candidates of the keys' categories, by (category id, region id). Now: the kept
    groups of whole categories. At a moment or in a release: only the regions each category's
    keys may reach under the policy and the years they may go back to, read for this batch."""
    if as_of is None and release is None:
        return published_candidates({reference.categories[key.category].pk for key in keys})
    wanted: dict[int, Scope] = {}
    for key in keys:
        scope = wanted.setdefault(reference.categories[key.category].pk, Scope())
        scope.take(_reach(key, reference, policy), key.year, policy.earliest_year(key.year))
    if not wanted:
        return {}
    dimensions = {reference.units[key.unit].dimension for key in keys}
    unit_ids = [unit.pk for unit in reference.units.values() if unit.dimension in dimensions]
    return candidates_in_scope(wanted, unit_ids, as_of=as_of, release=release)


_Placed = tuple[int, Candidate]  # a candidate and its region's place in the key's chain


def _resolve_one(key: ResolveKey, reference: _Reference, candidates: Groups,
                 policy: FallbackPolicy) -> Resolution:
    errors = _key_errors(key, reference)
    if errors:
        return Resolution(key=key, status=ResolutionStatus.INVALID, reason=_("；").join(errors.values()),
                          errors=errors, fallback_policy=policy.reported)
    category_id = reference.categories[key.category].id
    unit = reference.units[key.unit]
    reach = _reach(key, reference, policy)
    groups = [(place, candidates.get((category_id, region.id))) for place, region in enumerate(reach)]
    groups = [(place, group) for place, group in groups if group is not None]
    rank = _ranking(key, unit, policy)
    chosen = _chosen(key, unit, groups, reference, policy, rank)
    withdrawn = _withdrawn_ahead(key, unit, groups, chosen, reference, policy, rank)
    if chosen is None:
        reason = _not_found_reason(key, reach, policy)
        return Resolution(key=key, status=ResolutionStatus.NOT_FOUND,
                          fallback={"region": [r.code for r in reach]}, fallback_policy=policy.reported,
                          withdrawn=withdrawn,
                          reason=_with_withdrawn(reason, withdrawn))
    place, candidate = chosen
    return _matched(key, candidate, [r.code for r in reach[:place + 1]], reference, policy, withdrawn)


def _chosen(key: ResolveKey, unit: Unit, groups: list[tuple[int, Group]], reference: _Reference,
            policy: FallbackPolicy, rank) -> _Placed | None:
    """The version in force that answers the key. Region first: the first region of the chain
    with a fitting one, its best. Year first: the best of each region's best."""
    earliest = policy.earliest_year(key.year)
    best_of_each = []
    for place, group in groups:
        best = _best_in(group, key, unit, reference, earliest)
        if best is not None:
            if policy.order != YEAR_FIRST:
                return place, best
            best_of_each.append((place, best))
    return min(best_of_each, key=rank, default=None)


def _best_in(group: Group, key: ResolveKey, unit: Unit, reference: _Reference,
             earliest: int | None) -> Candidate | None:
    """A region's best version in force for the key. The group is in order of preference but
    for the exact unit, which is preferred only among versions of equal year and authority:
    so the first that fits, unless one of its year and authority right after it is in the
    key's own unit. Years after the key's are skipped by bisection (a thousand keys ask)."""
    best = None
    in_force = group.in_force
    for index in range(bisect_left(group.minus_years, -key.year), len(in_force)):
        candidate = in_force[index]
        if best is not None and (candidate.year, candidate.authority_rank) != (best.year,
                                                                               best.authority_rank):
            break
        if earliest is not None and candidate.year < earliest:
            break
        if not _fits_apart_from_year(candidate, key, unit, reference):
            continue
        if candidate.unit_id == unit.id:
            return candidate
        if best is None:
            best = candidate
    return best


def _fits(candidate: Candidate, key: ResolveKey, unit: Unit, reference: _Reference,
          earliest: int | None) -> bool:
    return (candidate.year <= key.year and (earliest is None or candidate.year >= earliest)
            and _fits_apart_from_year(candidate, key, unit, reference))


def _fits_apart_from_year(candidate: Candidate, key: ResolveKey, unit: Unit, reference: _Reference) -> bool:
    return (key.boundary in (None, candidate.boundary) and key.method in (None, candidate.method)
            and (candidate.unit_id == unit.id
                 or (reference.units_by_id[candidate.unit_id].dimension == unit.dimension
                     and reference.ratio(unit, candidate.unit_id) is not None)))


def _ranking(key: ResolveKey, unit: Unit, policy: FallbackPolicy):
    """The order of preference among a key's candidates: the policy's order of region and
    year, then authority, the exact unit, and a fixed order (a factor's latest version first)."""
    year_first = policy.order == YEAR_FIRST

    def year_then_region(placed: _Placed) -> tuple:
        place, c = placed
        return (-c.year, place, c.authority_rank, c.unit_id != unit.id,
                c.boundary, c.method, c.public_id, -c.version_number)

    def region_then_year(placed: _Placed) -> tuple:
        place, c = placed
        return (place, -c.year, c.authority_rank, c.unit_id != unit.id,
                c.boundary, c.method, c.public_id, -c.version_number)

    return year_then_region if year_first else region_then_year


def _withdrawn_ahead(key: ResolveKey, unit: Unit, groups: list[tuple[int, Group]], chosen: _Placed | None,
                     reference: _Reference, policy: FallbackPolicy, rank) -> dict | None:
    """The withdrawn factor that would have answered instead of `chosen`, had it not been
    withdrawn (one with no version in force, ranked ahead of the answer)."""
    earliest = policy.earliest_year(key.year)
    ahead = [(place, c) for place, group in groups for c in group.withdrawn
             if _fits(c, key, unit, reference, earliest)
             and (chosen is None or rank((place, c)) < rank(chosen))]
    if not ahead:
        return None
    _place, c = min(ahead, key=rank)
    return {"factor_public_id": c.public_id, "version": c.version_number,
            "region": reference.regions_by_id[c.region_id].code, "year": c.year,
            "withdrawn_at": c.withdrawn_at}


def _with_withdrawn(reason: str, withdrawn: dict | None) -> str:
    if withdrawn is None:
        return reason
    moment = moment_text(withdrawn["withdrawn_at"])
    return reason + _("；") + _(
        "本应作答的因子 %(id)s v%(version)s（%(region)s %(year)s）已于 %(moment)s 撤回") % {
        "id": withdrawn["factor_public_id"], "version": withdrawn["version"], "region": withdrawn["region"],
        "year": withdrawn["year"], "moment": moment}


def _matched(key: ResolveKey, chosen: Candidate, regions_tried: list[str], reference: _Reference,
             policy: FallbackPolicy, withdrawn: dict | None) -> Resolution:
    region = reference.regions_by_id[chosen.region_id].code
    unit = reference.units_by_id[chosen.unit_id].code
    fallback = {
        "region": regions_tried,
        "year": "exact" if chosen.year == key.year else f"nearest earlier ({chosen.year} for {key.year})",
        "unit": "exact" if unit == key.unit else f"same dimension ({unit} for {key.unit})",
    }
    conversion = None if unit == key.unit else {
        "from": key.unit, "to": unit, "factor": reference.ratio(reference.units[key.unit], chosen.unit_id)}
    exact = len(regions_tried) == 1 and chosen.year == key.year
    return Resolution(
        key=key, status=ResolutionStatus.MATCHED if exact else ResolutionStatus.FALLBACK,
        factor_public_id=chosen.public_id, version_id=chosen.version_id, version_number=chosen.version_number,
        dataset=chosen.dataset, co2e_total=chosen.co2e_total if conversion is None
        else _EXACT.multiply(chosen.co2e_total, conversion["factor"]),
        region_used=region, year_used=chosen.year, unit_used=unit, factor_co2e_total=chosen.co2e_total,
        unit_conversion=conversion, fallback=fallback, fallback_policy=policy.reported, withdrawn=withdrawn,
        reason=_with_withdrawn(_explanation(key, chosen.year, regions_tried, conversion, policy,
                                           reference.phrases), withdrawn),
    )


def _explanation(key: ResolveKey, year: int, regions_tried: list[str], conversion: dict | None,
                 policy: FallbackPolicy, phrases: _Phrases) -> str:
    """One sentence on which chain step answered and why (docs/design.md §8)."""
    parts = []
    if len(regions_tried) > 1:
        nearer, region, chain = ", ".join(regions_tried[:-1]), regions_tried[-1], " → ".join(regions_tried)
        places = {"nearer": nearer, "region": region, "chain": chain}
        if policy.order == YEAR_FIRST:
            years = f"{year}" if year == key.year else phrases.years % {"from": year, "to": key.year}
            parts.append(phrases.region_fallback_year_first % {**places, "years": years})
        else:
            parts.append(phrases.region_fallback % places)
    if year != key.year:
        years = {"asked": key.year, "year": year}
        parts.append((phrases.earlier_year_year_first if policy.order == YEAR_FIRST
                      else phrases.earlier_year) % years)
    if conversion is not None:
        parts.append(phrases.conversion % {"to": conversion["to"], "unit": key.unit,
                                           "factor": _plain(conversion["factor"])})
    return phrases.separator.join(parts) or phrases.exact


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _explain_missing_boundaries(answers: list[Resolution], reference: _Reference, *,
                                as_of: datetime | None, release: str | None) -> None:
    """Say so when a key's boundary exists nowhere in its category: a life-cycle (footprint)
    key of a grid CO2 category, say, is not a gap in the data that another region or year
    might fill, and the caller should hear that rather than a list of regions tried.

    One more query, only for a batch with such a not-found key."""
    asked = [a for a in answers if a.status == ResolutionStatus.NOT_FOUND and a.key.boundary is not None]
    if not asked:
        return
    category_ids = {reference.categories[a.key.category].pk for a in asked}
    boundaries: dict[int, set[str]] = {}
    for category_id, boundary in (visible_versions(as_of=as_of, release=release)
                                  .filter(factor__category_id__in=category_ids).order_by()
                                  .values_list("factor__category_id", "factor__boundary").distinct()):
        boundaries.setdefault(category_id, set()).add(boundary)
    for answer in asked:
        existing = boundaries.get(reference.categories[answer.key.category].pk, set())
        if answer.key.boundary not in existing:
            answer.reason = _with_withdrawn(_missing_boundary_reason(answer.key, existing), answer.withdrawn)


def _missing_boundary_reason(key: ResolveKey, existing: set[str]) -> str:
    asked = {"boundary": key.boundary, "category": key.category}
    if not existing:
        return _("类别“%(category)s”在任何地区和年份都没有边界为“%(boundary)s”的已发布因子；"
                 "该类别没有任何已发布因子") % asked
    return _("类别“%(category)s”在任何地区和年份都没有边界为“%(boundary)s”的已发布因子；"
             "其因子的边界为 %(existing)s") % {
        **asked, "existing": ", ".join(repr(b) for b in sorted(existing))}


def _not_found_reason(key: ResolveKey, reach: list[Region], policy: FallbackPolicy) -> str:
    filters = ""
    if key.boundary is not None:
        filters += _("，边界“%(value)s”") % {"value": key.boundary}
    if key.method is not None:
        filters += _("，方法“%(value)s”") % {"value": key.method}
    where = (_("地区链 %(chain)s") % {"chain": " → ".join(r.code for r in reach)} if policy.regions_allowed
             else _("地区 %(region)s（不允许地区回退）") % {"region": key.region})
    return _("在%(where)s%(when)s，"
             "没有类别“%(category)s”、单位为 %(unit)s 或同量纲单位%(filters)s的已发布因子") % {
        "where": where, "when": _years_searched(key, policy), "category": key.category, "unit": key.unit,
        "filters": filters}


def _years_searched(key: ResolveKey, policy: FallbackPolicy) -> str:
    earliest = policy.earliest_year(key.year)
    if earliest is None:
        return _("、%(year)s 年或更早") % {"year": key.year}
    if earliest == key.year:
        exactly = _("、%(year)s 年") if YEAR in policy.allow else _("、%(year)s 年（不允许年份回退）")
        return exactly % {"year": key.year}
    return ngettext("、%(earliest)s 至 %(year)s 年（至多往前 %(count)d 年）",
                    "、%(earliest)s 至 %(year)s 年（至多往前 %(count)d 年）", policy.max_years_back) % {
        "earliest": earliest, "year": key.year, "count": policy.max_years_back}
