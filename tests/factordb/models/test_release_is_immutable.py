"""A cut release is what calculators cite: nothing about it changes afterwards."""

import pytest
from django.db import transaction

from factordb.models import Release, ReleaseContent, ReleaseEntry, ReleaseFactor, ReleaseFrozenError
from factordb.services.releases import release_cut
from tests.factories import PublishedVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def release(approver):
    PublishedVersionFactory.create_batch(2)
    return release_cut(name="2025.1", notes_en="first", actor=approver)


def test_its_notes_cannot_be_rewritten(release):
    release.notes_en = "rewritten"
    with pytest.raises(ReleaseFrozenError):
        release.save()
    assert Release.objects.get().notes_en == "first"


def test_it_cannot_be_deleted_or_bulk_updated(release):
    with pytest.raises(ReleaseFrozenError):
        release.delete()
    with pytest.raises(ReleaseFrozenError):
        Release.objects.all().delete()
    with pytest.raises(ReleaseFrozenError):
        Release.objects.update(name="2025.9")
    assert Release.objects.get().name == "2025.1"


@pytest.mark.parametrize("change", ["add", "remove", "clear", "delete_entries"])
def test_its_pinned_set_cannot_grow_or_shrink(release, change):
    pinned = set(release.versions.all())
    attempts = {
        "add": lambda: release.versions.add(PublishedVersionFactory()),
        "remove": lambda: release.versions.remove(*pinned),
        "clear": lambda: release.versions.clear(),
        "delete_entries": lambda: ReleaseEntry.objects.filter(release=release).delete(),
    }
    # Django's related managers write without a savepoint of their own: give them one.
    with pytest.raises(ReleaseFrozenError), transaction.atomic():
        attempts[change]()
    assert set(release.versions.all()) == pinned


def frozen_content(release) -> tuple:
    return (bytes(release.content.json_bytes), bytes(release.content.csv_bytes),
            sorted(ReleaseFactor.objects.filter(release=release).values_list("version_id", "document")))


def test_its_frozen_content_cannot_be_rewritten_deleted_or_extended(release):
    before = frozen_content(release)
    content, frozen = release.content, ReleaseFactor.objects.filter(release=release).first()
    content.json_bytes = b"{}"
    frozen.document = "{}"
    attempts = [
        content.save, frozen.save, content.delete, frozen.delete,
        lambda: ReleaseContent.objects.update(csv_bytes=b""),
        lambda: ReleaseFactor.objects.update(document="{}"),
        lambda: ReleaseFactor.objects.all().delete(),
        lambda: ReleaseFactor.objects.create(release=release, version=PublishedVersionFactory(),
                                             document="{}"),
        lambda: ReleaseFactor.objects.bulk_create([
            ReleaseFactor(release=release, version=PublishedVersionFactory(), document="{}")]),
    ]
    for attempt in attempts:
        with pytest.raises(ReleaseFrozenError), transaction.atomic():
            attempt()
    assert frozen_content(Release.objects.get(pk=release.pk)) == before
