"""Editors put change sets together in the admin: from ticked drafts, or from an import."""

import pytest
from django.urls import reverse

from factordb.constants import FactorStatus as S
from factordb.models import ChangeSet, ChangeSetKind
from tests.factordb.change_sets.helpers import draft_by
from tests.factordb.imports.conftest import csv_bytes, registry, row  # noqa: F401 (registry: a fixture)
from tests.factordb.imports.conftest import imported as run_import
from tests.factordb.workflow.helpers import version_in
from tests.permission_matrix import database_snapshot
from tests.roles import with_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_editor(editor):
    editor.is_staff = True
    editor.save()
    return editor


def test_ticked_drafts_lead_to_the_form_that_asks_for_the_reason(client, staff_editor):
    drafts = [draft_by(staff_editor) for _ in range(2)]
    client.force_login(staff_editor)
    response = client.post(reverse("admin:factordb_factorversion_changelist"),
                           {"action": "make_change_set", "_selected_action": [d.pk for d in drafts]})
    assert response.status_code == 302
    form = client.get(response["Location"])
    assert drafts[0].factor.public_id in form.content.decode()
    created = client.post(reverse("admin:factordb_changeset_new"), {
        "versions": ",".join(str(d.pk) for d in drafts), "title": "华东电网 2023", "description": "新公告"})
    change_set = ChangeSet.objects.get()
    assert created["Location"] == reverse("review:change_set", args=[change_set.pk])
    assert change_set.kind == ChangeSetKind.GROUP
    assert set(change_set.current_versions()) == set(drafts)


def test_a_set_without_a_reason_re_renders_the_form_and_writes_nothing(client, staff_editor):
    draft = draft_by(staff_editor)
    client.force_login(staff_editor)
    before = database_snapshot()
    response = client.post(reverse("admin:factordb_changeset_new"),
                           {"versions": str(draft.pk), "title": "x", "description": " "})
    assert response.status_code == 400
    assert "变更集须说明修改的理由" in response.content.decode()
    assert database_snapshot() == before


def test_a_published_version_among_the_ticked_is_named_and_nothing_is_written(client, staff_editor):
    published = version_in(S.PUBLISHED)
    client.force_login(staff_editor)
    response = client.post(reverse("admin:factordb_changeset_new"), {
        "versions": f"{draft_by(staff_editor).pk},{published.pk}", "title": "x", "description": "y"})
    assert response.status_code == 400
    assert published.factor.public_id in response.content.decode()
    assert not ChangeSet.objects.exists()


def test_an_approver_without_the_editor_role_cannot_make_one(client, approver):
    approver.is_staff = True
    approver.save()
    client.force_login(approver)
    response = client.post(reverse("admin:factordb_changeset_new"), {
        "versions": str(draft_by(with_roles(approver)).pk), "title": "x", "description": "y"})
    assert response.status_code == 403
    assert not ChangeSet.objects.exists()


def test_an_import_becomes_one_change_set(client, staff_editor, registry):  # noqa: F811
    imported = run_import(staff_editor, csv_bytes([row(), row(region="CN-BJ", name_zh="北京电网")]))
    client.force_login(staff_editor)
    page = client.get(reverse("admin:factordb_factorimport_change", args=[imported.pk]))
    assert f"?import={imported.pk}" in page.content.decode()
    client.post(reverse("admin:factordb_changeset_new"), {"import": imported.pk, "title": "导入",
                                                          "description": "2023 年省级电网因子"})
    change_set = ChangeSet.objects.get()
    assert change_set.kind == ChangeSetKind.IMPORT
    assert change_set.current_versions().count() == imported.versions.count()


def test_a_rows_admin_page_offers_no_step_of_its_own_and_leads_to_its_set(client, in_review, drafts, editor):
    editor.is_staff = True
    editor.save()
    client.force_login(editor)
    page = client.get(reverse("admin:factordb_factorversion_change", args=[drafts[0].pk]))
    assert page.context["workflow_buttons"] == []
    assert reverse("review:change_set", args=[in_review.pk]) in page.content.decode()


def test_the_dashboard_lists_a_sets_rows_only_as_the_set(client, in_review, approver, drafts):
    client.force_login(approver)
    response = client.get(reverse("review:dashboard"))
    assert all(row.version.pk not in {d.pk for d in drafts} for row in response.context["in_review"])
    assert f"#{in_review.pk}" in response.content.decode()
