"""releases/: citable editions, their diff, and downloads a calculator can verify."""

import hashlib
import json

import pytest

from factordb.constants import FactorStatus
from factordb.services.releases import release_cut
from tests.factories import PublishedVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_releases(approver):
    kept, dropped = PublishedVersionFactory.create_batch(2)
    first = release_cut(name="2025.1", actor=approver)
    dropped.status = FactorStatus.WITHDRAWN
    dropped.save()
    added = PublishedVersionFactory()
    second = release_cut(name="2025.2", actor=approver)
    return first, second, kept, dropped, added


def test_the_list_shows_releases_newest_first_with_their_checksums(api, two_releases):
    first, second, *_ = two_releases
    rows = api.get("/api/v1/releases/").json()
    assert [(r["name"], r["checksum_sha256"]) for r in rows] == [
        (second.name, second.checksum_sha256), (first.name, first.checksum_sha256)]


def test_the_json_download_hashes_to_the_release_checksum(api, two_releases):
    _, second, *_ = two_releases
    response = api.get("/api/v1/releases/2025.2/download.json")
    assert hashlib.sha256(response.content).hexdigest() == second.checksum_sha256
    assert response["X-Checksum-SHA256"] == second.checksum_sha256
    assert len(json.loads(response.content)["factors"]) == 2


def test_the_csv_download_carries_its_own_checksum(api, two_releases):
    response = api.get("/api/v1/releases/2025.1/download.csv")
    assert response["X-Checksum-SHA256"] == hashlib.sha256(response.content).hexdigest()
    assert response.content.decode().splitlines()[0].startswith("public_id,version,")


def test_the_diff_names_added_and_withdrawn_factors(api, two_releases):
    _, _, _kept, dropped, added = two_releases
    body = api.get("/api/v1/releases/2025.2/diff/", {"from": "2025.1"}).json()
    assert body["added"] == [added.factor.public_id]
    assert body["withdrawn"] == [dropped.factor.public_id]
    assert body["changed"] == []
    assert api.get("/api/v1/releases/2025.2/diff/").json()["compared_with"] == "2025.1"


def test_an_unknown_from_release_is_a_400_naming_from(api, two_releases):
    response = api.get("/api/v1/releases/2025.2/diff/", {"from": "1999.1"})
    assert response.status_code == 400
    assert "from" in response.json()["error"]["details"]
