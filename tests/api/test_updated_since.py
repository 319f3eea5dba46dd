"""factors/?updated_since=: every factor whose published record changed since then — a
publication, a supersession, a withdrawal — once each, and no other."""

import datetime as dt

import pytest
from django.utils import timezone

from factordb.services import review
from tests.factories import ApprovedVersionFactory, PublishedVersionFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/factors/"


def changed_since(api, since: str, **params) -> dict[str, dict]:
    response = api.get(URL, {"updated_since": since, **params})
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert len(rows) == len({row["public_id"] for row in rows}), "a factor listed twice"
    return {row["public_id"]: row["version"] for row in rows}


@pytest.fixture
def since():
    return (timezone.now() - dt.timedelta(seconds=1)).isoformat()


def test_a_factor_unchanged_since_then_is_not_listed(api, since):
    unchanged = PublishedVersionFactory()  # published 2024-12-23
    assert unchanged.factor.public_id not in changed_since(api, since)


def test_a_supersession_lists_the_factor_with_its_new_version(api, approver, editor, since):
    old = PublishedVersionFactory()
    new = ApprovedVersionFactory(factor=old.factor, version=old.version + 1, author=editor)
    review.factor_version_publish(version=new, actor=approver)

    listed = changed_since(api, since)

    assert (listed[old.factor.public_id]["version"], listed[old.factor.public_id]["status"]) == (
        new.version, "published")


def test_a_withdrawal_lists_the_factor_with_its_withdrawn_version(api, approver, since):
    version = PublishedVersionFactory()
    review.factor_version_withdraw(version=version, actor=approver, reason="来源撤回")

    shown = changed_since(api, since)[version.factor.public_id]

    assert (shown["version"], shown["status"]) == (version.version, "withdrawn")
    assert shown["superseded_at"] is not None
    # Nowhere else is a withdrawn factor answered as if in force.
    assert version.factor.public_id not in {row["public_id"] for row in api.get(URL).json()["results"]}
    assert api.get(f"{URL}{version.factor.public_id}/", {"updated_since": since}).status_code == 404


def test_a_withdrawal_before_then_is_not_listed(api, approver):
    version = PublishedVersionFactory()
    review.factor_version_withdraw(version=version, actor=approver, reason="来源撤回")

    later = (timezone.now() + dt.timedelta(seconds=1)).isoformat()

    assert version.factor.public_id not in changed_since(api, later)


def test_a_factor_withdrawn_and_published_again_is_listed_once_with_the_version_in_force(
        api, approver, editor, since):
    withdrawn = PublishedVersionFactory()
    review.factor_version_withdraw(version=withdrawn, actor=approver, reason="数值有误")
    again = ApprovedVersionFactory(factor=withdrawn.factor, version=withdrawn.version + 1, author=editor)
    review.factor_version_publish(version=again, actor=approver)

    shown = changed_since(api, since)[withdrawn.factor.public_id]

    assert (shown["version"], shown["status"]) == (again.version, "published")


def test_a_factor_withdrawn_twice_is_listed_once_with_its_latest_withdrawal(api, approver, editor, since):
    first = PublishedVersionFactory()
    review.factor_version_withdraw(version=first, actor=approver, reason="数值有误")
    second = ApprovedVersionFactory(factor=first.factor, version=first.version + 1, author=editor)
    review.factor_version_publish(version=second, actor=approver)
    review.factor_version_withdraw(version=second, actor=approver, reason="又有误")

    shown = changed_since(api, since)[first.factor.public_id]

    assert (shown["version"], shown["status"]) == (second.version, "withdrawn")


def test_other_filters_still_narrow_what_changed(api, approver, since):
    version = PublishedVersionFactory()
    review.factor_version_withdraw(version=version, actor=approver, reason="来源撤回")

    assert changed_since(api, since, year=version.factor.year + 1) == {}
    assert version.factor.public_id in changed_since(api, since, year=version.factor.year)


def test_a_plain_date_is_the_start_of_that_day_in_utc(api, approver):
    version = PublishedVersionFactory()
    review.factor_version_withdraw(version=version, actor=approver, reason="来源撤回")
    today = timezone.now().astimezone(dt.UTC).date()

    assert version.factor.public_id in changed_since(api, today.isoformat())
    assert version.factor.public_id not in changed_since(api, (today + dt.timedelta(days=1)).isoformat())
