"""Published, superseded and withdrawn versions are shown read-only; drafts stay editable."""

import pytest

from factordb.admin.history import CHANGE_REASON_FIELD
from factordb.constants import FactorStatus
from factordb.models import FactorVersion
from tests.factordb.admin.helpers import admin_url

pytestmark = pytest.mark.django_db


def test_a_draft_is_editable_with_its_gas_rows(admin_client, draft):
    response = admin_client.get(admin_url(draft, "change"))

    form = response.context["adminform"].form
    assert {"co2e_total", CHANGE_REASON_FIELD} <= set(form.fields)
    assert "status" not in form.fields  # moved by the workflow, not typed in
    gas_formset = response.context["inline_admin_formsets"][0].formset
    assert gas_formset.can_delete
    assert 'name="_save"' in response.content.decode()


@pytest.mark.parametrize("status", [FactorStatus.PUBLISHED, FactorStatus.SUPERSEDED, FactorStatus.WITHDRAWN])
def test_a_frozen_version_is_shown_read_only(admin_client, published, status):
    if status != FactorStatus.PUBLISHED:
        published.status = status
        published.save()

    response = admin_client.get(admin_url(published, "change"))

    assert response.status_code == 200
    assert response.context["adminform"].form.fields == {}
    assert response.context["has_change_permission"] is False
    assert response.context["has_delete_permission"] is False
    content = response.content.decode()
    assert 'name="_save"' not in content
    assert 'class="deletelink"' not in content
    assert "0.5366" in content


def test_posting_a_change_to_a_published_version_is_refused(admin_client, published):
    history_before = published.history.count()

    response = admin_client.post(admin_url(published, "change"), {
        "co2e_total": "9", CHANGE_REASON_FIELD: "try",
    })

    assert response.status_code == 403
    published.refresh_from_db()
    assert str(published.co2e_total.normalize()) == "0.5366"
    assert published.history.count() == history_before


def test_deleting_a_published_version_is_refused(admin_client, published):
    assert admin_client.get(admin_url(published, "delete")).status_code == 403
    confirmation = {"post": "yes", CHANGE_REASON_FIELD: "清理"}
    assert admin_client.post(admin_url(published, "delete"), confirmation).status_code == 403
    assert FactorVersion.objects.filter(pk=published.pk).exists()


def test_the_bulk_delete_action_refuses_a_selection_with_a_published_version(admin_client, published, draft):
    response = admin_client.post(admin_url(FactorVersion, "changelist"), {
        "action": "delete_selected", "_selected_action": [published.pk, draft.pk], "post": "yes",
        CHANGE_REASON_FIELD: "清理",
    })

    assert response.status_code == 403
    assert FactorVersion.objects.filter(pk__in=[published.pk, draft.pk]).count() == 2


def test_a_published_factors_identity_is_read_only_in_admin(admin_client, published):
    response = admin_client.get(admin_url(published.factor, "change"))

    form = response.context["adminform"].form
    assert "year" not in form.fields
    assert "category" not in form.fields
    assert "name_en" in form.fields
