"""The release pages: sealed releases only, each with its diff to the one before and its files'
SHA-256, which are those of the bytes the API's download links serve."""

import hashlib
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from factordb.constants import FactorStatus
from factordb.models import ReleaseContent, ReleasePackage, VersionSource
from factordb.services import review
from factordb.services.releases import release_cut
from tests.factories import (
    ApprovedVersionFactory,
    DraftVersionFactory,
    PublishedVersionFactory,
    ReleaseFactory,
    SourcedPublishedVersionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_releases(approver, editor):
    """2025.1 pins kept, dropped and revised (v1); 2025.2 drops one, revises one to v2, adds one."""
    kept = PublishedVersionFactory(factor__name_zh="保留的因子", factor__name_en="Kept factor")
    dropped = PublishedVersionFactory(factor__name_zh="撤回的因子", factor__name_en="Dropped factor",
                                      co2e_total=Decimal("0.7000"))
    revised = SourcedPublishedVersionFactory(factor__name_zh="修订的因子", factor__name_en="Revised factor",
                                             co2e_total=Decimal("0.5366"), version=1)
    first = release_cut(name="2025.1", notes_zh="第一版说明", notes_en="First notes", actor=approver)
    dropped.status = FactorStatus.WITHDRAWN
    dropped.save()
    newer = ApprovedVersionFactory(factor=revised.factor, version=2, co2e_total=Decimal("0.5703"),
                                   author=editor)
    review.factor_version_publish(version=newer, actor=approver)
    added = PublishedVersionFactory(factor__name_zh="新增的因子", factor__name_en="Added factor",
                                    co2e_total=Decimal("1.25"))
    second = release_cut(name="2025.2", notes_zh="第二版说明", notes_en="Second notes", actor=approver)
    return {"first": first, "second": second, "kept": kept, "dropped": dropped, "revised": revised,
            "added": added}


def section(html: str, heading_id: str) -> str:
    """The part of the page from the heading with this id up to the next h3 or section end."""
    start = html.index(f'id="{heading_id}"')
    ends = [i for i in (html.find("<h3", start), html.find("</section>", start)) if i != -1]
    return html[start:min(ends)]


def test_the_list_shows_sealed_releases_newest_first_and_never_an_unsealed_one(client, two_releases):
    ReleaseFactory(name="2099.1")  # being cut: no checksum yet

    html = client.get("/releases/").content.decode()

    assert html.index("2025.2") < html.index("2025.1")
    assert "2099.1" not in html
    assert "第二版说明" in html


def test_the_list_shows_notes_in_english_on_english_pages(client, two_releases):
    html = client.get("/en/releases/").content.decode()

    assert "Second notes" in html
    assert "第二版说明" not in html


def test_notes_fall_back_to_chinese_when_there_is_no_english(client, approver):
    PublishedVersionFactory()
    release_cut(name="2025.1", notes_zh="仅有中文说明", actor=approver)

    assert "仅有中文说明" in client.get("/en/releases/2025.1/").content.decode()


def test_an_unsealed_or_unknown_release_is_not_found(client, two_releases):
    ReleaseFactory(name="2099.1")

    assert client.get("/releases/2099.1/").status_code == 404
    assert client.get("/releases/1999.1/").status_code == 404
    assert client.get("/releases/%3Cscript%3E/").status_code == 404


def test_the_diff_names_added_changed_and_removed_factors_with_their_values(client, two_releases):
    html = client.get("/releases/2025.2/").content.decode()

    added, changed, removed = (section(html, name) for name in ("added", "changed", "withdrawn"))
    assert "新增的因子" in added
    assert "1.25" in added
    assert f'href="/factors/{two_releases["added"].factor.public_id}/"' in added
    assert "修订的因子" in changed
    assert re.search(r"v1: 0\.5366.*→ v2: 0\.5703", changed, re.S)
    gas = two_releases["revised"].gas_amounts.get().gas.code
    assert re.search(rf"{gas}: 0\.5366 → 0\.5703", changed)  # the gas breakdown's change
    assert "撤回的因子" in removed
    assert "0.7" in removed
    assert "保留的因子" not in html  # unchanged: not part of the diff
    assert 'href="/releases/2025.1/"' in html  # what it is compared with


def test_in_the_first_release_everything_is_added(client, two_releases):
    html = client.get("/releases/2025.1/").content.decode()

    added = section(html, "added")
    for name in ("保留的因子", "撤回的因子", "修订的因子"):
        assert name in added
    assert "新增的因子" not in html


def test_the_diff_shows_names_in_english_on_english_pages(client, two_releases):
    html = client.get("/en/releases/2025.2/").content.decode()

    assert "Added factor" in html
    assert "新增的因子" not in html


@pytest.mark.parametrize("extension", ["json", "csv"])
def test_the_sha256_shown_is_that_of_the_bytes_the_download_link_serves(client, two_releases, extension):
    content = ReleaseContent.objects.get(release=two_releases["second"])
    html = client.get("/releases/2025.2/").content.decode()

    link = f"/api/v1/releases/2025.2/download.{extension}"
    assert f'href="{link}"' in html
    shown = re.search(rf'<code class="sha256" data-file="{extension}">([0-9a-f]{{64}})</code>', html).group(1)
    served = client.get(link).content
    assert shown == getattr(content, f"{extension}_sha256") == hashlib.sha256(served).hexdigest()
    assert f"{len(served):,}" in html or str(len(served)) in html
    assert "sha256sum" in html


def test_the_datapackage_shown_is_the_one_its_link_serves(client, two_releases):
    package = ReleasePackage.objects.get(release=two_releases["second"])
    html = client.get("/releases/2025.2/").content.decode()

    link = "/api/v1/releases/2025.2/datapackage.json"
    assert f'href="{link}"' in html
    shown = re.search(r'<code class="sha256" data-file="datapackage">([0-9a-f]{64})</code>', html).group(1)
    assert shown == package.sha256 == hashlib.sha256(client.get(link).content).hexdigest()
    assert "Frictionless" in client.get("/en/downloads/").content.decode()


def test_the_downloads_page_lists_every_sealed_release_latest_first_and_marked(client, two_releases):
    ReleaseFactory(name="2099.1")
    html = client.get("/downloads/").content.decode()

    newest, older = "/api/v1/releases/2025.2/download.json", "/api/v1/releases/2025.1/download.json"
    assert html.index(newest) < html.index(older)
    assert "/api/v1/releases/2025.1/download.csv" in html
    assert "2099.1" not in html
    latest = html[:html.index("/api/v1/releases/2025.2/download.json")]
    assert "最新" in latest[latest.rindex("<h2"):]
    for release in ("first", "second"):
        content = ReleaseContent.objects.get(release=two_releases[release])
        assert content.json_sha256 in html
        assert content.csv_sha256 in html
    assert 'href="/api/v1/changes/"' in html
    assert "sha256sum" in html


def test_the_downloads_page_states_the_licences_of_published_sources(client, two_releases):
    source = SourceFactory(licence="CC BY 4.0")
    draft = DraftVersionFactory()
    VersionSource.objects.create(version=draft, source=source)
    draft.status, draft.published_at = FactorStatus.PUBLISHED, timezone.now()
    draft.save()
    unpublished = SourceFactory(licence="Secret licence")
    VersionSource.objects.create(version=DraftVersionFactory(), source=unpublished)

    html = client.get("/downloads/").content.decode()

    assert "CC BY 4.0" in html
    assert f'href="/sources/{source.pk}/"' in html
    assert "Secret licence" not in html


def test_the_pages_answer_reads_only(client, two_releases):
    assert client.post("/releases/2025.2/").status_code == 405


def queries_of(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_number_of_releases_or_factors(client, approver):
    PublishedVersionFactory()
    release_cut(name="2025.1", actor=approver)
    PublishedVersionFactory()
    release_cut(name="2025.2", actor=approver)
    few = {path: queries_of(client, path) for path in ("/releases/", "/releases/2025.2/", "/downloads/")}

    PublishedVersionFactory.create_batch(15)
    release_cut(name="2025.3", actor=approver)
    PublishedVersionFactory.create_batch(5)
    release_cut(name="2025.4", actor=approver)
    many = {path: queries_of(client, path.replace("2025.2", "2025.4")) for path in few}

    assert many == few
    assert max(many.values()) <= 8
