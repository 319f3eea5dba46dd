"""The sitemap: every public page, in Chinese and in English, each naming the other
(hreflang alternates). Only what the public may read: the factors the API serves now,
sealed releases, and the sources their versions cite."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from factordb import selectors_home

STATIC_PAGES = ("home", "factor_search", "compare", "categories", "regions", "releases", "downloads",
                "sources", "methodology", "developers", "about")


class PublicSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True  # the default language's address, for a visitor of any other


class StaticPages(PublicSitemap):
    def items(self) -> tuple[str, ...]:
        return STATIC_PAGES

    def location(self, name: str) -> str:
        return reverse(name)


class Factors(PublicSitemap):
    def items(self):
        return selectors_home.sitemap_factor_versions()

    def location(self, version) -> str:
        return reverse("factor", args=[version.factor.public_id])

    def lastmod(self, version):
        return version.published_at


class Categories(PublicSitemap):
    def items(self):
        return selectors_home.sitemap_categories()

    def location(self, category) -> str:
        return reverse("category", args=[category.code])


class Regions(PublicSitemap):
    def items(self):
        return selectors_home.sitemap_regions()

    def location(self, region) -> str:
        return reverse("region", args=[region.code])


class Releases(PublicSitemap):
    def items(self):
        return selectors_home.sitemap_releases()

    def location(self, release) -> str:
        return reverse("release", args=[release.name])

    def lastmod(self, release):
        return release.published_at


class Sources(PublicSitemap):
    def items(self):
        return selectors_home.cited_sources()

    def location(self, source) -> str:
        return reverse("source", args=[source.pk])


SITEMAPS = {
    "pages": StaticPages,
    "factors": Factors,
    "categories": Categories,
    "regions": Regions,
    "releases": Releases,
    "sources": Sources,
}
