"""The migration that freezes releases: releases sealed before it keep serving what they showed,
and the public events written before it are numbered for the change feed in (at, pk) order."""

import datetime as dt
import hashlib
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from rest_framework.test import APIClient

from factordb.models import Release, ReleaseEntry, WorkflowEvent
from factordb.services.exports import release_render
from tests.factordb.test_release_datapackage_migration import package_sealed_releases
from tests.factories import SourcedPublishedVersionFactory

pytestmark = pytest.mark.django_db

T0 = timezone.make_aware(dt.datetime(2025, 1, 1))


def migration_key() -> tuple[str, str]:
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    (key,) = [(app, name) for app, name in loader.disk_migrations
              if app == "factordb" and name.endswith("frozen_releases_and_publication_lock")]
    return key


def run(step_name: str) -> None:
    """Run one of the migration's steps with the models as they are at that migration, before
    its own guards exist (the test database has them; they come back before the test ends)."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    key = migration_key()
    module = __import__(loader.disk_migrations[key].__module__, fromlist=["_"])
    editor = SimpleNamespace(connection=connection)
    module._on_postgresql(module.DROP_GUARDS)(None, editor)
    getattr(module, step_name)(loader.project_state(key).apps, editor)
    module._on_postgresql(module.GUARDS)(None, editor)


def legacy_event(version, action: str, at: dt.datetime, actor) -> WorkflowEvent:
    return WorkflowEvent.objects.create(version=version, action=action, from_status="approved",
                                        to_status="published", actor=actor, at=at)


def test_public_events_are_numbered_in_time_order_and_others_are_not(approver):
    version = SourcedPublishedVersionFactory()
    late = legacy_event(version, "publish", T0 + dt.timedelta(hours=2), approver)
    early = legacy_event(version, "withdraw", T0 + dt.timedelta(hours=1), approver)
    private = legacy_event(version, "submit", T0, approver)

    run("number_public_events")

    assert [WorkflowEvent.objects.get(pk=e.pk).seq for e in (early, late, private)] == [1, 2, None]


def test_a_release_sealed_before_the_migration_is_frozen_as_it_is(approver):
    api = APIClient()
    pinned = SourcedPublishedVersionFactory.create_batch(2)
    legacy_event(pinned[0], "publish", T0, approver)
    run("number_public_events")
    release = Release.objects.create(name="2025.1", published_at=T0 + dt.timedelta(hours=1),
                                     created_by=approver)
    ReleaseEntry.objects.bulk_create(ReleaseEntry(release=release, version=v) for v in pinned)
    release.checksum_sha256 = hashlib.sha256(release_render(release).json_bytes).hexdigest()
    release.save()  # sealed the way release_cut did before content was frozen

    run("freeze_sealed_releases")
    package_sealed_releases()  # what the next migration adds to every sealed release (0018)

    download = api.get("/api/v1/releases/2025.1/download.json")
    assert hashlib.sha256(download.content).hexdigest() == release.checksum_sha256
    assert download["X-Checksum-SHA256"] == release.checksum_sha256
    assert api.get("/api/v1/releases/2025.1/").json()["feed_seq"] == 1
    pinned_answer = api.get(f"/api/v1/factors/{pinned[1].factor.public_id}/", {"release": "2025.1"}).json()
    assert pinned_answer["version"]["version"] == pinned[1].version


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_events_are_append_only_again_after_the_numbering(approver):
    event = legacy_event(SourcedPublishedVersionFactory(), "publish", T0, approver)
    run("number_public_events")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE factordb_workflowevent SET seq = 99 WHERE id = %s", [event.pk])
    assert WorkflowEvent.objects.get(pk=event.pk).seq == 1
