"""Issuing a calculator's API key needs accounts.add_apikey and revoking one accounts.revoke_apikey,
which the admin role holds (and superusers); being staff is not enough. The services check it,
so the admin's views and any other caller answer alike; a refusal changes nothing."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.models import ApiKey
from accounts.roles import ForbiddenAction, Role
from accounts.services import api_key_issue, api_key_revoke
from factordb.admin.history import CHANGE_REASON_FIELD
from tests.accounts.helpers import accounts_snapshot
from tests.factordb.admin.helpers import admin_url
from tests.factories import ApiKeyFactory, UserFactory

pytestmark = pytest.mark.django_db

WITHOUT_THE_PERMISSION = [Role.EDITOR, Role.REVIEWER, Role.APPROVER, None]
KEY_DETAILS = {"name": "LCA Tool", "organisation": "Example Co.", "contact_email": "it@example.org",
               "tier": "standard"}


def staff_member(role: Role | None):
    """Staff holding one role of the migration (None: staff with no role at all)."""
    user = UserFactory(username=f"staff-{role.value if role else 'none'}", is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture
def key():
    return ApiKeyFactory()


def revoke_url(key: ApiKey) -> str:
    return f"/admin/accounts/apikey/{key.pk}/revoke/"


@pytest.mark.parametrize("role", WITHOUT_THE_PERMISSION, ids=str)
def test_staff_without_the_permission_cannot_issue_a_key_in_the_admin(client, role):
    client.force_login(staff_member(role))
    before = accounts_snapshot()

    response = client.post(admin_url(ApiKey, "add"), {**KEY_DETAILS, CHANGE_REASON_FIELD: "contract"})

    assert response.status_code == 403
    assert accounts_snapshot() == before


@pytest.mark.parametrize("role", WITHOUT_THE_PERMISSION, ids=str)
def test_staff_without_the_permission_cannot_issue_a_key_through_the_service(role):
    actor = staff_member(role)
    before = accounts_snapshot()

    with pytest.raises(ForbiddenAction):
        api_key_issue(**KEY_DETAILS, actor=actor, reason="contract")

    assert accounts_snapshot() == before


@pytest.mark.parametrize("role", WITHOUT_THE_PERMISSION, ids=str)
def test_staff_without_the_permission_cannot_revoke_a_key_in_the_admin(client, key, role):
    client.force_login(staff_member(role))
    before = accounts_snapshot()

    assert client.get(revoke_url(key)).status_code == 403
    assert client.post(revoke_url(key), {"reason": "just because"}).status_code == 403

    assert accounts_snapshot() == before


@pytest.mark.parametrize("role", WITHOUT_THE_PERMISSION, ids=str)
def test_staff_without_the_permission_cannot_revoke_a_key_through_the_service(key, role):
    actor = staff_member(role)
    before = accounts_snapshot()

    with pytest.raises(ForbiddenAction):
        api_key_revoke(key=key, actor=actor, reason="just because")

    assert accounts_snapshot() == before


def test_the_key_page_offers_revocation_only_to_who_may_revoke(client, key):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_apikey"))
    client.force_login(viewer)
    assert revoke_url(key) not in client.get(admin_url(key, "change")).content.decode()

    client.force_login(staff_member(Role.ADMIN))
    assert revoke_url(key) in client.get(admin_url(key, "change")).content.decode()


def test_the_admin_role_issues_a_key_in_the_admin(client):
    client.force_login(staff_member(Role.ADMIN))

    response = client.post(admin_url(ApiKey, "add"), {**KEY_DETAILS, CHANGE_REASON_FIELD: "contract"})

    assert response.status_code == 302
    assert ApiKey.objects.get().name == "LCA Tool"


def test_the_admin_role_revokes_a_key_in_the_admin(client, key):
    member = staff_member(Role.ADMIN)
    client.force_login(member)

    response = client.post(revoke_url(key), {"reason": "contract ended"})

    assert response.status_code == 302
    key.refresh_from_db()
    assert (key.revoked_by, key.revoke_reason) == (member, "contract ended")


def test_a_non_staff_holder_of_the_permissions_manages_no_keys(key):
    # The permission is for platform staff; a stray grant to an outside account does nothing.
    outsider = UserFactory(username="outside")
    outsider.user_permissions.add(*Permission.objects.filter(codename__in=["add_apikey", "revoke_apikey"]))

    with pytest.raises(ForbiddenAction):
        api_key_revoke(key=key, actor=outsider, reason="x")


@pytest.mark.parametrize("role", WITHOUT_THE_PERMISSION, ids=str)
def test_staff_without_the_permission_cannot_tell_which_key_ids_exist(client, key, role):
    client.force_login(staff_member(role))
    unknown = reverse("admin:accounts_apikey_revoke", args=[key.pk + 1000])
    assert client.get(unknown).status_code == client.get(revoke_url(key)).status_code == 403
