"""A set's page leads an editor to each draft row's admin page, where drafts are edited (after
退回草稿以修改 the editor must get from the set to its drafts); nobody else, and no row that
is no longer a draft, gets the link."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from factordb.services import change_set_review as road
from tests.roles import with_roles

pytestmark = pytest.mark.django_db

LINK = "在后台编辑此草稿"


def page(client, user, change_set) -> str:
    client.force_login(user)
    return client.get(reverse("review:change_set", args=[change_set.pk])).content.decode()


def edit_links(text: str) -> list[str]:
    return [part.split('"', 1)[0] for part in text.split('class="edit-draft" href="')[1:]]


def staff(user):
    user.is_staff = True
    user.save()
    return user


def test_the_editor_of_a_draft_set_is_led_to_each_rows_admin_page(client, change_set, editor, drafts):
    text = page(client, staff(editor), change_set)
    assert LINK in text
    assert edit_links(text) == [reverse("admin:factordb_factorversion_change", args=[v.pk])
                                for v in change_set.current_versions()]


def test_an_editor_who_is_not_staff_gets_no_link_to_an_admin_they_cannot_open(client, change_set, editor):
    assert LINK not in page(client, editor, change_set)


def test_an_approver_who_is_staff_but_edits_nothing_gets_no_link(client, change_set, approver):
    assert LINK not in page(client, staff(approver), change_set)


def test_a_reviewer_gets_no_link(client, in_review, reviewers):
    assert LINK not in page(client, staff(reviewers[0]), in_review)


def test_once_submitted_the_rows_are_no_drafts_and_the_link_goes(client, change_set, editor):
    road.change_set_submit(change_set=change_set, actor=editor)
    assert LINK not in page(client, staff(editor), change_set)


def test_after_revise_the_drafts_are_linked_again(client, in_review, editor, reviewers):
    road.change_set_decide(change_set=in_review, actor=reviewers[0], verdict="changes_requested",
                           comment="请核对", review_round=in_review.review_round)
    assert LINK not in page(client, staff(editor), in_review)  # 需修改: not yet drafts
    road.change_set_revise(change_set=in_review, actor=editor)
    assert len(edit_links(page(client, editor, in_review))) == 3


def test_a_staff_user_who_approves_and_edits_is_led_to_the_drafts_too(client, change_set, approver):
    both = staff(with_roles(approver, Role.EDITOR))
    assert len(edit_links(page(client, both, change_set))) == 3
