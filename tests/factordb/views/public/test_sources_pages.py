"""The source pages: only sources a published version cites, and only the published factors
citing them; nothing of an unpublished one leaks, not even its title."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from factordb.constants import FactorStatus
from factordb.models import VersionSource
from tests.factories import STATE_FACTORIES, DraftVersionFactory, RegionFactory, SourceFactory

pytestmark = pytest.mark.django_db


def published_citing(source, locator: str = "", **fields):
    """A version citing `source`, published as the factories publish: saved as a draft first."""
    version = DraftVersionFactory(**fields)
    VersionSource.objects.create(version=version, source=source, locator=locator)
    version.status, version.published_at = FactorStatus.PUBLISHED, timezone.now()
    version.save()
    return version


@pytest.fixture
def cited():
    source = SourceFactory(title="2022年电力二氧化碳排放因子", publisher="生态环境部", year=2024,
                           document_id="公告2024年第33号", licence="CC BY 4.0", url="https://example.org/a")
    guangdong = RegionFactory(code="CN-GD", kind="province", name_zh="广东", name_en="Guangdong")
    version = published_citing(source, locator="表 1", co2e_total=Decimal("0.53660000"),
                               factor__name_zh="全国电网平均排放因子",
                               factor__name_en="National grid average", factor__region=guangdong)
    return source, version


@pytest.mark.parametrize("status", [s for s in STATE_FACTORIES if s != FactorStatus.PUBLISHED])
def test_a_source_only_an_unpublished_version_cites_is_not_found_and_not_listed(client, status):
    version = STATE_FACTORIES[status]()
    source = version.version_sources.get().source

    assert client.get(f"/sources/{source.pk}/").status_code == 404
    assert source.title not in client.get("/sources/").content.decode()


def test_the_list_shows_each_cited_source_with_its_count_of_published_factors(client, cited):
    source, _ = cited
    published_citing(source)
    STATE_FACTORIES[FactorStatus.IN_REVIEW]()  # cites a source of its own; counted nowhere

    html = client.get("/sources/").content.decode()

    assert f'href="/sources/{source.pk}/"' in html
    row = html[html.index(source.title):]
    row = row[:row.index("</tr>")]
    assert "生态环境部" in row
    assert ">2</td>" in row


def test_a_source_page_shows_the_full_citation_and_the_published_factors_citing_it(client, cited):
    source, version = cited
    draft = DraftVersionFactory(factor__name_zh="草稿因子")
    VersionSource.objects.create(version=draft, source=source)

    html = client.get(f"/sources/{source.pk}/").content.decode()

    for text in ("2022年电力二氧化碳排放因子", "生态环境部", "公告2024年第33号", "CC BY 4.0",
                 'href="https://example.org/a"', "全国电网平均排放因子", "广东", "0.5366", "表 1",
                 f'href="/factors/{version.factor.public_id}/"'):
        assert text in html
    assert "0.53660000" not in html
    assert "草稿因子" not in html


def test_a_source_page_in_english_shows_english_names(client, cited):
    source, _ = cited

    html = client.get(f"/en/sources/{source.pk}/").content.decode()

    assert "National grid average" in html
    assert "Guangdong" in html


def test_a_withdrawn_version_no_longer_shows_on_its_source(client, cited):
    source, version = cited
    published_citing(source, factor__name_zh="仍在发布的因子")
    version.status, version.superseded_at = FactorStatus.WITHDRAWN, timezone.now()
    version.save()

    html = client.get(f"/sources/{source.pk}/").content.decode()

    assert "仍在发布的因子" in html
    assert "全国电网平均排放因子" not in html


@pytest.mark.parametrize("path", ["/sources/0/", "/sources/999999/", "/sources/99999999999999999999999/",
                                  "/sources/abc/"])
def test_an_unknown_source_is_not_found(client, cited, path):
    assert client.get(path).status_code == 404


def queries_of(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_number_of_sources_or_citing_factors(client, cited):
    source, _ = cited
    few = (queries_of(client, "/sources/"), queries_of(client, f"/sources/{source.pk}/"))

    for _ in range(8):
        published_citing(source)
        published_citing(SourceFactory())
    many = (queries_of(client, "/sources/"), queries_of(client, f"/sources/{source.pk}/"))

    assert many == few
    assert max(many) <= 4
