"""An approver cuts a release: it pins what is published at that moment and is sealed."""

import hashlib

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import ForbiddenAction
from factordb.models import Release
from factordb.services.exports import release_json, release_render
from factordb.services.releases import release_cut, release_diff
from tests.factories import DraftVersionFactory, PublishedVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    return PublishedVersionFactory.create_batch(3)


def test_it_pins_exactly_the_published_versions(approver, published):
    DraftVersionFactory()

    release = release_cut(name="2025.1", notes_zh="首发", notes_en="first", actor=approver)

    assert set(release.versions.all()) == set(published)
    assert release.is_sealed


def test_its_checksum_is_the_sha256_of_its_canonical_export(approver, published):
    release = release_cut(name="2025.1", actor=approver)
    export = release_json(release)
    assert release.checksum_sha256 == hashlib.sha256(export).hexdigest()
    assert release_render(release).json_bytes == export  # the same data gives the same bytes


def test_only_an_approver_may_cut_one(editor, published):
    with pytest.raises(ForbiddenAction):
        release_cut(name="2025.1", actor=editor)
    assert not Release.objects.exists()


@pytest.mark.parametrize("name", ["2025", "v2025.1", "2025.x", ""])
def test_a_malformed_name_is_refused_naming_the_field(approver, published, name):
    with pytest.raises(ValidationError) as excinfo:
        release_cut(name=name, actor=approver)
    assert "name" in excinfo.value.message_dict
    assert not Release.objects.exists()


def test_a_name_is_used_once(approver, published):
    release_cut(name="2025.1", actor=approver)
    with pytest.raises(ValidationError) as excinfo:
        release_cut(name="2025.1", actor=approver)
    assert "name" in excinfo.value.message_dict
    assert Release.objects.count() == 1


def test_nothing_published_means_nothing_to_release(approver):
    with pytest.raises(ValidationError, match="没有已发布"):
        release_cut(name="2025.1", actor=approver)


def test_the_diff_names_added_changed_and_withdrawn_factors(approver, published):
    first = release_cut(name="2025.1", actor=approver)
    kept, changed, withdrawn = published
    changed.status = "superseded"
    changed.save()
    newer = PublishedVersionFactory(factor=changed.factor, version=changed.version + 1)
    withdrawn.status = "withdrawn"
    withdrawn.save()
    added = PublishedVersionFactory()

    second = release_cut(name="2025.2", actor=approver)
    diff = release_diff(old=first, new=second)

    assert diff.added_ids == [added.factor.public_id]
    assert diff.changed_ids == [newer.factor.public_id]
    assert [(c.before.version, c.after.version) for c in diff.changed] == [(changed.version, newer.version)]
    assert diff.withdrawn_ids == [withdrawn.factor.public_id]
    assert kept.factor.public_id not in diff.added_ids + diff.changed_ids + diff.withdrawn_ids
    assert diff.unchanged == 1
