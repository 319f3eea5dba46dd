"""An editor takes a version sent back for changes into draft again."""

import pytest

from accounts.roles import ForbiddenAction
from factordb.constants import FactorStatus as S
from factordb.errors import InvalidTransition
from factordb.models import WorkflowEvent
from factordb.services import review

from .helpers import others, snapshot, status_of, version_in

pytestmark = pytest.mark.django_db
ALLOWED = [S.CHANGES_REQUESTED]


@pytest.mark.parametrize("status", ALLOWED)
def test_it_revises_from(status, editor):
    version = version_in(status, author=editor)
    review.factor_version_revise(version=version, actor=editor, comment="fixing the NCV")
    assert status_of(version) == S.DRAFT
    event = WorkflowEvent.objects.get(version=version)
    assert (event.action, event.from_status, event.to_status, event.comment) == (
        "revise", status, S.DRAFT, "fixing the NCV")


@pytest.mark.parametrize("status", others(ALLOWED))
def test_it_refuses_to_revise_from(status, editor):
    version = version_in(status, author=editor)
    before = snapshot(version)
    with pytest.raises(InvalidTransition):
        review.factor_version_revise(version=version, actor=editor)
    assert snapshot(version) == before


@pytest.mark.parametrize("role", ["reviewer", "approver", "outsider"])
def test_only_an_editor_revises(role, request, editor):
    version = version_in(S.CHANGES_REQUESTED, author=editor)
    before = snapshot(version)
    with pytest.raises(ForbiddenAction):
        review.factor_version_revise(version=version, actor=request.getfixturevalue(role))
    assert snapshot(version) == before


def test_the_revised_draft_can_be_submitted_again_in_a_new_round(editor):
    version = version_in(S.CHANGES_REQUESTED, author=editor)
    review.factor_version_revise(version=version, actor=editor)
    review.factor_version_submit(version=version, actor=editor)
    version.refresh_from_db()
    assert (version.status, version.review_round) == (S.SUBMITTED, 2)
