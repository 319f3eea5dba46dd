"""The whole road once, from a draft to a published version that supersedes the old one."""

import pytest

from factordb.constants import FactorStatus
from factordb.models import VersionSource, WorkflowEvent
from factordb.services import review
from tests.factories import DraftVersionFactory, PublishedVersionFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_a_draft_travels_the_whole_road(editor, reviewers, approver, django_capture_on_commit_callbacks):
    old = PublishedVersionFactory()
    draft = DraftVersionFactory(factor=old.factor, author=editor)
    VersionSource.objects.create(version=draft, source=SourceFactory())

    review.factor_version_submit(version=draft, actor=editor)
    first = review.review_assign(version=draft, reviewer=reviewers[0], actor=approver)
    second = review.review_assign(version=draft, reviewer=reviewers[1], actor=approver)
    review.review_approve(assignment=first, actor=reviewers[0], declares_no_conflict=True)
    draft.refresh_from_db()
    assert draft.status == FactorStatus.IN_REVIEW
    review.review_approve(assignment=second, actor=reviewers[1], declares_no_conflict=True)
    draft.refresh_from_db()
    assert draft.status == FactorStatus.APPROVED
    review.factor_version_publish(version=draft, actor=approver)

    draft.refresh_from_db()
    old.refresh_from_db()
    assert draft.status == FactorStatus.PUBLISHED
    assert old.status == FactorStatus.SUPERSEDED
    assert old.superseded_at == draft.published_at
    actions = list(WorkflowEvent.objects.filter(version=draft).values_list("action", flat=True))
    assert actions == ["submit", "start_review", "approve", "publish"]
