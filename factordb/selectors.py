"""Reads of the domain: what is published, counted and current."""

from django.db.models import Count, QuerySet

from factordb.constants import FactorStatus
from factordb.models import Category, FactorVersion


def published_versions() -> QuerySet[FactorVersion]:
    return FactorVersion.objects.filter(status=FactorStatus.PUBLISHED).select_related(
        "factor__category", "factor__region", "factor__unit", "factor__dataset", "gwp_set",
    )


def latest_published_versions(*, limit: int) -> list[FactorVersion]:
    return list(published_versions().order_by("-published_at", "-pk")[:limit])


def published_totals() -> dict[str, int]:
    versions = published_versions()
    return {
        "factors": versions.count(),
        "regions": versions.values("factor__region").distinct().count(),
        "datasets": versions.values("factor__dataset").distinct().count(),
    }


def published_counts_by_category() -> list[dict]:
    """Top-level categories and their children, each with the published factors in its subtree.

    Two queries whatever the size of the tree: counts per category path, summed by prefix.
    """
    per_path = dict(
        FactorVersion.objects.filter(status=FactorStatus.PUBLISHED)
        .values_list("factor__category__path")
        .annotate(n=Count("pk"))
        .order_by()
    )

    def subtree_count(category: Category) -> int:
        return sum(n for path, n in per_path.items() if path.startswith(category.path))

    categories = list(Category.objects.order_by("path"))
    roots = [c for c in categories if c.parent_id is None]
    return [
        {
            "category": root,
            "published": subtree_count(root),
            "children": [
                {"category": child, "published": subtree_count(child)}
                for child in categories if child.parent_id == root.pk
            ],
        }
        for root in roots
    ]
