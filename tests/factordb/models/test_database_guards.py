"""On PostgreSQL the database itself refuses what the models refuse, to raw SQL as well:
rewriting the workflow log, and changing a sealed release or its pinned set."""

import pytest
from django.db import IntegrityError, connection, transaction

from factordb.constants import FactorStatus as S
from factordb.models import Release, ReleaseContent, ReleaseEntry, ReleaseFactor, WorkflowEvent
from factordb.services import review
from factordb.services.releases import release_cut
from tests.factordb.workflow.helpers import version_in
from tests.factories import PublishedVersionFactory, ReleaseFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="the triggers are PostgreSQL's; SQLite has the models' guards"),
]


def raw(sql: str, params: list) -> None:
    """Run SQL around the ORM, in a savepoint, and expect the database to refuse it."""
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def event(editor):
    version = version_in(S.DRAFT, author=editor)
    review.factor_version_submit(version=version, actor=editor, comment="请评审")
    return WorkflowEvent.objects.get(version=version)


def test_a_workflow_event_cannot_be_rewritten_in_sql(event):
    raw("UPDATE factordb_workflowevent SET comment = %s WHERE id = %s", ["rewritten", event.pk])
    raw("UPDATE factordb_workflowevent SET to_status = %s", [S.PUBLISHED])
    assert WorkflowEvent.objects.get(pk=event.pk).comment == "请评审"


def test_a_workflow_event_cannot_be_deleted_in_sql(event):
    raw("DELETE FROM factordb_workflowevent WHERE id = %s", [event.pk])
    assert WorkflowEvent.objects.filter(pk=event.pk).exists()


def test_new_events_are_still_written(event, approver, reviewers):
    review.review_assign(version=event.version, reviewer=reviewers[0], actor=approver)
    assert WorkflowEvent.objects.filter(version=event.version).count() == 2


@pytest.fixture
def release(approver):
    PublishedVersionFactory.create_batch(2)
    return release_cut(name="2025.1", notes_en="first", actor=approver)


def test_a_sealed_release_cannot_be_changed_or_deleted_in_sql(release):
    raw("UPDATE factordb_release SET notes_en = %s WHERE id = %s", ["rewritten", release.pk])
    raw("UPDATE factordb_release SET checksum_sha256 = '' WHERE id = %s", [release.pk])
    raw("DELETE FROM factordb_release WHERE id = %s", [release.pk])
    assert Release.objects.values_list("notes_en", "checksum_sha256").get() == (
        "first", release.checksum_sha256)


def test_a_sealed_releases_pinned_set_cannot_change_in_sql(release):
    pinned = set(ReleaseEntry.objects.values_list("version_id", flat=True))
    entry = ReleaseEntry.objects.first()
    extra = PublishedVersionFactory()
    raw("INSERT INTO factordb_releaseentry (release_id, version_id) VALUES (%s, %s)", [release.pk, extra.pk])
    raw("DELETE FROM factordb_releaseentry WHERE id = %s", [entry.pk])
    raw("UPDATE factordb_releaseentry SET version_id = %s WHERE id = %s", [extra.pk, entry.pk])
    assert set(ReleaseEntry.objects.values_list("version_id", flat=True)) == pinned


def test_an_entry_cannot_be_moved_into_a_sealed_release_in_sql(release, approver):
    draft = ReleaseFactory(name="2099.1", created_by=approver)  # not sealed: being cut
    entry = ReleaseEntry.objects.create(release=draft, version=PublishedVersionFactory())
    raw("UPDATE factordb_releaseentry SET release_id = %s WHERE id = %s", [release.pk, entry.pk])
    assert ReleaseEntry.objects.get(pk=entry.pk).release_id == draft.pk


def test_a_release_being_cut_is_still_written_and_sealed(approver):
    PublishedVersionFactory.create_batch(3)
    cut = release_cut(name="2025.2", actor=approver)
    assert cut.is_sealed
    assert cut.entries.count() == 3


def test_a_sealed_releases_frozen_content_cannot_change_in_sql(release):
    content = ReleaseContent.objects.get(release=release)
    frozen = ReleaseFactor.objects.filter(release=release).first()
    raw("UPDATE factordb_releasecontent SET json_bytes = %s WHERE id = %s", [b"{}", content.pk])
    raw("UPDATE factordb_releasecontent SET csv_sha256 = '' WHERE id = %s", [content.pk])
    raw("DELETE FROM factordb_releasecontent WHERE id = %s", [content.pk])
    raw("UPDATE factordb_releasefactor SET document = '{}' WHERE id = %s", [frozen.pk])
    raw("DELETE FROM factordb_releasefactor WHERE id = %s", [frozen.pk])
    raw("INSERT INTO factordb_releasefactor (release_id, version_id, document) VALUES (%s, %s, '{}')",
        [release.pk, PublishedVersionFactory().pk])
    assert bytes(ReleaseContent.objects.get(pk=content.pk).json_bytes) == bytes(content.json_bytes)
    assert ReleaseFactor.objects.get(pk=frozen.pk).document == frozen.document
    assert ReleaseFactor.objects.filter(release=release).count() == 2
