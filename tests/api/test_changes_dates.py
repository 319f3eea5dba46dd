"""changes/ dates each change by when it took effect, the time versions/ shows, and reads a
plain date in `since` as the start of that day in UTC."""

import datetime as dt

import pytest
import time_machine

from factordb.models import WorkflowEvent
from factordb.services import review
from factordb.services.factors import factor_version_publish_official
from tests.factories import ApprovedVersionFactory, DraftVersionFactory

pytestmark = pytest.mark.django_db

FEED = "/api/v1/changes/"


def feed(api, **params) -> list[dict]:
    response = api.get(FEED, params or {"after": 0})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def history(api, version) -> dict[int, dict]:
    rows = api.get(f"/api/v1/factors/{version.factor.public_id}/versions/").json()
    return {row["version"]: row for row in rows}


def test_each_change_carries_the_time_versions_shows(api, approver, editor):
    old = ApprovedVersionFactory(author=editor)
    review.factor_version_publish(version=old, actor=approver)
    new = ApprovedVersionFactory(factor=old.factor, version=old.version + 1, author=editor)
    review.factor_version_publish(version=new, actor=approver)
    review.factor_version_withdraw(version=new, actor=approver, reason="数值有误")

    times = {(row["version"], row["change"]): row["at"] for row in feed(api)}
    shown = history(api, old)

    assert times == {
        (old.version, "published"): shown[old.version]["published_at"],
        (old.version, "superseded"): shown[old.version]["superseded_at"],
        (new.version, "published"): shown[new.version]["published_at"],
        (new.version, "withdrawn"): shown[new.version]["superseded_at"],
    }


def test_official_statistics_loaded_today_are_dated_by_their_publication(api, approver):
    published = dt.datetime(2024, 6, 30, 16, 0, tzinfo=dt.UTC)
    version = factor_version_publish_official(version=DraftVersionFactory(author=approver),
                                              published_at=published)

    [change] = feed(api)

    assert (change["change"], change["at"]) == ("published", "2024-06-30T16:00:00Z")
    assert [row["public_id"] for row in feed(api, since="2024-06-30")] == [version.factor.public_id]
    assert feed(api, since="2024-07-01") == []
    # The audit record is left as it was written: when the platform recorded the step.
    assert WorkflowEvent.objects.get(version=version).at > published + dt.timedelta(days=365)


def test_a_plain_date_in_since_is_the_start_of_that_day_in_utc(api, approver, editor, settings):
    settings.TIME_ZONE = "Asia/Shanghai"  # the start of the day in Beijing would be 16:00 UTC before
    late, early = ApprovedVersionFactory(author=editor), ApprovedVersionFactory(author=editor)
    with time_machine.travel(dt.datetime(2026, 12, 1, 23, 59, 59, tzinfo=dt.UTC), tick=False):
        review.factor_version_publish(version=late, actor=approver)
    with time_machine.travel(dt.datetime(2026, 12, 2, 0, 0, 0, tzinfo=dt.UTC), tick=False):
        review.factor_version_publish(version=early, actor=approver)

    rows = feed(api, since="2026-12-02")

    assert [(row["public_id"], row["at"]) for row in rows] == [
        (early.factor.public_id, "2026-12-02T00:00:00Z")]
    assert feed(api, since="2026-12-02T00:00:00Z") == rows


@pytest.mark.parametrize("since", ["2026-13-01", "2026-02-30", "02-12-2026", "2026-12-2"])
def test_a_date_that_is_no_date_is_a_400_naming_since(api, since):
    response = api.get(FEED, {"since": since})
    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == ["since"]
