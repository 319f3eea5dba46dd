"""One `as_of` rule for every read that takes it: a moment in the future is a 400 naming
`as_of` (what is in force then is not known yet); a moment in the past is answered."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from factordb.services import review
from tests.factories import ApprovedVersionFactory, PublishedVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def version():
    return PublishedVersionFactory()  # published 2024-12-23


def ask(api, version, endpoint: str, as_of: str):
    factor = version.factor
    if endpoint == "detail":
        return api.get(f"/api/v1/factors/{factor.public_id}/", {"as_of": as_of})
    if endpoint == "list":
        return api.get("/api/v1/factors/", {"as_of": as_of})
    if endpoint == "export":
        return api.get("/api/v1/factors/export/", {"file_format": "json", "as_of": as_of})
    if endpoint == "resolve":
        key = {"category": factor.category.code, "region": factor.region.code, "year": factor.year,
               "unit": factor.unit.code}
        return api.post("/api/v1/resolve/", {"keys": [key], "as_of": as_of}, format="json")
    body = {"public_id": factor.public_id, "amount": "1", "unit": factor.unit.code, "gwp_set": "AR5",
            "as_of": as_of}
    return api.post("/api/v1/calculate/", body, format="json")


ENDPOINTS = ["detail", "list", "export", "resolve", "calculate"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("ahead", [dt.timedelta(minutes=5), dt.timedelta(days=400)])
def test_a_future_as_of_is_a_400_naming_it(api, version, endpoint, ahead):
    response = ask(api, version, endpoint, (timezone.now() + ahead).isoformat())

    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["details"]) == ["as_of"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_past_as_of_is_answered_with_what_was_in_force_then(api, version, endpoint):
    response = ask(api, version, endpoint, "2025-01-01T00:00:00Z")
    assert response.status_code == 200, response.content


def test_a_plain_date_as_of_is_the_start_of_that_day_in_utc(api, settings, approver, editor):
    settings.TIME_ZONE = "Asia/Shanghai"
    version = ApprovedVersionFactory(author=editor)
    with time_machine.travel(dt.datetime(2024, 12, 22, 20, 0, tzinfo=dt.UTC), tick=False):  # 04:00 in Beijing
        review.factor_version_publish(version=version, actor=approver)
    detail = f"/api/v1/factors/{version.factor.public_id}/"

    assert api.get(detail, {"as_of": "2024-12-23"}).status_code == 200  # 2024-12-23T00:00:00Z
    assert api.get(detail, {"as_of": "2024-12-22"}).status_code == 404
