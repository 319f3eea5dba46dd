"""An approver withdraws a published value; it stays on record, marked withdrawn."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError as ValidationError_

from accounts.roles import ForbiddenAction
from factordb.constants import FactorStatus as S
from factordb.errors import InvalidTransition
from factordb.models import WorkflowEvent
from factordb.services import review

from .helpers import latest_history, others, snapshot, version_in

pytestmark = pytest.mark.django_db
ALLOWED = [S.PUBLISHED]
NOW = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize("status", ALLOWED)
def test_it_withdraws_from(status, editor, approver):
    version = version_in(status, author=editor)
    with time_machine.travel(NOW, tick=False):
        review.factor_version_withdraw(version=version, actor=approver, reason="source retracted")
    version.refresh_from_db()
    assert (version.status, version.superseded_at) == (S.WITHDRAWN, NOW)
    event = WorkflowEvent.objects.get(version=version)
    assert (event.action, event.from_status, event.to_status, event.actor, event.comment) == (
        "withdraw", S.PUBLISHED, S.WITHDRAWN, approver, "source retracted")
    assert latest_history(version).history_change_reason == "withdraw: source retracted"


@pytest.mark.parametrize("status", others(ALLOWED))
def test_it_refuses_to_withdraw_from(status, editor, approver):
    version = version_in(status, author=editor)
    before = snapshot(version)
    with pytest.raises(InvalidTransition):
        review.factor_version_withdraw(version=version, actor=approver, reason="source retracted")
    assert snapshot(version) == before


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_it_needs_a_reason(reason, editor, approver):
    version = version_in(S.PUBLISHED, author=editor)
    before = snapshot(version)
    with pytest.raises(ValidationError_) as caught:
        review.factor_version_withdraw(version=version, actor=approver, reason=reason)
    assert "reason" in caught.value.message_dict
    assert snapshot(version) == before


@pytest.mark.parametrize("role", ["editor", "reviewer", "outsider"])
def test_only_an_approver_withdraws(role, request, other_editor):
    version = version_in(S.PUBLISHED, author=other_editor)
    before = snapshot(version)
    with pytest.raises(ForbiddenAction):
        review.factor_version_withdraw(version=version, actor=request.getfixturevalue(role), reason="x")
    assert snapshot(version) == before
