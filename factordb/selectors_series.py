"""Reads for the charts: a factor's values across years, and one category's values across
regions. Both start from `visible_versions()`, the API's own reads, so a chart never shows
a figure the API would not serve (a draft, a version under review, a withdrawn one)."""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count

from factordb.models import Category, Factor, FactorVersion, Unit
from factordb.services.resolution import visible_versions


@dataclass(frozen=True)
class SeriesEntry:
    year: int
    value: Decimal
    public_id: str


def factor_series(factor: Factor) -> list[SeriesEntry]:
    """The published values of the factors that differ from `factor` only by year (same
    dataset, category, region, unit, boundary and method: the same figure, re-published
    each year), oldest first. One query."""
    rows = visible_versions().filter(
        factor__dataset_id=factor.dataset_id, factor__category_id=factor.category_id,
        factor__region_id=factor.region_id, factor__unit_id=factor.unit_id,
        factor__boundary=factor.boundary, factor__method=factor.method,
    ).order_by("factor__year", "-version").values_list("factor__year", "co2e_total", "factor__public_id")
    entries: dict[int, SeriesEntry] = {}
    for year, value, public_id in rows:
        entries.setdefault(year, SeriesEntry(year, value, public_id))
    return list(entries.values())


@dataclass
class ComparableCategory:
    """A category published for more than one region in some year, with its years (latest
    first) and how many regions each year has."""

    category: Category
    regions_by_year: dict[int, int]

    @property
    def years(self) -> list[int]:
        return sorted(self.regions_by_year, reverse=True)

    @property
    def best_year(self) -> int:
        """The year with the most regions, the latest first: what is shown when no year is asked."""
        return max(self.regions_by_year, key=lambda year: (self.regions_by_year[year], year))


def comparable_categories() -> list[ComparableCategory]:
    """Categories worth comparing across regions: published in more than one region in at
    least one year. Two queries, whatever the number of categories and years."""
    counts = (visible_versions().values("factor__category", "factor__year")
              .annotate(regions=Count("factor__region", distinct=True)).order_by())
    by_category: dict[int, dict[int, int]] = {}
    for row in counts:
        by_category.setdefault(row["factor__category"], {})[row["factor__year"]] = row["regions"]
    wanted = [pk for pk, years in by_category.items() if max(years.values()) > 1]
    categories = Category.objects.filter(pk__in=wanted).order_by("path")
    return [ComparableCategory(category, by_category[category.pk]) for category in categories]


def default_comparison(choices: list[ComparableCategory]) -> tuple[ComparableCategory, int] | None:
    """What the page shows when nothing is chosen: the (category, year) with the most
    regions published, the latest year first, then the category's place in the tree."""
    if not choices:
        return None
    best = min(choices, key=lambda choice: (-choice.regions_by_year[choice.best_year], -choice.best_year,
                                            choice.category.path))
    return best, best.best_year


def region_values(category: Category, year: int) -> list[FactorVersion]:
    """Every region's published version of `category` in `year`, with its factor, region
    and unit. One query."""
    return list(visible_versions().filter(factor__category=category, factor__year=year)
                .order_by("factor__region__path", "factor__unit__code", "factor__public_id"))


def units_by_use(versions: list[FactorVersion]) -> list[Unit]:
    """The units those versions are stated in, the most used first: values in different
    units are never drawn on one axis."""
    counts = Counter(version.factor.unit for version in versions)
    return sorted(counts, key=lambda unit: (-counts[unit], unit.code))
