"""A sealed release never changes: its downloads and its `?release=` answers are frozen at the cut."""

import hashlib
import json

import pytest

from factordb.services import review
from factordb.services.corrections import factor_correct_names, source_correct_citation
from factordb.services.releases import release_cut
from tests.factories import ApprovedVersionFactory, SourcedPublishedVersionFactory

pytestmark = pytest.mark.django_db

RELEASE = "2025.1"


@pytest.fixture
def sealed(approver):
    version = SourcedPublishedVersionFactory()
    SourcedPublishedVersionFactory()
    release_cut(name=RELEASE, actor=approver)
    return version


def everything_the_release_shows(api, public_id: str) -> dict:
    answers = {}
    for path in (f"/api/v1/releases/{RELEASE}/download.json", f"/api/v1/releases/{RELEASE}/download.csv"):
        response = api.get(path)
        answers[path] = (response.status_code, response.content, response["X-Checksum-SHA256"])
    for path in ("/api/v1/releases/", f"/api/v1/releases/{RELEASE}/", f"/api/v1/factors/{public_id}/",
                 "/api/v1/factors/"):
        response = api.get(path, {"release": RELEASE} if "factors" in path else {})
        answers[path] = (response.status_code, response.json())
    calculation = {"public_id": public_id, "amount": "10", "unit": "kWh", "gwp_set": "AR5",
                   "release": RELEASE}
    response = api.post("/api/v1/calculate/", calculation, format="json")
    answers["calculate"] = (response.status_code, response.json())
    return answers


def test_renaming_retitling_and_republishing_change_nothing_a_sealed_release_shows(
        api, approver, editor, sealed):
    factor = sealed.factor
    before = everything_the_release_shows(api, factor.public_id)
    assert {status for status, *_ in before.values()} == {200}

    # A published name and a cited source change only by an approver's recorded correction.
    factor_correct_names(factor=factor, name_zh="改名后的因子", name_en="Renamed factor", actor=approver,
                         reason="更正译名")
    source_correct_citation(source=sealed.version_sources.get().source, title="A retitled source",
                            actor=approver, reason="以原文标题为准")
    factor.refresh_from_db()
    factor.unit.name_zh, factor.unit.name_en, factor.unit.symbol = "改名单位", "renamed unit", "rU"
    factor.unit.save()
    factor.category.name_zh, factor.category.name_en = "改名类别", "Renamed category"
    factor.category.save()
    newer = ApprovedVersionFactory(factor=factor, version=sealed.version + 1, author=editor)
    review.factor_version_publish(version=newer, actor=approver)

    assert api.get(f"/api/v1/factors/{factor.public_id}/").json()["name_en"] == "Renamed factor"
    assert everything_the_release_shows(api, factor.public_id) == before


def test_the_metadata_states_the_sha256_of_every_file_and_the_headers_carry_it(api, sealed):
    files = api.get(f"/api/v1/releases/{RELEASE}/").json()["files"]
    for name in ("download.json", "download.csv"):
        response = api.get(f"/api/v1/releases/{RELEASE}/{name}")
        assert response["X-Checksum-SHA256"] == files[name]["sha256"]
        assert hashlib.sha256(response.content).hexdigest() == files[name]["sha256"]
        assert files[name]["size"] == len(response.content)


def test_a_fresh_release_answers_as_the_live_api_did_at_the_cut(api, sealed):
    live = api.get(f"/api/v1/factors/{sealed.factor.public_id}/").json()
    pinned = api.get(f"/api/v1/factors/{sealed.factor.public_id}/", {"release": RELEASE}).json()
    assert json.dumps(pinned, sort_keys=True) == json.dumps(live, sort_keys=True)
