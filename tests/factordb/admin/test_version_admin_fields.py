"""An editor edits a version's content in the admin, never who wrote it, its number, its state
or when and by whom it is published: those belong to the services of the review road."""

from decimal import Decimal

import pytest

from accounts.roles import Role
from factordb.admin.history import CHANGE_REASON_FIELD
from factordb.constants import FactorStatus
from factordb.models import FactorVersion
from tests.factordb.admin.helpers import admin_url, change_form_data
from tests.factories import FactorFactory, GwpSetFactory, SourcedDraftVersionFactory
from tests.roles import user_with_roles

pytestmark = pytest.mark.django_db

PROTECTED = ("author", "scheduled_publication_at", "scheduled_by", "version", "status",
             "review_round", "published_at", "superseded_at")


@pytest.fixture
def staff_editor(db):
    # The role group the migration made, with its permissions: not a superuser's every right.
    user = user_with_roles("staff-editor", Role.EDITOR)
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def editor_client(client, staff_editor):
    client.force_login(staff_editor)
    return client


@pytest.fixture
def approver(db):
    return user_with_roles("approver", Role.APPROVER)


@pytest.fixture
def someone_else(db):
    return user_with_roles("someone-else", Role.REVIEWER)


def forged(someone_else, approver) -> dict[str, str]:
    """What an editor could post by hand, as the admin's widgets would name the fields."""
    return {
        "author": str(someone_else.pk), "version": "99", "status": FactorStatus.APPROVED,
        "review_round": "7", "scheduled_by": str(approver.pk),
        "scheduled_publication_at_0": "2030-01-01", "scheduled_publication_at_1": "08:00:00",
        "published_at_0": "2030-01-01", "published_at_1": "08:00:00",
        "superseded_at_0": "2031-01-01", "superseded_at_1": "08:00:00",
    }


@pytest.mark.parametrize("view", ["add", "change"])
def test_the_form_offers_none_of_the_protected_fields(editor_client, staff_editor, view):
    obj = SourcedDraftVersionFactory(author=staff_editor) if view == "change" else FactorVersion
    page = editor_client.get(admin_url(obj, view))
    assert page.status_code == 200
    assert set(page.context["adminform"].form.fields).isdisjoint(PROTECTED)


def test_posting_protected_fields_on_a_draft_changes_nothing_but_its_content(
        editor_client, staff_editor, someone_else, approver):
    draft = SourcedDraftVersionFactory(author=staff_editor)
    before = FactorVersion.objects.values(*PROTECTED).get(pk=draft.pk)
    page = editor_client.get(admin_url(draft, "change"))

    response = editor_client.post(admin_url(draft, "change"), change_form_data(
        page, notes_zh="补充说明", **forged(someone_else, approver), **{CHANGE_REASON_FIELD: "补充说明"}))

    assert response.status_code == 302
    assert FactorVersion.objects.values(*PROTECTED).get(pk=draft.pk) == before
    assert FactorVersion.objects.get(pk=draft.pk).notes_zh == "补充说明"  # the save did happen


def test_adding_a_version_makes_the_editor_its_author_whatever_was_posted(
        editor_client, staff_editor, someone_else, approver):
    factor = FactorFactory()
    SourcedDraftVersionFactory(factor=factor, version=1, author=someone_else)
    page = editor_client.get(admin_url(FactorVersion, "add"))
    data = change_form_data(
        page, factor=str(factor.pk), gwp_set=str(GwpSetFactory().pk), co2e_total="0.5703",
        dq_reliability="2", dq_completeness="2", dq_temporal="1", dq_geographical="1",
        dq_technological="2", **forged(someone_else, approver), **{CHANGE_REASON_FIELD: "新年份数据"})

    response = editor_client.post(admin_url(FactorVersion, "add"), data)

    assert response.status_code == 302
    added = FactorVersion.objects.get(factor=factor, co2e_total=Decimal("0.5703"))
    assert (added.author, added.version, added.status, added.review_round) == (
        staff_editor, 2, FactorStatus.DRAFT, 0)
    assert (added.scheduled_publication_at, added.scheduled_by) == (None, None)
    assert (added.published_at, added.superseded_at) == (None, None)
    record = added.history.get()
    assert (record.history_user, record.history_change_reason) == (staff_editor, "新年份数据")
