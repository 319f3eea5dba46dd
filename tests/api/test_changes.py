"""changes/: calculators poll what was published, superseded or withdrawn since their last sync."""

import datetime as dt

import pytest
from django.utils import timezone

from factordb.models import VersionSource
from factordb.services import review
from tests.factories import ApprovedVersionFactory, PublishedVersionFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_it_lists_publications_and_supersessions_since_a_time(api, approver, editor):
    before = timezone.now() - dt.timedelta(seconds=1)
    old = PublishedVersionFactory()
    new = ApprovedVersionFactory(factor=old.factor, version=old.version + 1, author=editor)
    VersionSource.objects.get_or_create(version=new, source=SourceFactory())
    review.factor_version_publish(version=new, actor=approver)

    rows = api.get("/api/v1/changes/", {"since": before.isoformat()}).json()["results"]

    assert [(r["public_id"], r["version"], r["change"]) for r in rows] == [
        (old.factor.public_id, old.version, "superseded"),
        (new.factor.public_id, new.version, "published"),
    ]


@pytest.mark.parametrize("since", [None, "last tuesday"])
def test_since_is_required_and_must_be_a_time(api, since):
    response = api.get("/api/v1/changes/", {} if since is None else {"since": since})
    assert response.status_code == 400
    assert "since" in response.json()["error"]["details"]


def test_a_correction_is_a_change_with_its_reason(api, approver):
    from factordb.services.corrections import factor_correct_names

    before = timezone.now() - dt.timedelta(seconds=1)
    version = PublishedVersionFactory()
    factor_correct_names(factor=version.factor, name_zh="新名称", name_en="New name", actor=approver,
                         reason="英文名称有误")

    rows = api.get("/api/v1/changes/", {"since": before.isoformat()}).json()["results"]

    assert [(r["public_id"], r["version"], r["change"], r["action"], r["reason"]) for r in rows] == [
        (version.factor.public_id, version.version, "corrected", "correct", "英文名称有误"),
    ]
    assert api.get(f"/api/v1/factors/{version.factor.public_id}/").json()["name_en"] == "New name"


def test_only_a_correction_shows_its_reason(api, approver):
    before = timezone.now() - dt.timedelta(seconds=1)
    version = ApprovedVersionFactory()
    review.factor_version_publish(version=version, actor=approver, comment="internal note")

    [row] = api.get("/api/v1/changes/", {"since": before.isoformat()}).json()["results"]

    assert (row["change"], row["action"], row["reason"]) == ("published", "publish", None)
