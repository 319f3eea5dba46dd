"""An editor submits a draft for review."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.roles import ForbiddenAction
from factordb.constants import FactorStatus as S
from factordb.errors import InvalidTransition
from factordb.models import FactorVersion, WorkflowEvent
from factordb.services import review
from tests.factories import DraftVersionFactory

from .helpers import actions_of, others, snapshot, status_of, version_in

pytestmark = pytest.mark.django_db
ALLOWED = [S.DRAFT]


@pytest.mark.parametrize("status", ALLOWED)
def test_it_submits_from(status, editor):
    version = version_in(status, author=editor)
    review.factor_version_submit(version=version, actor=editor, comment="ready")
    assert status_of(version) == S.SUBMITTED
    event = WorkflowEvent.objects.get(version=version)
    assert (event.from_status, event.to_status, event.actor, event.comment) == (
        status, S.SUBMITTED, editor, "ready")


@pytest.mark.parametrize("status", others(ALLOWED))
def test_it_refuses_to_submit_from(status, editor):
    version = version_in(status, author=editor)
    before = snapshot(version)
    with pytest.raises(InvalidTransition):
        review.factor_version_submit(version=version, actor=editor)
    assert snapshot(version) == before


def test_it_opens_a_new_review_round(editor):
    version = version_in(S.DRAFT, author=editor)
    review.factor_version_submit(version=version, actor=editor)
    version.refresh_from_db()
    assert version.review_round == 1


@pytest.mark.parametrize("role", ["reviewer", "approver", "outsider"])
def test_only_an_editor_submits(role, request, editor):
    version = version_in(S.DRAFT, author=editor)
    before = snapshot(version)
    with pytest.raises(ForbiddenAction):
        review.factor_version_submit(version=version, actor=request.getfixturevalue(role))
    assert snapshot(version) == before


def test_another_editor_may_submit(editor, other_editor):
    version = version_in(S.DRAFT, author=editor)
    review.factor_version_submit(version=version, actor=other_editor)
    assert status_of(version) == S.SUBMITTED


def test_it_needs_a_source(editor):
    version = DraftVersionFactory(author=editor)
    before = snapshot(version)
    with pytest.raises(ValidationError) as caught:
        review.factor_version_submit(version=version, actor=editor)
    assert "version_sources" in caught.value.message_dict
    assert snapshot(version) == before


def test_a_double_submit_from_two_tabs_is_refused_the_second_time(editor):
    version = version_in(S.DRAFT, author=editor)
    first_tab, second_tab = type(version).objects.get(pk=version.pk), type(version).objects.get(pk=version.pk)
    review.factor_version_submit(version=first_tab, actor=editor)
    before = snapshot(version)
    with pytest.raises(InvalidTransition, match="已提交"):
        review.factor_version_submit(version=second_tab, actor=editor)
    assert snapshot(version) == before
    assert actions_of(version) == ["submit"]


def test_it_clears_any_schedule_the_draft_carries(editor, approver):
    # No approver has decided anything about this content yet: a schedule on it is forged.
    version = version_in(S.DRAFT, author=editor)
    FactorVersion.objects.filter(pk=version.pk).update(
        scheduled_publication_at=timezone.now() + dt.timedelta(days=1), scheduled_by=approver)
    review.factor_version_submit(version=version, actor=editor)
    version.refresh_from_db()
    assert (version.scheduled_publication_at, version.scheduled_by) == (None, None)
