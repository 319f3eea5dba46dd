"""changes/?after=<seq>: a mirror that starts from a release and follows the feed never misses an event."""

import random
import threading
import time

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from factordb.models import FactorVersion
from factordb.services import review
from factordb.services.releases import release_cut
from tests.factories import ApprovedVersionFactory, SourcedPublishedVersionFactory

RELEASE = "2025.1"


class Mirror:
    """A calculator's copy of what is published: public id → version, kept by the feed."""

    def __init__(self, api: APIClient, release: str) -> None:
        self.api = api
        document = api.get(f"/api/v1/releases/{release}/download.json").json()
        self.published = {row["public_id"]: row["version"] for row in document["factors"]}
        self.after = api.get(f"/api/v1/releases/{release}/").json()["feed_seq"]

    def sync(self) -> None:
        page = self.api.get("/api/v1/changes/", {"after": self.after})
        assert page.status_code == 200, page.content
        while True:
            for change in page.json()["results"]:
                self.apply(change)
                self.after = change["seq"]
            if not page.json()["next"]:
                return
            page = self.api.get(page.json()["next"])

    def apply(self, change: dict) -> None:
        if change["change"] == "published":
            self.published[change["public_id"]] = change["version"]
        elif self.published.get(change["public_id"]) == change["version"]:
            del self.published[change["public_id"]]  # superseded or withdrawn


def live() -> dict[str, int]:
    return dict(FactorVersion.objects.published().values_list("factor__public_id", "version"))


@pytest.mark.django_db
def test_each_change_carries_its_seq_and_after_returns_only_later_ones(api, approver, editor):
    old = SourcedPublishedVersionFactory()
    release_cut(name=RELEASE, actor=approver)
    new = ApprovedVersionFactory(factor=old.factor, version=old.version + 1, author=editor)
    review.factor_version_publish(version=new, actor=approver)

    after = api.get(f"/api/v1/releases/{RELEASE}/").json()["feed_seq"]
    rows = api.get("/api/v1/changes/", {"after": after}).json()["results"]

    assert [(r["change"], r["version"]) for r in rows] == [
        ("superseded", old.version), ("published", new.version)]
    assert rows[1]["seq"] > rows[0]["seq"] > after
    assert api.get("/api/v1/changes/", {"after": rows[1]["seq"]}).json()["results"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("after", ["-1", "one", "1.5"])
def test_a_malformed_cursor_is_a_400_naming_after(api, after):
    response = api.get("/api/v1/changes/", {"after": after})
    assert response.status_code == 400
    assert "after" in response.json()["error"]["details"]


postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                     reason="concurrent transactions need PostgreSQL")


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_publication_held_open_is_not_lost_when_another_commits_first(approver, editor):
    held_old, other_old = SourcedPublishedVersionFactory(), SourcedPublishedVersionFactory()
    release_cut(name=RELEASE, actor=approver)
    held_new = ApprovedVersionFactory(factor=held_old.factor, version=held_old.version + 1, author=editor)
    other_new = ApprovedVersionFactory(factor=other_old.factor, version=other_old.version + 1, author=editor)
    mirror = Mirror(APIClient(), RELEASE)
    written, let_go = threading.Event(), threading.Event()

    def publish_and_hold() -> None:
        with transaction.atomic():
            review.factor_version_publish(version=held_new, actor=approver)
            written.set()
            let_go.wait(timeout=30)
        connection.close()

    def publish_other() -> None:
        review.factor_version_publish(version=other_new, actor=approver)
        connection.close()

    holder = threading.Thread(target=publish_and_hold)
    holder.start()
    written.wait(timeout=30)
    other = threading.Thread(target=publish_other)
    other.start()
    time.sleep(0.5)  # the other publication commits now if anything lets it
    mirror.sync()
    let_go.set()
    holder.join(timeout=30)
    other.join(timeout=30)
    mirror.sync()

    assert mirror.published == live()


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("seed", range(5))
def test_a_mirror_replaying_a_release_and_the_feed_ends_equal_to_the_live_state(approver, editor, seed,
                                                                              settings):
    settings.API_ANON_RATE = "100000/min"  # the mirror polls as fast as it can
    rng = random.Random(seed)
    published = SourcedPublishedVersionFactory.create_batch(6)
    release_cut(name=RELEASE, actor=approver)
    steps = []
    for version in published:
        if rng.random() < 0.3:
            steps.append(lambda v=version: review.factor_version_withdraw(version=v, actor=approver,
                                                                           reason="wrong"))
        else:
            newer = ApprovedVersionFactory(factor=version.factor, version=version.version + 1, author=editor)
            steps.append(lambda v=newer: review.factor_version_publish(version=v, actor=approver))
    mirror = Mirror(APIClient(), RELEASE)
    done = threading.Event()
    errors: list[BaseException] = []

    def run(step, pause: float) -> None:
        time.sleep(pause)
        try:
            step()
        except BaseException as error:  # every error is a finding
            errors.append(error)
        finally:
            connection.close()

    def poll() -> None:
        try:
            while not done.is_set():
                mirror.sync()
                time.sleep(0.01)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    poller = threading.Thread(target=poll)
    poller.start()
    workers = [threading.Thread(target=run, args=(step, rng.random() / 10)) for step in steps]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    done.set()
    poller.join(timeout=60)
    mirror.sync()

    assert errors == []
    assert mirror.published == live()
