"""A change set of three drafts by one editor, with a source each, ready to submit."""

import pytest

from factordb.services import change_set_review as road
from factordb.services import change_sets
from tests.factordb.change_sets.helpers import approve, draft_by


@pytest.fixture
def drafts(editor):
    return [draft_by(editor) for _ in range(3)]


@pytest.fixture
def change_set(editor, drafts):
    return change_sets.change_set_create(
        actor=editor,
        title="2023 年区域电网因子",
        description="依据生态环境部 2023 年公告更新",
        versions=drafts,
    )


@pytest.fixture
def in_review(change_set, editor, approver, reviewers):
    road.change_set_submit(change_set=change_set, actor=editor)
    for reviewer in reviewers[:2]:
        road.change_set_assign(change_set=change_set, reviewer=reviewer, actor=approver)
    change_set.refresh_from_db()
    return change_set


@pytest.fixture
def approved(in_review, reviewers):
    approve(in_review, reviewers[0])
    approve(in_review, reviewers[1])
    in_review.refresh_from_db()
    return in_review
