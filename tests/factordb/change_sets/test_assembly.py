"""A change set says why, holds at least one draft, and holds a draft no other set holds."""

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import ForbiddenAction
from factordb.constants import FactorStatus as S
from factordb.errors import InvalidTransition
from factordb.models import ChangeSet, ChangeSetKind, ChangeSetRow
from factordb.services import change_sets
from tests.factordb.change_sets.helpers import draft_by
from tests.factordb.workflow.helpers import version_in

pytestmark = pytest.mark.django_db


def create(actor, versions, **said):
    return change_sets.change_set_create(
        actor=actor, versions=versions, **{"title": "更新", "description": "依据新的统计公报", **said}
    )


def test_one_draft_makes_a_set_of_one_version_and_several_a_group(editor):
    one = create(editor, [draft_by(editor)])
    group = create(editor, [draft_by(editor), draft_by(editor)])
    assert (one.kind, group.kind) == (ChangeSetKind.VERSION, ChangeSetKind.GROUP)
    assert group.current_versions().count() == 2


@pytest.mark.parametrize(
    ("said", "field"),
    [
        ({"description": ""}, "description"),
        ({"description": "  \n "}, "description"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
    ],
)
def test_a_set_without_its_reason_or_title_is_refused_and_nothing_is_written(editor, said, field):
    with pytest.raises(ValidationError) as refused:
        create(editor, [draft_by(editor)], **said)
    assert field in refused.value.message_dict
    assert not ChangeSet.objects.exists()


def test_an_empty_set_is_refused(editor):
    with pytest.raises(ValidationError) as refused:
        create(editor, [])
    assert "versions" in refused.value.message_dict
    assert not ChangeSet.objects.exists()


@pytest.mark.parametrize("status", [S.SUBMITTED, S.IN_REVIEW, S.APPROVED, S.PUBLISHED, S.CHANGES_REQUESTED])
def test_only_drafts_join_a_set(editor, status):
    with pytest.raises(ValidationError):
        create(editor, [draft_by(editor), version_in(status)])
    assert not ChangeSetRow.objects.exists()


def test_a_draft_is_in_one_set_at_a_time(editor):
    shared = draft_by(editor)
    first = create(editor, [shared])
    with pytest.raises(ValidationError) as refused:
        create(editor, [draft_by(editor), shared])
    assert f"#{first.pk}" in str(refused.value)
    assert ChangeSet.objects.count() == 1


def test_only_editors_put_sets_together(approver, reviewer, editor):
    draft = draft_by(editor)
    for someone in (approver, reviewer):
        with pytest.raises(ForbiddenAction):
            create(someone, [draft])
    assert not ChangeSet.objects.exists()


def test_a_row_leaves_a_draft_set_on_record_and_the_last_row_cannot(editor, change_set, drafts):
    change_sets.change_set_remove_version(
        change_set=change_set, version=drafts[0], actor=editor, reason="另行提交"
    )
    row = ChangeSetRow.objects.get(version=drafts[0])
    assert row.left_at is not None
    assert row.left_reason == "另行提交"
    change_sets.change_set_remove_version(
        change_set=change_set, version=drafts[1], actor=editor, reason="同上"
    )
    with pytest.raises(ValidationError):
        change_sets.change_set_remove_version(
            change_set=change_set, version=drafts[2], actor=editor, reason="x"
        )
    assert list(change_set.current_versions()) == [drafts[2]]


def test_removing_needs_a_reason(editor, change_set, drafts):
    with pytest.raises(ValidationError):
        change_sets.change_set_remove_version(
            change_set=change_set, version=drafts[0], actor=editor, reason=" "
        )
    assert change_set.current_versions().count() == 3


def test_a_submitted_set_takes_no_new_rows(editor, in_review):
    with pytest.raises(InvalidTransition):
        change_sets.change_set_add_versions(change_set=in_review, versions=[draft_by(editor)], actor=editor)


def test_a_set_of_one_version_becomes_a_group_when_a_draft_joins(editor):
    one = create(editor, [draft_by(editor)])
    change_sets.change_set_add_versions(change_set=one, versions=[draft_by(editor)], actor=editor)
    one.refresh_from_db()
    assert one.kind == ChangeSetKind.GROUP
