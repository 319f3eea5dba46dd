"""A recorded correction reaches every reader of the API at once: the cached answers, the
validators and the change feed all move with it, for anonymous clients too."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from factordb.services.corrections import factor_correct_names, source_correct_citation
from tests.factories import SourcedPublishedVersionFactory

pytestmark = pytest.mark.django_db
LATER = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def published():
    return SourcedPublishedVersionFactory()


def test_a_corrected_name_is_served_at_once_with_new_validators(api, published, approver):
    url = f"/api/v1/factors/{published.factor.public_id}/"
    before = api.get(url)

    with time_machine.travel(LATER, tick=False):
        factor_correct_names(factor=published.factor, name_zh="新名称", name_en="New name", actor=approver,
                             reason="typo")
    after = api.get(url, HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert after.json()["name_en"] == "New name"
    assert after["ETag"] != before["ETag"]


def test_a_corrected_citation_is_served_at_once_and_in_the_feed(api, published, approver):
    url = f"/api/v1/factors/{published.factor.public_id}/"
    api.get(url)  # now in the cache
    since = timezone.now() - dt.timedelta(seconds=1)

    source_correct_citation(source=published.version_sources.get().source, actor=approver,
                            reason="标题以公告原文为准", title="关于发布电力二氧化碳排放因子的公告")

    [cited] = api.get(url).json()["version"]["sources"]
    assert cited["title"] == "关于发布电力二氧化碳排放因子的公告"
    [change] = api.get("/api/v1/changes/", {"since": since.isoformat()}).json()["results"]
    assert (change["public_id"], change["change"], change["reason"]) == (
        published.factor.public_id, "corrected", "标题以公告原文为准")
