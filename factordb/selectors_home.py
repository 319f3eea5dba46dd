"""Reads of the home page, the methodology page and the sitemap.

Each function is a fixed number of queries, whatever the amount of data, and every factor
it returns is one the API serves now (`visible_versions()`): pages show what the API serves.
"""

from django.db.models import Count, Q, QuerySet, Subquery

from factordb.constants import FactorStatus, LifecycleBoundary, RegionKind
from factordb.models import (
    Category,
    FactorVersion,
    Gas,
    GwpSet,
    GwpValue,
    Region,
    Release,
    Source,
)
from factordb.services.resolution import visible_versions

# The gases the methodology page shows the GWP of: the Kyoto basket's main members, with
# methane by origin (AR6 gives fossil and non-fossil methane their own values).
GWP_SHOWN_GASES = ("CO2", "CH4", "CH4_FOSSIL", "CH4_NONFOSSIL", "N2O", "SF6", "NF3", "HFC-134a", "CF4")


def public_totals() -> dict[str, int]:
    """Published factors, and the regions, datasets and sources they use (one query)."""
    return visible_versions().aggregate(
        factors=Count("pk", distinct=True),
        regions=Count("factor__region", distinct=True),
        datasets=Count("factor__dataset", distinct=True),
        sources=Count("version_sources__source", distinct=True),
    )


def national_grid_average_versions(*, limit: int = 3) -> list[FactorVersion]:
    """The national average grid electricity factors of the most recent years, newest first.

    The rule, read from the data rather than from an id or a code:

    - **the grid-average category** is, among the categories of published factors whose
      boundary is grid consumption (electricity bought from the grid), the one whose
      published factors cover the most regions — the average factor is the one published
      for every province and regional grid, not only the nation (ties: more factors, then
      the category's path);
    - **the national region** is the country at the top of the region tree: a region of
      kind country with no parent or a parent of kind world (ties: its code);
    - its published factors in that category and region, latest year first (then unit
      code, for a fixed order), at most `limit`.

    One query: the two choices are subqueries.
    """
    published = FactorVersion.objects.filter(status=FactorStatus.PUBLISHED)
    grid_category = (
        published.filter(factor__boundary=LifecycleBoundary.GRID_CONSUMPTION)
        .values("factor__category")
        .annotate(regions=Count("factor__region", distinct=True), factors=Count("pk"))
        .order_by("-regions", "-factors", "factor__category__path")
        .values("factor__category")[:1]
    )
    nation = (
        Region.objects.filter(kind=RegionKind.COUNTRY)
        .filter(Q(parent__isnull=True) | Q(parent__kind=RegionKind.WORLD))
        .order_by("code").values("pk")[:1]
    )
    return list(
        visible_versions()
        .filter(factor__category=Subquery(grid_category), factor__region=Subquery(nation))
        .order_by("-factor__year", "factor__unit__code", "pk")[:limit]
    )


# --- Methodology ----------------------------------------------------------------------


def gwp_table(gas_codes: tuple[str, ...] = GWP_SHOWN_GASES) -> dict:
    """Every GWP set (with its source) and, for each of the gases asked for that exists, its
    value in each set (None where a set gives none). Three queries."""
    sets = list(GwpSet.objects.select_related("source").order_by("code"))
    gases = {gas.code: gas for gas in Gas.objects.filter(code__in=gas_codes)}
    values = {
        (value.gwp_set_id, value.gas.code): value.value
        for value in GwpValue.objects.filter(gas__code__in=gas_codes).select_related("gas")
    }
    rows = [
        {"gas": gases[code], "values": [values.get((gwp_set.pk, code)) for gwp_set in sets]}
        for code in gas_codes if code in gases
    ]
    return {"sets": sets, "rows": rows}


# --- The sitemap ----------------------------------------------------------------------


def sitemap_factor_versions() -> QuerySet[FactorVersion]:
    """The version in force of every public factor: its page's address and date."""
    return (visible_versions().only("pk", "published_at", "factor__public_id")
            .select_related(None).select_related("factor").order_by("factor__public_id"))


def sitemap_categories() -> QuerySet[Category]:
    return Category.objects.order_by("path").only("code", "path")


def sitemap_regions() -> QuerySet[Region]:
    return Region.objects.order_by("path").only("code", "path")


def sitemap_releases() -> QuerySet[Release]:
    return Release.objects.sealed().newest_first().only("name", "published_at")


def cited_sources() -> QuerySet[Source]:
    """The sources the versions in force cite."""
    cited = visible_versions().filter(version_sources__isnull=False).values("version_sources__source")
    return Source.objects.filter(pk__in=cited).order_by("pk").only("pk")
