"""Reading resolution's candidates: the versions a batch of keys may be answered with, as plain
rows grouped by (category, region), each group in the order the rules prefer them
(factordb.services.resolution states the rules that choose among them).

The withdrawn versions that would have been candidates come in the same query, marked by
their `withdrawn_at`, so an answer can say which withdrawn factor would have answered it.

Where they come from (docs/adr/0033):
- the versions published now, whole categories at a time, kept in the process for the data
  generation they were read in (factordb.reference_data, as the search form's lists are):
  a calculator's batch asks the same categories again and again between two publications;
- at a moment (`as_of`) or in a release, only what the batch's keys may reach, read afresh
  per batch: every moment is another set of versions.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import Case, DateTimeField, F, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from factordb.constants import FROZEN_STATUSES, FactorStatus
from factordb.models import Factor, FactorVersion, Region
from factordb.reference_data import reference


class Candidate(NamedTuple):
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
    withdrawn_at: datetime | None  # None for a version in force


CANDIDATE_FIELDS = ("pk", "factor__region_id", "factor__year", "factor__unit_id", "factor__boundary",
                    "factor__method", "factor__dataset__authority_rank", "factor__public_id", "version",
                    "factor__dataset__code", "co2e_total", "withdrawn_at")
VERSION_CONTEXT = ("factor__category", "factor__region", "factor__unit", "factor__dataset", "gwp_set")


@dataclass
class Scope:
    """What one category's keys may use: the regions they reach and the years they span."""

    region_ids: set[int] = field(default_factory=set)
    latest: int | None = None
    earliest: int | None = None
    bounded: bool = True  # False once a key may go back any number of years

    def take(self, regions: list[Region], latest: int, earliest: int | None) -> None:
        self.region_ids.update(region.id for region in regions)
        self.latest = latest if self.latest is None else max(self.latest, latest)
        if earliest is None:
            self.bounded = False
        elif self.bounded:
            self.earliest = earliest if self.earliest is None else min(self.earliest, earliest)


def preference(candidate: Candidate) -> tuple:
    """The order the rules prefer a region's candidates in, but for the exact unit (which
    depends on the key): the latest year, the highest authority, then a fixed order so that
    the same data always gives the same answer (a factor's latest version first)."""
    return (-candidate.year, candidate.authority_rank, candidate.boundary, candidate.method,
            candidate.public_id, -candidate.version_number)


class Group(NamedTuple):
    """One (category, region)'s candidates."""

    in_force: list[Candidate]  # in order of `preference`
    minus_years: list[int]  # -year of each of in_force, ascending: where a key's year begins
    # Withdrawn versions of factors with no version in force here (a factor withdrawn and
    # published again is not reported as withdrawn).
    withdrawn: list[Candidate]


Groups = dict[tuple[int, int], Group]


def _grouped(rows: Iterable[tuple]) -> Groups:
    """Rows of (category id, *CANDIDATE_FIELDS) as groups by (category id, region id)."""
    found: dict[tuple[int, int], tuple[list[Candidate], list[Candidate]]] = {}
    make = Candidate._make
    for row in rows:
        candidate = make(row[1:])
        in_force, withdrawn = found.setdefault((row[0], candidate.region_id), ([], []))
        (in_force if candidate.withdrawn_at is None else withdrawn).append(candidate)
    groups = {}
    for place, (in_force, withdrawn) in found.items():
        in_force.sort(key=preference)
        if withdrawn:
            published = {candidate.public_id for candidate in in_force}
            withdrawn = [candidate for candidate in withdrawn if candidate.public_id not in published]
        groups[place] = Group(in_force, [-candidate.year for candidate in in_force], withdrawn)
    return groups


def published_candidates(category_ids: Collection[int]) -> Groups:
    """The groups of the versions published now (and the withdrawn ones) of these categories:
    kept in this process for the data generation, each category read once in it."""
    kept: dict[int, Groups] = reference().kept("resolution-candidates", dict)
    missing = [category_id for category_id in category_ids if category_id not in kept]
    if missing:
        rows = (_candidate_versions(as_of=None, release=None)
                .filter(factor__category_id__in=missing)
                .order_by()  # the models' default order joins categories and regions to sort: unneeded
                .values_list("factor__category_id", *CANDIDATE_FIELDS))
        by_category: dict[int, Groups] = {category_id: {} for category_id in missing}
        for place, group in _grouped(rows).items():
            by_category[place[0]][place] = group
        kept.update(by_category)
    groups: Groups = {}
    for category_id in category_ids:
        groups.update(kept[category_id])
    return groups


def candidates_in_scope(wanted: dict[int, Scope], unit_ids: list[int], *, as_of: datetime | None,
                        release: str | None) -> Groups:
    """The groups of `wanted` ({category id: scope}), in units of `unit_ids`, at `as_of` or in
    `release`, read afresh."""
    rows = (_candidate_versions(as_of=as_of, release=release)
            .filter(factor_id__in=_factors_in_scope(wanted, unit_ids))
            .order_by()  # the models' default order joins categories and regions to sort: unneeded
            .values_list("factor__category_id", *CANDIDATE_FIELDS))
    return _grouped(rows)


def _factors_in_scope(wanted: dict[int, Scope], unit_ids: list[int]) -> RawSQL:
    """The ids of the factors the keys may use: per category, its keys' regions and years.

    Written as SQL because building the ORM's lookups, three per category, made a large
    batch's query cost more to build than to run (bench/RESULTS.md). Table and column
    names come from the model; every value is a parameter."""
    quote = connection.ops.quote_name
    column = {name: quote(Factor._meta.get_field(name).column) for name in ("id", "category", "region",
                                                                          "year", "unit")}
    terms, params = [], []
    for category_id, scope in wanted.items():
        regions = ", ".join(["%s"] * len(scope.region_ids))
        since = f" AND {column['year']} >= %s" if scope.bounded else ""
        terms.append(f"({column['category']} = %s AND {column['region']} IN ({regions})"
                     f" AND {column['year']} <= %s{since})")
        params += [category_id, *scope.region_ids, scope.latest, *([scope.earliest] if scope.bounded else [])]
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


def _candidate_versions(*, as_of: datetime | None, release: str | None) -> QuerySet[FactorVersion]:
    """The visible versions, and the withdrawn ones (by `as_of`) with their `withdrawn_at`, so
    that an answer can say which withdrawn factor would have answered it, in the same query."""
    versions = visible_versions(as_of=as_of, release=release)
    if release is not None:  # a release's pins stand whatever became of them
        return versions.annotate(withdrawn_at=Value(None, output_field=DateTimeField()))
    withdrawn = Q(status=FactorStatus.WITHDRAWN, superseded_at__isnull=False)
    if as_of is not None:
        withdrawn &= Q(superseded_at__lte=as_of)
    return (versions | FactorVersion.objects.filter(withdrawn)).annotate(
        withdrawn_at=Case(When(withdrawn, then=F("superseded_at")), default=None,
                          output_field=DateTimeField()))
