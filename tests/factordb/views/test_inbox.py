"""The inbox says what needs the user, on both roads (change sets and versions alone), in four
sections by what they must do; the menus show how many, the same count."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from factordb.selectors_change_sets import inbox, inbox_count
from factordb.services import change_set_review as road
from factordb.services import change_sets
from tests.factordb.change_sets.helpers import decide, draft_by
from tests.factories import (
    ApprovedVersionFactory,
    ChangesRequestedVersionFactory,
    InReviewVersionFactory,
    SourcedPublishedVersionFactory,
    SubmittedVersionFactory,
)
from tests.roles import user_with_roles

pytestmark = pytest.mark.django_db

SECTIONS = ("to-review", "to-revise", "to-assign", "to-publish")
MENU_COUNT = re.compile(r'data-testid="inbox-link">(?:待办|To do) \((\d+)\)</a>')


def section(page: str, key: str) -> str:
    start = page.index(f'data-testid="{key}"')
    return page[start:page.index("</section>", start)]


def where_listed(client, user, needle: str) -> list[str]:
    """The inbox sections, on the user's own page, that list `needle`."""
    client.force_login(user)
    page = client.get(reverse("review:inbox")).content.decode()
    return [key for key in SECTIONS if needle in section(page, key)]


@pytest.fixture
def set_in_review(editor, approver, reviewers):
    change_set = change_sets.change_set_create(actor=editor, title="2023 年区域电网因子",
                                               description="依据公告更新",
                                               versions=[draft_by(editor), draft_by(editor)])
    road.change_set_submit(change_set=change_set, actor=editor)
    for reviewer in reviewers[:2]:
        road.change_set_assign(change_set=change_set, reviewer=reviewer, actor=approver)
    change_set.refresh_from_db()
    return change_set


# --- Versions on their own road -----------------------------------------------------------------


def test_a_reviewer_is_asked_to_review_the_versions_assigned_to_them(client, reviewers):
    version = InReviewVersionFactory(reviewers=[reviewers[0]])
    assignment = version.assignments.get()
    assert where_listed(client, reviewers[0], version.factor.public_id) == ["to-review"]
    assert reverse("review:assignment", args=[assignment.pk]) in section(
        client.get(reverse("review:inbox")).content.decode(), "to-review")
    assert where_listed(client, reviewers[1], version.factor.public_id) == []


def test_a_decided_assignment_or_one_of_an_earlier_round_asks_nothing_more(client, reviewer):
    decided = InReviewVersionFactory(reviewers=[reviewer])
    decided.assignments.update(decision="approved")
    earlier = InReviewVersionFactory(reviewers=[reviewer])
    earlier.review_round = 2
    earlier.save()
    assert inbox(reviewer).assignments_to_review == []


def test_an_editor_is_asked_to_revise_their_own_versions_sent_back(client, editor, other_editor):
    mine = ChangesRequestedVersionFactory(author=editor)
    theirs = ChangesRequestedVersionFactory(author=other_editor)
    assert where_listed(client, editor, mine.factor.public_id) == ["to-revise"]
    assert where_listed(client, editor, theirs.factor.public_id) == []


def test_an_approver_is_asked_to_assign_submitted_and_publish_approved_versions(client, approver, editor):
    submitted = SubmittedVersionFactory(author=editor)
    approved = ApprovedVersionFactory(author=editor)
    published = SourcedPublishedVersionFactory(author=editor)
    assert where_listed(client, approver, submitted.factor.public_id) == ["to-assign"]
    assert where_listed(client, approver, approved.factor.public_id) == ["to-publish"]
    assert where_listed(client, approver, published.factor.public_id) == []


def test_a_reviewer_or_editor_is_not_asked_what_approvers_do(client, reviewer, editor):
    submitted, approved = SubmittedVersionFactory(author=editor), ApprovedVersionFactory(author=editor)
    for user in (reviewer, editor):
        assert inbox(user).count == 0
        assert where_listed(client, user, submitted.factor.public_id) == []
        assert where_listed(client, user, approved.factor.public_id) == []


# --- A user with two roles ------------------------------------------------------------------------


def test_an_editor_and_approver_assigns_their_own_version_but_never_publishes_it(client, approver):
    both = user_with_roles("editor-approver", Role.EDITOR, Role.APPROVER)
    own_submitted = SubmittedVersionFactory(author=both)
    own_approved = ApprovedVersionFactory(author=both)
    own_sent_back = ChangesRequestedVersionFactory(author=both)
    assert where_listed(client, both, own_submitted.factor.public_id) == ["to-assign"]
    assert where_listed(client, both, own_approved.factor.public_id) == []  # the author may not publish it
    assert where_listed(client, both, own_sent_back.factor.public_id) == ["to-revise"]
    # Another approver publishes it.
    assert where_listed(client, approver, own_approved.factor.public_id) == ["to-publish"]


def test_an_editor_and_reviewer_revises_their_own_and_reviews_others(client, other_editor):
    both = user_with_roles("editor-reviewer", Role.EDITOR, Role.REVIEWER)
    own_sent_back = ChangesRequestedVersionFactory(author=both)
    to_review = InReviewVersionFactory(author=other_editor, reviewers=[both])
    assert where_listed(client, both, own_sent_back.factor.public_id) == ["to-revise"]
    assert where_listed(client, both, to_review.factor.public_id) == ["to-review"]
    assert inbox(both).count == 2


