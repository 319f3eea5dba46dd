"""sitemap.xml lists every public page in both languages, and nothing that is not public;
robots.txt keeps crawlers out of staff pages and names the sitemap; /favicon.ico answers."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import timezone

from factordb.models import FactorVersion
from factordb.services.releases import release_cut
from factordb.sitemaps import STATIC_PAGES
from tests.factories import (
    CategoryFactory,
    RegionFactory,
    ReleaseFactory,
    SourcedDraftVersionFactory,
    SourcedPublishedVersionFactory,
    SupersededVersionFactory,
)

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
HOST = "http://testserver"


def entries(client) -> dict[str, dict]:
    """{address: {"lastmod": …, "alternates": {hreflang: address}}} of the sitemap."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return {
        url.findtext("s:loc", namespaces=NS): {
            "lastmod": url.findtext("s:lastmod", namespaces=NS),
            "alternates": {link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)},
        }
        for url in root.findall("s:url", NS)
    }


@pytest.fixture
def public_record(approver):
    published = SourcedPublishedVersionFactory(co2e_total=Decimal("0.5366"))
    release_cut(name="2026.1", actor=approver)
    return published


def test_every_static_page_is_listed_in_chinese_and_english_with_alternates(client):
    listed = entries(client)

    assert f"{HOST}/" in listed
    assert f"{HOST}/en/" in listed
    for path in ("/factors/", "/compare/", "/categories/", "/regions/", "/releases/", "/downloads/",
                 "/sources/", "/methodology/", "/developers/", "/about/"):
        chinese, english = listed[HOST + path], listed[f"{HOST}/en{path}"]
        assert chinese["alternates"] == english["alternates"] == {
            "zh-hans": HOST + path, "en": f"{HOST}/en{path}", "x-default": HOST + path}
    assert len(STATIC_PAGES) == 11


def test_published_factors_are_listed_with_their_publication_date(client, public_record):
    listed = entries(client)
    address = f"{HOST}/factors/{public_record.factor.public_id}/"

    assert address in listed
    assert f"{HOST}/en/factors/{public_record.factor.public_id}/" in listed
    assert listed[address]["lastmod"] == timezone.localdate(public_record.published_at).isoformat()


def test_a_factor_never_published_never_appears(client, public_record):
    draft = SourcedDraftVersionFactory()
    content = client.get("/sitemap.xml").content.decode()

    assert draft.factor.public_id not in content
    assert public_record.factor.public_id in content


def test_a_superseded_version_gives_way_to_its_successor(client):
    old = SupersededVersionFactory()
    assert not FactorVersion.objects.filter(factor=old.factor, status="published").exists()

    assert old.factor.public_id not in client.get("/sitemap.xml").content.decode()


def test_categories_regions_sealed_releases_and_cited_sources_are_listed(client, public_record):
    CategoryFactory(code="materials")
    RegionFactory(code="CN-GD", name_en="Guangdong")
    ReleaseFactory(name="2099.1")  # not sealed
    uncited = SourcedDraftVersionFactory().version_sources.get().source
    cited = public_record.version_sources.get().source

    listed = entries(client)

    assert {f"{HOST}/categories/materials/", f"{HOST}/en/categories/materials/",
            f"{HOST}/regions/CN-GD/", f"{HOST}/en/regions/CN-GD/",
            f"{HOST}/releases/2026.1/", f"{HOST}/sources/{cited.pk}/"} <= set(listed)
    assert f"{HOST}/releases/2099.1/" not in listed
    assert f"{HOST}/sources/{uncited.pk}/" not in listed


def test_its_queries_do_not_grow_with_the_data(client, approver, django_assert_max_num_queries):
    for n in range(10):
        SourcedPublishedVersionFactory(factor__region=RegionFactory(code=f"CN-{n}"))
    release_cut(name="2026.1", actor=approver)

    # One count and one page of each of the six sections.
    with django_assert_max_num_queries(12):
        client.get("/sitemap.xml")


def test_robots_txt_keeps_crawlers_out_of_staff_pages_and_names_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    for path in ("/admin/", "/review/", "/accounts/", "/en/admin/", "/en/review/", "/en/accounts/"):
        assert f"Disallow: {path}" in lines
    # The list downloads: a crawler following every filter's link would build every file.
    assert "Disallow: /factors/export/" in lines
    assert "Disallow: /en/factors/export/" in lines
    assert "Allow: /" in lines
    assert "Disallow: /" not in lines  # the public pages stay open
    assert f"Sitemap: {HOST}/sitemap.xml" in lines


def test_favicon_ico_leads_to_the_sites_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"].endswith("favicon.svg")
    assert client.post("/favicon.ico").status_code == 405
