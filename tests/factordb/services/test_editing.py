"""A published value is never edited in place, and no editor silently overwrites another."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.roles import ForbiddenAction
from factordb.constants import FactorStatus
from factordb.errors import EditConflict, InvalidTransition
from factordb.models import FactorVersion, VersionSource
from factordb.services.editing import (
    VersionInProgress,
    factor_version_start_revision,
    factor_version_update_draft,
)
from tests.factories import DraftVersionFactory, PublishedVersionFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    version = PublishedVersionFactory(co2e_total=Decimal("0.5366"))
    return version


def test_changing_a_published_factor_starts_a_new_draft_and_leaves_the_published_one(editor, published):
    draft = factor_version_start_revision(factor=published.factor, actor=editor)

    assert (draft.status, draft.version, draft.author) == (FactorStatus.DRAFT, published.version + 1, editor)
    assert draft.co2e_total == published.co2e_total
    assert {r.gas_id: r.amount for r in draft.gas_amounts.all()} == {
        r.gas_id: r.amount for r in published.gas_amounts.all()}
    published.refresh_from_db()
    assert published.status == FactorStatus.PUBLISHED


def test_a_second_revision_while_one_is_in_progress_is_refused(editor, published):
    factor_version_start_revision(factor=published.factor, actor=editor)
    with pytest.raises(VersionInProgress, match="v"):
        factor_version_start_revision(factor=published.factor, actor=editor)
    assert published.factor.versions.count() == 2


def test_only_editors_start_revisions(outsider, published):
    with pytest.raises(ForbiddenAction):
        factor_version_start_revision(factor=published.factor, actor=outsider)


def test_a_draft_edit_changes_its_values_and_breakdown(editor):
    draft = DraftVersionFactory(author=editor)
    updated = factor_version_update_draft(
        version=draft, actor=editor, revision=draft.revision,
        changes={"co2e_total": Decimal("0.5412"), "notes_en": "from the official PDF"},
        gas_amounts={"CO2": Decimal("0.5412")},
    )
    assert updated.co2e_total == Decimal("0.5412")
    assert draft.gas_amounts.get().amount == Decimal("0.5412")


def test_an_edit_from_a_stale_page_is_refused_and_writes_nothing(editor, other_editor):
    draft = DraftVersionFactory(author=editor)
    opened_at = draft.revision
    factor_version_update_draft(version=draft, actor=other_editor, revision=opened_at,
                                changes={"notes_en": "first"})

    with pytest.raises(EditConflict):
        factor_version_update_draft(version=draft, actor=editor, revision=opened_at,
                                    changes={"notes_en": "second"})
    assert FactorVersion.objects.get(pk=draft.pk).notes_en == "first"


def test_only_a_draft_can_be_edited(editor, published):
    with pytest.raises(InvalidTransition):
        factor_version_update_draft(version=published, actor=editor, revision=published.revision,
                                    changes={"notes_en": "x"})


def test_a_bad_value_names_its_field_and_writes_nothing(editor):
    draft = DraftVersionFactory(author=editor)
    with pytest.raises(ValidationError) as excinfo:
        factor_version_update_draft(version=draft, actor=editor, revision=draft.revision,
                                    changes={"dq_temporal": 7})
    assert "dq_temporal" in excinfo.value.message_dict
    assert FactorVersion.objects.get(pk=draft.pk).dq_temporal == draft.dq_temporal


@pytest.mark.django_db(transaction=True)
def test_of_two_editors_saving_at_once_exactly_one_wins(editor, other_editor):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises whole-database writes")
    draft = DraftVersionFactory(author=editor)
    VersionSource.objects.create(version=draft, source=SourceFactory())
    opened_at = draft.revision
    barrier = threading.Barrier(2)
    outcomes = {}

    def save_as(actor, note):
        try:
            barrier.wait(timeout=10)
            factor_version_update_draft(version=draft, actor=actor, revision=opened_at,
                                        changes={"notes_en": note})
            outcomes[note] = "saved"
        except EditConflict:
            outcomes[note] = "conflict"
        finally:
            connection.close()

    threads = [threading.Thread(target=save_as, args=(editor, "A")),
               threading.Thread(target=save_as, args=(other_editor, "B"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(note for note, outcome in outcomes.items() if outcome == "saved")
    assert FactorVersion.objects.get(pk=draft.pk).notes_en == winner