# --- Change sets: listed as sets, their rows not again as versions -------------------------------


def test_a_set_in_review_is_listed_once_as_a_set_not_row_by_row(client, set_in_review, reviewers):
    listed = inbox(reviewers[0])
    assert listed.to_review == [set_in_review]
    assert listed.assignments_to_review == []
    assert listed.count == 1


def test_a_set_sent_back_asks_its_editor_and_its_rows_do_not(client, set_in_review, reviewers, editor):
    decide(set_in_review, reviewers[0], "changes_requested", "缺少来源")
    listed = inbox(editor)
    assert [s.pk for s in listed.to_revise] == [set_in_review.pk]
    assert listed.versions_to_revise == []
    assert inbox_count(editor) == listed.count == 1  # two rows of the editor's, one set


def test_a_submitted_set_asks_the_approver_to_assign_it_not_its_rows(approver, editor):
    change_set = change_sets.change_set_create(actor=editor, title="两行", description="说明",
                                               versions=[draft_by(editor), draft_by(editor)])
    road.change_set_submit(change_set=change_set, actor=editor)
    listed = inbox(approver)
    assert [s.pk for s in listed.to_assign] == [change_set.pk]
    assert listed.versions_to_assign == []
    assert listed.count == 1


# --- The menus' count is the inbox's -------------------------------------------------------------


def menu_counts(page: str) -> list[int]:
    return [int(n) for n in MENU_COUNT.findall(page)]


@pytest.fixture
def a_bit_of_everything(set_in_review, editor, other_editor, reviewers):
    InReviewVersionFactory(author=other_editor, reviewers=[reviewers[0]])
    ChangesRequestedVersionFactory(author=editor)
    SubmittedVersionFactory(author=other_editor)
    ApprovedVersionFactory(author=other_editor)
    return set_in_review


@pytest.mark.usefixtures("a_bit_of_everything")
@pytest.mark.parametrize("who", ["editor", "reviewer", "approver"])
def test_the_header_and_workspace_menus_show_the_inbox_total(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    page = client.get(reverse("review:inbox")).content.decode()
    total = inbox(user).count
    assert total > 0
    assert menu_counts(page) == [total, total]  # the header and the workspace nav
    assert f"共 {total} 项" in page
    home = client.get(reverse("home")).content.decode()
    assert menu_counts(home) == [total]


def test_the_menu_count_is_one_query(a_bit_of_everything, django_assert_num_queries):
    both = user_with_roles("all-roles", Role.EDITOR, Role.REVIEWER, Role.APPROVER)
    InReviewVersionFactory(reviewers=[both])
    listed = inbox(both).count  # reads (and keeps) the user's roles too
    with django_assert_num_queries(1):
        assert inbox_count(both) == listed


def test_the_count_changes_when_work_arrives(client, reviewer):
    client.force_login(reviewer)
    assert menu_counts(client.get(reverse("home")).content.decode()) == [0]
    InReviewVersionFactory(reviewers=[reviewer])
    assert menu_counts(client.get(reverse("home")).content.decode()) == [1]


def test_the_admin_header_links_to_the_inbox_with_its_count(client, approver):
    approver.is_staff = True
    approver.save()
    SubmittedVersionFactory()
    client.force_login(approver)
    page = client.get(reverse("admin:index")).content.decode()
    assert f'<a href="{reverse("review:inbox")}" class="workflow-page inbox-link">待办 (1)</a>' in page


def test_no_inbox_link_for_a_user_with_no_workflow_role(client, outsider, staff):
    SubmittedVersionFactory()
    for user in (outsider, staff):  # a superuser holds no role either
        client.force_login(user)
        assert reverse("review:inbox") not in client.get(reverse("home")).content.decode()
    assert reverse("review:inbox") not in client.get(reverse("admin:index")).content.decode()


# --- English ---------------------------------------------------------------------------------------


def test_the_english_inbox_has_english_labels(client, approver, editor):
    version = SubmittedVersionFactory(author=editor)
    client.force_login(approver)
    page = client.get("/en" + reverse("review:inbox")).content.decode()
    for label in ("Inbox (1)", "Awaiting my review", "Awaiting my changes", "Awaiting reviewer assignment",
                  "Awaiting publication", "1 in all", version.factor.name_en):
        assert label in page
    for chinese in ("待办", "待我评审", "待我修改", "待指派评审", "待发布", "共 1 项",
                    version.factor.name_zh):
        assert chinese not in page


# --- A bounded number of queries, however many items -------------------------------------------


def test_the_inbox_page_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    both = user_with_roles("all-roles", Role.EDITOR, Role.REVIEWER, Role.APPROVER)
    other = user_with_roles("someone", Role.EDITOR)

    def one_of_each():
        InReviewVersionFactory(author=other, reviewers=[both])
        ChangesRequestedVersionFactory(author=both)
        SubmittedVersionFactory(author=other)
        ApprovedVersionFactory(author=other)

    one_of_each()
    client.force_login(both)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("review:inbox"))
    for _ in range(4):
        one_of_each()
    with django_assert_max_num_queries(len(few)):
        page = client.get(reverse("review:inbox")).content.decode()
    assert menu_counts(page) == [20, 20]
