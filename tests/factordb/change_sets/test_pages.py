"""The change set pages: who sees a set, what its page shows, and how refusals answer."""

import pytest
from django.urls import reverse

from factordb.constants import FactorStatus as S
from factordb.models import ReviewComment
from factordb.selectors_change_sets import publication_summary
from tests.factordb.change_sets.helpers import decide, draft_by
from tests.permission_matrix import database_snapshot

pytestmark = pytest.mark.django_db


def page(client, user, change_set, **params):
    client.force_login(user)
    return client.get(reverse("review:change_set", args=[change_set.pk]), params)


def post(client, user, change_set, action, **data):
    if user is not None:
        client.force_login(user)
    return client.post(
        reverse("review:change_set_action", args=[change_set.pk, action]),
        {f"{action}-{k}": v for k, v in data.items()},
    )


def test_the_set_page_shows_why_the_round_and_each_rows_values(client, in_review, approver, drafts):
    response = page(client, approver, in_review)
    text = response.content.decode()
    assert response.status_code == 200
    assert "依据生态环境部 2023 年公告更新" in text
    assert "第 1 轮" in text
    for draft in drafts:
        assert draft.factor.public_id in text
    assert "0.5366" in text


def test_someone_who_takes_no_part_is_refused(client, in_review, outsider, other_editor, reviewers):
    for user in (outsider, other_editor, reviewers[2]):
        assert page(client, user, in_review).status_code == 403


def test_rows_filter_by_id(client, in_review, approver, drafts):
    text = page(client, approver, in_review, q=drafts[1].factor.public_id).content.decode()
    assert f'id="row-{drafts[1].pk}"' in text
    assert f'id="row-{drafts[0].pk}"' not in text


def test_a_reviewer_comments_on_a_field_of_a_row(client, in_review, reviewers, drafts):
    response = post(
        client,
        reviewers[0],
        in_review,
        "comment",
        body="此处单位有误",
        version=drafts[0].pk,
        field="co2e_total",
    )
    assert response.status_code == 302
    comment = ReviewComment.objects.get()
    assert (comment.version, comment.field, comment.author) == (drafts[0], "co2e_total", reviewers[0])
    assert "此处单位有误" in page(client, reviewers[0], in_review).content.decode()


def test_a_comment_on_a_row_not_in_the_set_is_refused_and_changes_nothing(
    client, in_review, reviewers, editor
):
    stranger = draft_by(editor)
    client.force_login(reviewers[0])
    before = database_snapshot()
    response = post(client, None, in_review, "comment", body="？", version=stranger.pk)
    assert response.status_code == 400
    assert "该版本不在此变更集中" in response.content.decode()
    assert database_snapshot() == before


def test_a_comment_on_an_unknown_field_is_refused(client, in_review, reviewers, drafts):
    response = post(
        client, reviewers[0], in_review, "comment", body="？", version=drafts[0].pk, field="password"
    )
    assert response.status_code == 400
    assert not ReviewComment.objects.exists()


def test_a_resolved_thread_folds(client, in_review, reviewers, approver):
    post(client, reviewers[0], in_review, "comment", body="请核对第 3 行")
    thread = ReviewComment.objects.get()
    post(client, approver, in_review, "resolve", thread=thread.pk)
    text = page(client, approver, in_review).content.decode()
    assert f'<details class="thread" id="thread-{thread.pk}">' in text  # not open: folded


def test_a_thread_of_another_set_cannot_be_resolved_through_this_one(
    client, in_review, reviewers, approver, editor
):
    from factordb.services import change_sets, discussion

    other = change_sets.change_set_create(
        actor=editor, title="另一组", description="另一理由", versions=[draft_by(editor)]
    )
    foreign = discussion.comment_post(change_set=other, actor=approver, body="别处的讨论")
    response = post(client, approver, in_review, "resolve", thread=foreign.pk)
    assert response.status_code == 400
    foreign.refresh_from_db()
    assert not foreign.is_resolved


def test_a_decision_on_an_ended_round_is_a_conflict(client, in_review, reviewers, editor):
    decide(in_review, reviewers[0], "changes_requested", "缺少来源")
    client.force_login(reviewers[1])
    before = database_snapshot()
    response = post(
        client, None, in_review, "set_decide", verdict="approved", declares_no_conflict="on", review_round=1
    )
    assert response.status_code == 409
    assert database_snapshot() == before


def test_publishing_shows_the_summary_and_asks_for_confirmation(client, approved, approver):
    client.force_login(approver)
    shown = client.get(reverse("review:change_set_publish", args=[approved.pk]))
    assert "共 3 个版本" in shown.content.decode()
    fingerprint = publication_summary(approved).fingerprint
    unconfirmed = post(client, None, approved, "set_publish", fingerprint=fingerprint)
    assert unconfirmed.status_code == 400
    assert "请先核对摘要并勾选确认" in unconfirmed.content.decode()
    approved.refresh_from_db()
    assert approved.status == S.APPROVED
    published = post(client, None, approved, "set_publish", fingerprint=fingerprint, confirm="on")
    assert published.status_code == 302
    approved.refresh_from_db()
    assert approved.status == S.PUBLISHED


def test_a_summary_that_no_longer_matches_the_set_does_not_publish(client, approved, approver):
    response = post(client, approver, approved, "set_publish", fingerprint="0" * 64, confirm="on")
    assert response.status_code == 409
    approved.refresh_from_db()
    assert approved.status == S.APPROVED


def test_publishing_twice_says_it_is_published_already(client, approved, approver):
    fingerprint = publication_summary(approved).fingerprint
    post(client, approver, approved, "set_publish", fingerprint=fingerprint, confirm="on")
    again = post(client, None, approved, "set_publish", fingerprint=fingerprint, confirm="on")
    assert again.status_code == 409
    assert "已发布" in again.content.decode()


def test_the_inbox_says_what_needs_each_role(client, in_review, reviewers, approver, editor):
    client.force_login(reviewers[0])
    assert f"#{in_review.pk}" in client.get(reverse("review:inbox")).content.decode()
    decide(in_review, reviewers[0], "changes_requested", "缺少来源")
    client.force_login(editor)
    revise = client.get(reverse("review:inbox")).content.decode()
    assert f"#{in_review.pk}" in revise
    client.force_login(reviewers[1])
    assert f"#{in_review.pk}" not in client.get(reverse("review:inbox")).content.decode()


def test_the_approvers_list_shows_size_round_approvals_and_threads(client, in_review, approver, reviewers):
    from tests.factordb.change_sets.helpers import approve

    approve(in_review, reviewers[0])
    post(client, reviewers[1], in_review, "comment", body="第 2 行？")
    client.force_login(approver)
    for url in (reverse("review:change_sets"), reverse("review:dashboard")):
        text = client.get(url).content.decode()
        assert "依据生态环境部 2023 年公告更新" in text
        assert "1/2" in text


def test_each_row_shows_its_changed_fields_against_the_published_version(client, editor, approver):
    from decimal import Decimal

    from factordb.services import change_sets, editing
    from tests.factories import SourcedPublishedVersionFactory

    published = SourcedPublishedVersionFactory(co2e_total=Decimal("0.5366"))
    draft = editing.factor_version_start_revision(factor=published.factor, actor=editor)
    editing.factor_version_update_draft(version=draft, actor=editor, revision=draft.revision,
                                        changes={"notes_zh": "依据 2023 年公告"})
    change_set = change_sets.change_set_create(actor=editor, title="备注", description="补充说明",
                                               versions=[draft])
    text = page(client, approver, change_set).content.decode()
    assert "依据 2023 年公告" in text
    assert "中文备注" in text
