"""Two editors open the same draft: the second save is refused, never a silent overwrite."""

from decimal import Decimal
from unittest import mock

import pytest
from django.test import Client

from factordb.admin.history import CHANGE_REASON_FIELD
from factordb.models import FactorVersion
from tests.factordb.admin.helpers import admin_url, change_form_data
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_clients(db):
    clients = []
    for name in ("first_editor", "second_editor"):
        client = Client()
        client.force_login(StaffUserFactory(username=name))
        clients.append(client)
    return clients


def stored_note(version) -> str:
    return FactorVersion.objects.values_list("notes_zh", flat=True).get(pk=version.pk)


def test_the_form_carries_the_revision_it_was_opened_at_hidden(admin_client, draft):
    page = admin_client.get(admin_url(draft, "change"))
    assert page.context["adminform"].form.fields["revision"].widget.is_hidden
    assert page.context["adminform"].form["revision"].value() == draft.revision


def test_the_second_of_two_editors_is_refused_and_keeps_their_input(two_clients, draft):
    first, second = two_clients
    first_page = first.get(admin_url(draft, "change"))
    second_page = second.get(admin_url(draft, "change"))

    saved = first.post(admin_url(draft, "change"), change_form_data(
        first_page, notes_zh="第一位的修改", **{CHANGE_REASON_FIELD: "first"}))
    assert saved.status_code == 302

    refused = second.post(admin_url(draft, "change"), change_form_data(
        second_page, notes_zh="第二位的修改", **{CHANGE_REASON_FIELD: "second"}))
    assert refused.status_code == 200
    form = refused.context["adminform"].form
    assert "someone else saved after you opened it" in " ".join(form.non_field_errors())
    assert form["notes_zh"].value() == "第二位的修改"
    assert "第二位的修改" in refused.content.decode()
    assert "第一位的修改" in refused.content.decode()  # what the other editor saved is shown
    assert stored_note(draft) == "第一位的修改"
    assert FactorVersion.history.filter(id=draft.pk, history_change_reason="second").count() == 0


def test_after_seeing_the_conflict_a_second_save_is_the_editors_informed_choice(two_clients, draft):
    first, second = two_clients
    first_page = first.get(admin_url(draft, "change"))
    second_page = second.get(admin_url(draft, "change"))
    first.post(admin_url(draft, "change"), change_form_data(
        first_page, notes_zh="第一位的修改", **{CHANGE_REASON_FIELD: "first"}))
    refused = second.post(admin_url(draft, "change"), change_form_data(
        second_page, notes_zh="第二位的修改", **{CHANGE_REASON_FIELD: "second"}))

    again = second.post(admin_url(draft, "change"), change_form_data(refused))
    assert again.status_code == 302
    assert stored_note(draft) == "第二位的修改"


def test_a_save_that_loses_the_race_after_the_check_is_refused_too(two_clients, draft):
    """The other save lands between the form's check and the write: the row's revision decides."""
    _, second = two_clients
    page = second.get(admin_url(draft, "change"))
    other = FactorVersion.objects.get(pk=draft.pk)
    other.notes_zh = "抢先保存"
    other.save()
    real_is_stale = FactorVersion.is_stale
    calls = []

    def check_that_ran_before_the_other_save(self, revision):
        calls.append(revision)
        return False if len(calls) == 1 else real_is_stale(self, revision)

    with mock.patch.object(FactorVersion, "is_stale", check_that_ran_before_the_other_save):
        response = second.post(admin_url(draft, "change"), change_form_data(
            page, notes_zh="我的修改", co2e_total=str(Decimal("0.7")), **{CHANGE_REASON_FIELD: "mine"}))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "someone else saved after you opened it" in " ".join(form.non_field_errors())
    assert form["notes_zh"].value() == "我的修改"
    assert stored_note(draft) == "抢先保存"
    assert len(calls) == 2  # the write was refused, and the second pass found the other save
