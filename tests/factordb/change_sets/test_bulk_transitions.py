"""A set's rows take a step in bulk; each must end as if it had taken the step alone."""

import pytest

from factordb import workflow
from factordb.constants import FactorStatus as S
from factordb.errors import InvalidTransition
from factordb.models import FactorVersion, WorkflowEvent
from factordb.services import independence
from tests.factordb.change_sets.helpers import draft_by
from tests.factordb.workflow.helpers import version_in

pytestmark = pytest.mark.django_db


def record_of(version: FactorVersion) -> dict:
    """What a step leaves of a version: its row, its last event and its last history record."""
    version = FactorVersion.objects.get(pk=version.pk)
    event = WorkflowEvent.objects.filter(version=version).latest("pk")
    history = version.history.order_by("-history_id").first()
    return {
        "status": version.status,
        "revision": version.revision,
        "event": (
            event.action,
            event.from_status,
            event.to_status,
            event.actor_id,
            event.comment,
            event.seq is None,
        ),
        "history": (
            history.history_type,
            history.history_user_id,
            history.history_change_reason,
            history.status,
            history.revision,
        ),
        "history_records": version.history.count(),
    }


def test_a_step_in_bulk_writes_what_the_step_alone_writes(editor):
    alone, in_bulk = draft_by(editor), draft_by(editor)
    workflow.transition(FactorVersion.objects.get(pk=alone.pk), "submit", actor=editor, comment="请评审")
    workflow.transition_many(
        [FactorVersion.objects.get(pk=in_bulk.pk)], "submit", actor=editor, comment="请评审"
    )
    assert record_of(alone) == record_of(in_bulk)


def test_a_step_in_bulk_is_not_an_edit_of_the_content(editor, reviewer):
    # Independence reads history: the reviewer who moved rows along did not change them.
    version = FactorVersion.objects.get(pk=draft_by(editor).pk)
    workflow.transition_many([version], "submit", actor=reviewer)
    assert reviewer.pk not in independence.content_editors([version.pk])[version.pk]


def test_one_row_in_the_wrong_state_refuses_the_whole_step(editor):
    drafts = [draft_by(editor) for _ in range(3)]
    published = version_in(S.PUBLISHED)
    versions = [FactorVersion.objects.get(pk=v.pk) for v in [*drafts, published]]
    with pytest.raises(InvalidTransition):
        workflow.transition_many(versions, "submit", actor=editor)
    assert set(
        FactorVersion.objects.filter(pk__in=[d.pk for d in drafts]).values_list("status", flat=True)
    ) == {S.DRAFT}
    assert not WorkflowEvent.objects.filter(version__in=drafts).exists()


def test_a_public_step_in_bulk_numbers_its_events_in_order(approver, editor):
    versions = [version_in(S.APPROVED) for _ in range(3)]
    workflow.transition_many(
        [FactorVersion.objects.get(pk=v.pk) for v in versions], "publish", actor=approver
    )
    seqs = list(WorkflowEvent.objects.filter(action="publish").order_by("pk").values_list("seq", flat=True))
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == 3
