"""Reads of the public catalogue: releases and their files, sources, the category and region trees.

Published data only, as the API serves it: the versions `visible_versions()` answers with
now, the sealed releases (`Release.objects.sealed()`), and each release as it was sealed
(its frozen ReleaseFactor documents). Every function costs a fixed number of queries,
whatever the size of the data.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from factordb.constants import FactorStatus
from factordb.models import (
    Category,
    FactorVersion,
    Region,
    Release,
    Source,
    VersionSource,
)
from factordb.services.release_contents import ReleaseDiff
from factordb.services.releases import release_diff
from factordb.services.resolution import visible_versions

# --- Releases ---------------------------------------------------------------------------


def sealed_releases() -> QuerySet[Release]:
    """Sealed releases, newest first, each with `factor_count` and its content's digests
    (not its bytes): the API's release list, in one query."""
    return (Release.objects.sealed().newest_first().annotate(factor_count=Count("entries"))
            .select_related("content", "package")
            .defer("content__json_bytes", "content__csv_bytes", "package__body"))


def sealed_release(name: str) -> Release | None:
    return sealed_releases().filter(name=name).first()


def previous_release(release: Release) -> Release | None:
    """The sealed release before this one: what its diff compares with (as the API's diff)."""
    return sealed_releases().filter(published_at__lt=release.published_at).first()


def release_changes(release: Release) -> ReleaseDiff:
    """The release against the sealed one before it: which factors were added, pinned at
    another version, or no longer pinned (the API's diff), each as each release showed it."""
    return release_diff(old=previous_release(release), new=release)


# --- Sources ----------------------------------------------------------------------------

_PUBLISHED_CITATION = {"versionsource__version__status": FactorStatus.PUBLISHED}


def cited_sources() -> QuerySet[Source]:
    """Sources a published version cites, each with `published_factors`: how many published
    factors cite it. Newest first, then by title (the API's order)."""
    return (Source.objects.filter(**_PUBLISHED_CITATION)
            .annotate(published_factors=Count("versionsource__version__factor", distinct=True))
            .order_by("-year", "title"))


def cited_source(pk: int) -> Source | None:
    """The source, if a published version cites it: no other source is public."""
    if not 0 < pk < 2**63:  # no id the database could hold: none reaches it
        return None
    return Source.objects.filter(pk=pk, **_PUBLISHED_CITATION).distinct().first()


def citations_of(source: Source) -> QuerySet[VersionSource]:
    """The published versions citing the source, with where in it, by category, region and year."""
    return (VersionSource.objects.filter(source=source, version__in=visible_versions())
            .select_related("version__factor__category", "version__factor__region", "version__factor__unit")
            .order_by("version__factor__category__path", "version__factor__region__path",
                      "-version__factor__year", "version__factor__public_id"))


def licensed_sources() -> QuerySet[Source]:
    """Cited sources that state a licence or attribution, for whoever redistributes the data."""
    return cited_sources().exclude(licence="")


# --- Categories -------------------------------------------------------------------------


@dataclass
class TreeNode:
    """A category or region with its published factors and the nodes below it."""

    record: Category | Region
    published: int
    children: list["TreeNode"] = field(default_factory=list)


def _published_per_category_path(path_prefix: str = "/") -> dict[str, int]:
    return dict(
        visible_versions().filter(factor__category__path__startswith=path_prefix)
        .values_list("factor__category__path").annotate(n=Count("pk")).order_by()
    )


def _tree(records: list, own: dict[int, int], *, subtree: bool) -> list[TreeNode]:
    """Nodes linked by parent, in the records' order; `published` is a node's own count, or
    with `subtree` the sum over everything below it too."""
    nodes = {record.pk: TreeNode(record=record, published=own.get(record.pk, 0)) for record in records}
    roots = []
    for record in records:
        parent = nodes.get(record.parent_id)
        (parent.children if parent else roots).append(nodes[record.pk])
    if subtree:
        for node in sorted(nodes.values(), key=lambda n: -n.record.path.count("/")):
            node.published += sum(child.published for child in node.children)
    return roots


def category_tree() -> list[TreeNode]:
    """Every category, as a tree, each with the published factors in its subtree. Two queries."""
    per_path = _published_per_category_path()
    categories = list(Category.objects.order_by("path"))
    own = {c.pk: per_path.get(c.path, 0) for c in categories}
    return _tree(categories, own, subtree=True)


def category_by_code(code: str) -> Category | None:
    return Category.objects.filter(code=code).first()


def ancestors_of(record: Category | Region) -> list:
    """From the root down to the node's parent, read from its materialised path in one query."""
    codes = [code for code in record.path.strip("/").split("/")[:-1] if code]
    found = {r.code: r for r in type(record).objects.filter(code__in=codes)}
    return [found[code] for code in codes if code in found]


def category_children(category: Category) -> list[TreeNode]:
    """The category's subcategories, each with the published factors in its subtree."""
    per_path = _published_per_category_path(category.path)
    children = list(category.children.order_by("path"))
    return [TreeNode(record=child,
                     published=sum(n for path, n in per_path.items() if path.startswith(child.path)))
            for child in children]


@dataclass(frozen=True)
class YearGroup:
    year: int
    versions: list[FactorVersion]
    # Whether the category's own factors of the year cover several regions: then the
    # region comparison (one category, one year) has something to compare.
    comparable: bool


def published_in_category(category: Category) -> list[YearGroup]:
    """The published versions of the category's subtree by year, newest first; within a
    year by category and region along their trees. One query."""
    versions = (visible_versions().filter(factor__category__path__startswith=category.path)
                .order_by("-factor__year", "factor__category__path", "factor__region__path",
                          "factor__public_id"))
    by_year: dict[int, list[FactorVersion]] = defaultdict(list)
    for version in versions:
        by_year[version.factor.year].append(version)
    return [
        YearGroup(year=year, versions=group, comparable=len(
            {v.factor.region_id for v in group if v.factor.category_id == category.pk}) > 1)
        for year, group in by_year.items()
    ]


# --- Regions ----------------------------------------------------------------------------


def region_tree() -> list[TreeNode]:
    """Every region, as a tree (world → country → grid → province), each with its own
    published factors. Two queries."""
    own = dict(visible_versions().values_list("factor__region_id").annotate(n=Count("pk")).order_by())
    return _tree(list(Region.objects.order_by("path")), own, subtree=False)


def region_by_code(code: str) -> Region | None:
    return Region.objects.select_related("parent").filter(code=code).first()


def region_children(region: Region) -> list[TreeNode]:
    own = dict(visible_versions().filter(factor__region__parent=region)
               .values_list("factor__region_id").annotate(n=Count("pk")).order_by())
    return [TreeNode(record=child, published=own.get(child.pk, 0))
            for child in region.children.order_by("path")]


def published_in_region(region: Region) -> list[FactorVersion]:
    """The region's own published versions, by category along its tree, newest year first."""
    return list(visible_versions().filter(factor__region=region)
                .order_by("factor__category__path", "-factor__year", "factor__public_id"))
