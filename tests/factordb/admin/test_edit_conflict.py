"""Two editors open the same draft: the second save is refused, never a silent overwrite."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client

from factordb.admin.history import CHANGE_REASON_FIELD
from factordb.models import FactorVersion
from tests.factordb.admin.helpers import admin_url, change_form_data
from tests.factories import DraftVersionFactory, StaffUserFactory

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


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("editors", [2, 10])
def test_editors_saving_the_same_draft_at_the_same_instant_one_wins_the_others_are_refused(editors):
    """All pass the form's check together; the row lock and revision decide at the write: one
    save wins, every other editor is told of the conflict with their input kept, and the
    draft's history gains exactly one row."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises whole-database writes")
    draft = DraftVersionFactory()
    history_before = FactorVersion.history.filter(id=draft.pk).count()
    clients = []
    for n in range(editors):
        client = Client()
        client.force_login(StaffUserFactory(username=f"editor_{n}"))
        clients.append((client, client.get(admin_url(draft, "change"))))
    barrier = threading.Barrier(editors)
    answers = {}

    def save(client, page, note):
        try:
            barrier.wait(timeout=30)
            answers[note] = client.post(admin_url(draft, "change"), change_form_data(
                page, notes_zh=note, **{CHANGE_REASON_FIELD: note}))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(*clients[n], f"编辑{n}的修改")) for n in range(editors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(answer.status_code for answer in answers.values()) == [200] * (editors - 1) + [302]
    winner = next(note for note, answer in answers.items() if answer.status_code == 302)
    assert stored_note(draft) == winner
    for loser, answer in answers.items():
        if loser == winner:
            continue
        # The page itself, not answer.context: the test client's template signal is global, so
        # with threads a response's context may hold another thread's render.
        page = answer.content.decode()
        assert "someone else saved after you opened it" in page
        field = re.search(r'<textarea name="notes_zh"[^>]*>\s*(.*?)</textarea>', page, re.DOTALL)
        assert field.group(1).strip() == loser  # the refused editor's input is kept in the form
    assert FactorVersion.history.filter(id=draft.pk).count() == history_before + 1
    assert FactorVersion.history.filter(id=draft.pk, history_change_reason=winner).count() == 1
