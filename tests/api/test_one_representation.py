"""One representation everywhere: a decimal is plain text without exponent or trailing zeros,
a moment is UTC ending in Z, in every answer and file that shows them (docs/adr/0029)."""

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine

from factordb.models import GwpValue
from factordb.services import review
from factordb.services.releases import release_cut
from tests.factories import ApprovedVersionFactory, GasFactory, GwpSetFactory, PublishedVersionFactory

pytestmark = pytest.mark.django_db

PUBLISHED = dt.datetime(2025, 3, 1, 4, 5, 6, tzinfo=dt.UTC)
PUBLISHED_TEXT = "2025-03-01T04:05:06Z"
RELEASE = "2025.1"


def file_of(response) -> bytes:
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def thirty(approver, editor, settings):
    """A version of 30.00000000 kg CO2e per unit, published at a known moment (in a site whose
    TIME_ZONE is eight hours from UTC), and a release that pins it."""
    settings.TIME_ZONE = "Asia/Shanghai"
    version = ApprovedVersionFactory(co2e_total=Decimal("30.00000000"), author=editor)
    with time_machine.travel(PUBLISHED, tick=False):
        review.factor_version_publish(version=version, actor=approver)
    with time_machine.travel(PUBLISHED + dt.timedelta(days=1), tick=False):
        release_cut(name=RELEASE, actor=approver)
    return version


def test_every_answer_and_file_writes_the_publication_moment_in_utc_ending_in_z(api, thirty):
    public_id = thirty.factor.public_id
    detail = api.get(f"/api/v1/factors/{public_id}/").json()
    listed = api.get("/api/v1/factors/").json()["results"]
    history = api.get(f"/api/v1/factors/{public_id}/versions/").json()
    pinned = api.get(f"/api/v1/factors/{public_id}/", {"release": RELEASE}).json()
    feed = api.get("/api/v1/changes/", {"after": 0}).json()["results"]
    release_file = json.loads(file_of(api.get(f"/api/v1/releases/{RELEASE}/download.json")))
    export = json.loads(file_of(api.get("/api/v1/factors/export/", {"file_format": "json"})))

    assert {
        "detail": detail["version"]["published_at"],
        "list": listed[0]["version"]["published_at"],
        "versions": history[0]["published_at"],
        "release answer": pinned["version"]["published_at"],
        "changes": next(row["at"] for row in feed if row["change"] == "published"),
        "release file": release_file["factors"][0]["published_at"],
        "list export": export["factors"][0]["published_at"],
    } == dict.fromkeys(("detail", "list", "versions", "release answer", "changes", "release file",
                        "list export"), PUBLISHED_TEXT)


def test_a_release_is_dated_in_utc_too(api, thirty):
    (release,) = api.get("/api/v1/releases/").json()
    assert release["published_at"].endswith("Z")
    assert api.get(f"/api/v1/releases/{RELEASE}/").json()["published_at"] == release["published_at"]


def test_fractional_seconds_appear_only_when_the_moment_has_them(api, approver, editor):
    version = ApprovedVersionFactory(author=editor)
    with time_machine.travel(PUBLISHED + dt.timedelta(microseconds=250000), tick=False):
        review.factor_version_publish(version=version, actor=approver)

    body = api.get(f"/api/v1/factors/{version.factor.public_id}/").json()

    assert body["version"]["published_at"] == "2025-03-01T04:05:06.250000Z"


def test_every_answer_and_file_writes_thirty_as_30(api, thirty):
    factor = thirty.factor
    key = {"category": factor.category.code, "region": factor.region.code, "year": factor.year,
           "unit": factor.unit.code}
    detail = api.get(f"/api/v1/factors/{factor.public_id}/").json()["version"]
    (resolved,) = api.post("/api/v1/resolve/", {"keys": [key]}, format="json").json()["results"]
    calculated = api.post("/api/v1/calculate/", {"public_id": factor.public_id, "amount": "1",
                                                 "unit": factor.unit.code, "gwp_set": "AR5"},
                          format="json").json()
    release_file = json.loads(file_of(api.get(f"/api/v1/releases/{RELEASE}/download.json")))
    export = json.loads(file_of(api.get("/api/v1/factors/export/", {"file_format": "json"})))

    assert {
        "detail": detail["co2e_total"],
        "detail gas": detail["gas_amounts"][0]["amount"],
        "resolve": resolved["co2e_total"],
        "calculate": calculated["kg_co2e"],
        "calculate gas": calculated["gases"][0]["kg_co2e"],
        "release file": release_file["factors"][0]["co2e_total"],
        "list export": export["factors"][0]["co2e_total"],
    } == dict.fromkeys(("detail", "detail gas", "resolve", "calculate", "calculate gas", "release file",
                        "list export"), "30")


def test_a_gwp_value_of_30_is_written_30_not_3e1(api):
    ar5 = GwpSetFactory(code="AR5")
    GwpValue.objects.create(gwp_set=ar5, gas=GasFactory(code="CH4", formula="CH4"), value=Decimal("30.000"))

    (gwp_set,) = api.get("/api/v1/gwp-sets/").json()

    assert gwp_set["values"] == {"CO2": "1", "CH4": "30"}


def test_a_decimal_keeps_its_significant_digits_and_loses_its_padding(api):
    version = PublishedVersionFactory(
        co2e_total=Decimal("0.53660000"), uncertainty_low_pct=Decimal("10.00"),
        uncertainty_high_pct=Decimal("12.50"), uncertainty_gsd=Decimal("1.5000"))

    body = api.get(f"/api/v1/factors/{version.factor.public_id}/").json()["version"]

    assert body["co2e_total"] == "0.5366"
    assert body["uncertainty"] | {"distribution": None} == {
        "distribution": None, "low_pct": "10", "high_pct": "12.5", "gsd": "1.5"}
