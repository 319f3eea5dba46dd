"""Staff issue keys in the admin: the plain key is shown once; revocation asks why."""

import pytest
from django.contrib.messages import get_messages

from accounts.models import ApiKey

pytestmark = pytest.mark.django_db


def test_issuing_in_admin_shows_the_key_once(admin_client):
    response = admin_client.post("/admin/accounts/apikey/add/", {
        "name": "LCA Tool", "organisation": "Example Co.", "contact_email": "it@example.org",
        "tier": "standard", "change_reason": "contract signed"})

    assert response.status_code == 302
    key = ApiKey.objects.get()
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(f"cfk_{key.prefix}_" in message for message in shown)
    assert key.secret_hash not in " ".join(shown)
    admin_client.get(response["Location"])  # the confirmation page shows it, once
    page = admin_client.get(f"/admin/accounts/apikey/{key.pk}/change/").content.decode()
    assert "cfk_" not in page


def test_issuing_in_admin_records_the_reason_typed_in_the_form(admin_client, staff):
    admin_client.post("/admin/accounts/apikey/add/", {
        "name": "LCA Tool", "organisation": "Example Co.", "contact_email": "it@example.org",
        "tier": "standard", "change_reason": "contract signed"})

    record = ApiKey.objects.get().history.get()
    assert (record.history_change_reason, record.history_user) == ("issued: contract signed", staff)


def test_issuing_in_admin_without_a_reason_issues_nothing(admin_client):
    response = admin_client.post("/admin/accounts/apikey/add/", {
        "name": "LCA Tool", "organisation": "Example Co.", "contact_email": "it@example.org",
        "tier": "standard"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["change_reason"]
    assert not ApiKey.objects.exists()


def test_revoking_in_admin_needs_a_reason(admin_client, staff):
    from accounts.services import api_key_issue

    key, _ = api_key_issue(name="x", organisation="x", contact_email="x@example.org", tier="standard",
                           actor=staff, reason="contract signed")
    refused = admin_client.post(f"/admin/accounts/apikey/{key.pk}/revoke/", {"reason": ""})
    assert refused.status_code == 400
    done = admin_client.post(f"/admin/accounts/apikey/{key.pk}/revoke/", {"reason": "contract ended"})
    assert done.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
