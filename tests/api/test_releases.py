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


def test_the_diff_lists_each_factor_with_its_versions_and_values_on_both_sides(api, approver, editor):
    from decimal import Decimal

    from factordb.services import review
    from tests.factories import ApprovedVersionFactory

    revised = PublishedVersionFactory(co2e_total=Decimal("0.5366"), version=1,
                                      factor__name_zh="修订的因子", factor__name_en="Revised factor")
    dropped = PublishedVersionFactory(co2e_total=Decimal("0.7000"))
    release_cut(name="2025.1", actor=approver)
    newer = ApprovedVersionFactory(factor=revised.factor, version=2, co2e_total=Decimal("0.5703"),
                                   author=editor)
    review.factor_version_publish(version=newer, actor=approver)
    dropped.status = FactorStatus.WITHDRAWN
    dropped.save()
    added = PublishedVersionFactory(co2e_total=Decimal("1.25"))
    release_cut(name="2025.2", actor=approver)

    body = api.get("/api/v1/releases/2025.2/diff/").json()

    assert body["counts"] == {"added": 1, "changed": 1, "withdrawn": 1, "unchanged": 0}
    by_id = {entry["public_id"]: entry for entry in body["changes"]}
    changed = by_id[revised.factor.public_id]
    assert (changed["change"], changed["name_zh"], changed["name_en"]) == (
        "changed", "修订的因子", "Revised factor")
    assert (changed["before"]["version"], changed["before"]["co2e_total"]) == (1, "0.5366")
    assert (changed["after"]["version"], changed["after"]["co2e_total"]) == (2, "0.5703")
    assert changed["after"]["unit"] == revised.factor.unit.code
    assert changed["after"]["gas_amounts"] == [{"gas": newer.gas_amounts.get().gas.code, "amount": "0.5703"}]
    assert by_id[added.factor.public_id]["before"] is None
    assert by_id[added.factor.public_id]["after"]["co2e_total"] == "1.25"
    assert by_id[dropped.factor.public_id]["change"] == "withdrawn"
    assert by_id[dropped.factor.public_id]["after"] is None
    assert by_id[dropped.factor.public_id]["before"]["co2e_total"] == "0.7"
    # The earlier shape's id lists are still there, for clients that read them.
    assert (body["added"], body["changed"], body["withdrawn"]) == (
        [added.factor.public_id], [revised.factor.public_id], [dropped.factor.public_id])


def test_the_diff_from_nothing_lists_every_pinned_factor_as_added(api, two_releases):
    body = api.get("/api/v1/releases/2025.1/diff/").json()

    assert body["compared_with"] is None
    assert {e["change"] for e in body["changes"]} == {"added"}
    assert sorted(e["public_id"] for e in body["changes"]) == sorted(body["added"])
    assert body["counts"]["added"] == 2
