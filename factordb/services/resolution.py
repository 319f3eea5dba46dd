"""Resolution: for each (category, region, year, unit …) key, the best published factor.

A read, kept beside the calculator that uses it. The rules, in the order they apply:

- **Category**: the exact category code only, never a descendant — a key for
  `energy.coal` must not silently answer with a lignite factor.
- **Unit**: a factor whose activity unit is the key's unit, or another unit of the same
  dimension (`unit_used` says which; the calculator converts). An exact unit is
  preferred only among otherwise equal candidates.
- **Boundary / method**, when given, are filters, not preferences: a key asking for
  `cradle_to_gate` never receives a `combustion` factor. A category holds one kind of
  quantity: the electricity carbon footprint (`life_cycle`) factors have their own
  category, so a key for the grid CO2 category never receives one, whatever its boundary.
- **Region**: the key's region first, then its fallback parents (province → regional
  grid → national → global), nearest first. The first region with any candidate wins.
- **Year**: within that region, the latest year at or before the key's year — never a
  later one. A region whose factors are all later than the key's year is skipped.
- **Authority**: among candidates of that region and year, the lowest `authority_rank`
  (1 = national official) wins; then the exact unit; then a fixed order
  (boundary, method, public id) so the same data always gives the same answer.

What fails the whole request, and what fails one key: a batch of more than MAX_KEYS
keys, or a key that is malformed (a year that is not an integer, a code that is not a
string), is a ValidationError naming "keys" or "keys[i].field" — the caller sent
something that is not a batch of keys. A well-formed key naming an unknown category,
region, unit, boundary or method is answered per key with status "invalid" and a
reason: one mistyped code must not cost the other 4,999 answers.

A key's unit may be named by code, symbol or alias (factordb.unit_names); the answer's
`key.unit` is the unit's code, whichever name was given.

Queries: four, whatever the batch size — categories, all regions (the tree is small),
all units (a controlled vocabulary; two more, once, if some key names a unit otherwise
than by its code; one more if a key that gave a boundary is not found), and the
candidates as narrow plain rows with what an answer reports of them (no model objects,
no joins but the dataset: a thousand keys may look at tens of thousands of them; reading
the chosen versions' number, dataset and total afterwards cost a query slower than
carrying them). A caller that needs a chosen version in full (calculation) loads it by
`version_id`.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from factordb.constants import FROZEN_STATUSES, FactorStatus, LifecycleBoundary, Methodology
from factordb.models import Category, Factor, FactorVersion, Region, Unit
from factordb.unit_names import UnitNameError, units_named

MAX_KEYS = 5000


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
    co2e_total: Decimal | None = None
    region_used: str | None = None
    year_used: int | None = None
    unit_used: str | None = None
    # {"region": [codes tried, nearest first; the last one answered], "year": "exact" | …,
    #  "unit": "exact" | "same dimension (MWh for kWh)"}
    fallback: dict = field(default_factory=dict)
    reason: str = ""
    # For an invalid key: {"region": "unknown region 'XX'", …}, so a caller can name the field.
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return self.version_id is not None


class _Candidate(NamedTuple):
    """What choosing among versions needs, and what an answer reports of the chosen one, read
    as a plain row (a tuple: tens of thousands of them are built per batch)."""

    version_id: int
    region_id: int
    year: int
    unit_id: int
    boundary: str
    method: str
    authority_rank: int
    public_id: str
    version_number: int
    dataset: str
    co2e_total: Decimal


CANDIDATE_FIELDS = ("pk", "factor__region_id", "factor__year", "factor__unit_id", "factor__boundary",
                    "factor__method", "factor__dataset__authority_rank", "factor__public_id", "version",
                    "factor__dataset__code", "co2e_total")
VERSION_CONTEXT = ("factor__category", "factor__region", "factor__unit", "factor__dataset", "gwp_set")


@dataclass
class _Reference:
    """The reference rows a batch refers to, loaded once."""

    categories: dict[str, Category]
    regions: dict[str, Region]
    units: dict[str, Unit]
    # The unit names the keys gave other than codes: the code each names, or why none.
    unit_codes: dict[str, str] = field(default_factory=dict)
    unit_errors: dict[str, str] = field(default_factory=dict)

    @cached_property
    def regions_by_id(self) -> dict[int, Region]:
        return {region.pk: region for region in self.regions.values()}

    @cached_property
    def units_by_id(self) -> dict[int, Unit]:
        return {unit.pk: unit for unit in self.units.values()}

    @cached_property
    def _chains(self) -> dict[int, list[Region]]:
        return {}

    def chain(self, region: Region) -> list[Region]:
        """The region and its fallback parents, nearest first, walked through the loaded
        table rather than region.parent: no query per step, and once per region a batch."""
        if region.pk not in self._chains:
            chain, seen, node = [], set(), region
            while node is not None and node.pk not in seen:  # a cycle must not hang us
                chain.append(node)
                seen.add(node.pk)
                node = self.regions_by_id.get(node.parent_id)
            self._chains[region.pk] = chain
        return self._chains[region.pk]


def resolve(keys: Sequence[ResolveKey], *, as_of: datetime | None = None,
            release: str | None = None) -> list[Resolution]:
    """One answer per key, in the keys' order, in a bounded number of queries.

    `as_of`: the versions in force at that time (published_at <= as_of < superseded_at),
    superseded and withdrawn ones included for their period. `release`: only the
    versions a named release pins. Neither: the currently published versions.
    """
    _check_batch(keys)
    if not keys:
        return []
    reference = _load_reference(keys)
    keys = [_with_unit_code(key, reference) for key in keys]
    valid = [key for key in keys if not _key_errors(key, reference)]
    candidates = _candidates(valid, reference, as_of=as_of, release=release)
    answers = [_resolve_one(key, reference, candidates) for key in keys]
    _explain_missing_boundaries(answers, reference, as_of=as_of, release=release)
    return answers


def _check_batch(keys: Sequence[ResolveKey]) -> None:
    if len(keys) > MAX_KEYS:
        raise ValidationError({"keys": f"at most {MAX_KEYS} keys per request, got {len(keys)}"})
    errors = {}
    for index, key in enumerate(keys):
        for name in ("category", "region", "unit"):
            if not isinstance(getattr(key, name), str):
                errors[f"keys[{index}].{name}"] = "must be a code (a string)"
        for name in ("boundary", "method"):
            if getattr(key, name) is not None and not isinstance(getattr(key, name), str):
                errors[f"keys[{index}].{name}"] = "must be a string or omitted"
        if isinstance(key.year, bool) or not isinstance(key.year, int):
            errors[f"keys[{index}].year"] = "must be an integer year"
    if errors:
        raise ValidationError(errors)


def _load_reference(keys: Sequence[ResolveKey]) -> _Reference:
    category_codes = {key.category for key in keys}
    reference = _Reference(
        categories={c.code: c for c in Category.objects.filter(code__in=category_codes)},
        regions={r.code: r for r in Region.objects.all()},
        units={u.code: u for u in Unit.objects.all()},
    )
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
        errors["category"] = f"unknown category '{key.category}'"
    if key.region not in reference.regions:
        errors["region"] = f"unknown region '{key.region}'"
    if key.unit not in reference.units:
        errors["unit"] = reference.unit_errors.get(key.unit, f"unknown unit '{key.unit}'")
    if key.boundary is not None and key.boundary not in LifecycleBoundary.values:
        errors["boundary"] = f"unknown boundary '{key.boundary}'"
    if key.method is not None and key.method not in Methodology.values:
        errors["method"] = f"unknown method '{key.method}'"
    return errors


def _candidates(keys: list[ResolveKey], reference: _Reference, *, as_of: datetime | None,
                release: str | None) -> dict[tuple[int, int], list[_Candidate]]:
    """{(category id, region id): candidates}, for what the keys may use: per category, only
    the regions of its keys' chains and the years up to its keys' latest."""
    wanted: dict[int, tuple[set[int], int]] = {}
    for key in keys:
        category_id = reference.categories[key.category].pk
        regions, year = wanted.get(category_id, (set(), key.year))
        regions.update(r.pk for r in reference.chain(reference.regions[key.region]))
        wanted[category_id] = (regions, max(year, key.year))
    if not wanted:
        return {}
    dimensions = {reference.units[key.unit].dimension for key in keys}
    unit_ids = [unit.pk for unit in reference.units.values() if unit.dimension in dimensions]
    rows = (visible_versions(as_of=as_of, release=release)
            .filter(factor_id__in=_factors_in_scope(wanted, unit_ids))
            .order_by()  # the models' default order joins categories and regions to sort: unneeded
            .values_list("factor__category_id", *CANDIDATE_FIELDS))
    grouped: dict[tuple[int, int], list[_Candidate]] = {}
    make = _Candidate._make
    for row in rows:
        candidate = make(row[1:])
        grouped.setdefault((row[0], candidate.region_id), []).append(candidate)
    return grouped


def _factors_in_scope(wanted: dict[int, tuple[set[int], int]], unit_ids: list[int]) -> RawSQL:
    """The ids of the factors the keys may use: per category, its keys' regions and years.

    Written as SQL because building the ORM's lookups, three per category, made a large
    batch's query cost more to build than to run (bench/RESULTS.md). Table and column
    names come from the model; every value is a parameter."""
    quote = connection.ops.quote_name
    column = {name: quote(Factor._meta.get_field(name).column) for name in ("id", "category", "region",
                                                                          "year", "unit")}
    terms, params = [], []
    for category_id, (region_ids, year) in wanted.items():
        regions = ", ".join(["%s"] * len(region_ids))
        terms.append(f"({column['category']} = %s AND {column['region']} IN ({regions})"
                     f" AND {column['year']} <= %s)")
        params += [category_id, *region_ids, year]
    units = ", ".join(["%s"] * len(unit_ids)) or "NULL"
    sql = (f"SELECT {column['id']} FROM {quote(Factor._meta.db_table)} "
           f"WHERE {column['unit']} IN ({units}) AND ({' OR '.join(terms)})")
    return RawSQL(sql, [*unit_ids, *params])


def visible_versions(*, as_of: datetime | None = None, release: str | None = None) -> QuerySet[FactorVersion]:
    """The versions a public read may answer with: published now, in force at `as_of`,
    and/or pinned by `release`."""
    versions = FactorVersion.objects.select_related(*VERSION_CONTEXT)
    if release is not None:
        versions = versions.filter(releases__name=release)
    if as_of is not None:
        # A withdrawn or superseded version counts only for its period; a published one
        # with no end yet is in force from its publication on.
        return versions.filter(status__in=FROZEN_STATUSES, published_at__lte=as_of).filter(
            Q(superseded_at__gt=as_of) | Q(superseded_at__isnull=True, status=FactorStatus.PUBLISHED),
        )
    if release is not None:
        return versions  # a release pins versions whatever became of them since
    return versions.filter(status=FactorStatus.PUBLISHED)


def _resolve_one(key: ResolveKey, reference: _Reference,
                 candidates: dict[tuple[int, int], list[_Candidate]]) -> Resolution:
    errors = _key_errors(key, reference)
    if errors:
        return Resolution(key=key, status=ResolutionStatus.INVALID, reason="; ".join(errors.values()),
                          errors=errors)
    category = reference.categories[key.category]
    unit = reference.units[key.unit]
    chain = reference.chain(reference.regions[key.region])
    for tried, region in enumerate(chain, start=1):
        usable = [c for c in candidates.get((category.pk, region.pk), []) if _fits(c, key, unit, reference)]
        if usable:
            return _matched(key, _best(usable, key, reference), [r.code for r in chain[:tried]], reference)
    return Resolution(key=key, status=ResolutionStatus.NOT_FOUND,
                      fallback={"region": [r.code for r in chain]}, reason=_not_found_reason(key, chain))


def _fits(candidate: _Candidate, key: ResolveKey, unit: Unit, reference: _Reference) -> bool:
    dimension = reference.units_by_id[candidate.unit_id].dimension
    return (candidate.year <= key.year and dimension == unit.dimension
            and key.boundary in (None, candidate.boundary) and key.method in (None, candidate.method))


def _best(candidates: list[_Candidate], key: ResolveKey, reference: _Reference) -> _Candidate:
    def rank(c: _Candidate) -> tuple:
        return (-c.year, c.authority_rank, reference.units_by_id[c.unit_id].code != key.unit,
                c.boundary, c.method, c.public_id)

    return min(candidates, key=rank)


def _matched(key: ResolveKey, chosen: _Candidate, regions_tried: list[str], reference: _Reference,
             ) -> Resolution:
    region = reference.regions_by_id[chosen.region_id].code
    unit = reference.units_by_id[chosen.unit_id].code
    fallback = {
        "region": regions_tried,
        "year": "exact" if chosen.year == key.year else f"nearest earlier ({chosen.year} for {key.year})",
        "unit": "exact" if unit == key.unit else f"same dimension ({unit} for {key.unit})",
    }
    exact = len(regions_tried) == 1 and chosen.year == key.year
    return Resolution(
        key=key, status=ResolutionStatus.MATCHED if exact else ResolutionStatus.FALLBACK,
        factor_public_id=chosen.public_id, version_id=chosen.version_id, version_number=chosen.version_number,
        dataset=chosen.dataset, co2e_total=chosen.co2e_total,
        region_used=region, year_used=chosen.year, unit_used=unit,
        fallback=fallback, reason=_explanation(key, region, chosen.year, unit, regions_tried),
    )


def _explanation(key: ResolveKey, region: str, year: int, unit: str, regions_tried: list[str]) -> str:
    """One sentence on which chain step answered and why (docs/design.md §8)."""
    parts = []
    if len(regions_tried) > 1:
        parts.append(f"no factor for {', '.join(regions_tried[:-1])}; "
                     f"used {region} (region chain {' → '.join(regions_tried)})")
    if year != key.year:
        parts.append(f"no {key.year} factor; used {year}, the nearest earlier year")
    if unit != key.unit:
        parts.append(f"factor is per {unit}, same dimension as {key.unit}")
    return "; ".join(parts) or "exact match"


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
            answer.reason = _missing_boundary_reason(answer.key, existing)


def _missing_boundary_reason(key: ResolveKey, existing: set[str]) -> str:
    others = (f"its factors have boundary {', '.join(repr(b) for b in sorted(existing))}" if existing
              else "it has no published factor at all")
    return (f"no published factor with boundary '{key.boundary}' exists for category '{key.category}' "
            f"in any region or year; {others}")


def _not_found_reason(key: ResolveKey, chain: list[Region]) -> str:
    filters = "".join(f", {name} '{getattr(key, name)}'" for name in ("boundary", "method")
                      if getattr(key, name) is not None)
    return (f"no published factor for category '{key.category}' in unit {key.unit} or its dimension"
            f"{filters} in region chain {' → '.join(r.code for r in chain)} at or before {key.year}")
