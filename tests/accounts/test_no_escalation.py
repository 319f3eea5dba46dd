"""Nobody gives themself rights: only a superuser grants flags, roles and permissions, nobody
changes their own, and nobody but a superuser touches a superuser's account or changes a role.

Each attack goes through the real admin, forged POST bodies included (a browser never sends a
field shown read-only); each refusal leaves every account, role and grant as it was.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from factordb.admin.history import CHANGE_REASON_FIELD
from tests.accounts.helpers import accounts_snapshot
from tests.factordb.admin.helpers import admin_url, change_form_data
from tests.factories import StaffUserFactory, UserFactory
from tests.roles import with_roles

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new pass phrase 42"
RIGHTS = ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")


@pytest.fixture
def admin_member():
    """A member of the admin role exactly as the migration makes it: add/change/view user."""
    user = UserFactory(username="admin-member", is_staff=True)
    user.groups.add(Group.objects.get(name=Role.ADMIN.value))
    return user


@pytest.fixture
def superuser():
    return StaffUserFactory(username="root")


@pytest.fixture
def member_client(client, admin_member):
    client.force_login(admin_member)
    return client


@pytest.fixture
def root_client(client, superuser):
    client.force_login(superuser)
    return client


def user_form_data(page, user: User, **changes) -> dict:
    """The change form as the page shows it, its split date field included, then `changes`."""
    joined = timezone.localtime(user.date_joined)
    data = change_form_data(page, date_joined_0=f"{joined:%Y-%m-%d}", date_joined_1=f"{joined:%H:%M:%S}",
                            **{CHANGE_REASON_FIELD: "账户维护"})
    data.update(changes)
    return data


def post_change(client, user: User, **changes):
    page = client.get(admin_url(user, "change"))
    return client.post(admin_url(user, "change"), user_form_data(page, user, **changes))


def every_role() -> list[str]:
    return [str(pk) for pk in Group.objects.values_list("pk", flat=True)]


def a_permission() -> str:
    return str(Permission.objects.get(codename="change_group").pk)


def set_password(client, user: User, password: str = NEW_PASSWORD):
    return client.post(f"/admin/accounts/user/{user.pk}/password/",
                       {"password1": password, "password2": password, "usable_password": "true"})


# --- One's own account ------------------------------------------------------------------


def test_the_admin_role_sees_its_own_flags_and_roles_read_only(member_client, admin_member):
    form = member_client.get(admin_url(admin_member, "change")).context["adminform"].form
    assert set(RIGHTS).isdisjoint(form.fields)
    assert {"email", "first_name"} <= set(form.fields)


@pytest.mark.parametrize("forged", [
    {"is_superuser": "on"},
    {"is_staff": "on", "is_superuser": "on"},
    {"groups": "every role"},
    {"user_permissions": "change_group"},
], ids=["superuser", "staff-and-superuser", "every-role", "a-permission"])
def test_the_admin_role_cannot_raise_its_own_account(member_client, admin_member, forged):
    values = {"every role": every_role(), "change_group": [a_permission()]}
    forged = {field: values.get(value, value) for field, value in forged.items()}
    before = accounts_snapshot()

    response = post_change(member_client, admin_member, **forged)

    assert response.status_code == 403
    assert accounts_snapshot() == before
    admin_member.refresh_from_db()
    assert not admin_member.is_superuser


def test_even_a_superuser_does_not_change_their_own_flags_or_roles(root_client, superuser):
    form = root_client.get(admin_url(superuser, "change")).context["adminform"].form
    assert set(RIGHTS).isdisjoint(form.fields)
    before = accounts_snapshot()

    response = post_change(root_client, superuser, groups=every_role())

    assert response.status_code == 403
    assert accounts_snapshot() == before


# --- Other accounts ---------------------------------------------------------------------


@pytest.mark.parametrize("field", ["is_staff", "is_superuser", "groups", "user_permissions"])
def test_the_admin_role_grants_no_flag_role_or_permission_to_another(member_client, field):
    other = UserFactory(username="li")
    value = {"groups": every_role(), "user_permissions": [a_permission()]}.get(field, "on")
    before = accounts_snapshot()

    response = post_change(member_client, other, **{field: value})

    assert response.status_code == 403
    assert accounts_snapshot() == before


def test_the_admin_role_still_edits_an_accounts_name_and_email(member_client):
    other = UserFactory(username="li")

    response = post_change(member_client, other, email="li@example.gov.cn", first_name="丽")

    assert response.status_code == 302
    other.refresh_from_db()
    assert (other.email, other.first_name, other.is_staff) == ("li@example.gov.cn", "丽", False)


def test_a_superuser_grants_roles_and_flags_to_another(root_client):
    other = UserFactory(username="li")

    response = post_change(root_client, other, is_staff="on", groups=every_role())

    assert response.status_code == 302
    other.refresh_from_db()
    assert other.is_staff
    assert other.groups.count() == Group.objects.count()


def test_a_superusers_account_is_read_only_to_the_admin_role(member_client, superuser):
    page = member_client.get(admin_url(superuser, "change"))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    before = accounts_snapshot()

    for changes in ({"email": "mine@example.org"}, {"is_active": ""}, {"groups": []}):
        data = user_form_data(page, superuser, **changes)
        response = member_client.post(admin_url(superuser, "change"), data)
        assert response.status_code == 403
    assert accounts_snapshot() == before


# --- Passwords --------------------------------------------------------------------------


def test_the_admin_role_cannot_reset_a_superusers_password_and_sign_in_as_them(
        member_client, superuser, client):
    before = accounts_snapshot()

    assert member_client.get(f"/admin/accounts/user/{superuser.pk}/password/").status_code == 403
    assert set_password(member_client, superuser).status_code == 403

    assert accounts_snapshot() == before
    member_client.logout()
    # The sign-in lockout (django-axes) asks every authentication for its request.
    assert not client.login(request=HttpRequest(), username="root", password=NEW_PASSWORD)
    assert client.login(request=HttpRequest(), username="root", password=PASSWORD)


@pytest.mark.parametrize("rights", [{"roles": [Role.APPROVER]}, {"roles": [Role.ADMIN]},
                                    {"is_staff": True}], ids=["approver", "admin", "staff"])
def test_the_admin_role_cannot_take_over_an_account_that_holds_rights(member_client, rights):
    # Setting their password and signing in as them would be taking their rights.
    other = with_roles(UserFactory(username="li", is_staff=rights.get("is_staff", False)),
                       *rights.get("roles", []))
    before = accounts_snapshot()

    assert set_password(member_client, other).status_code == 403
    assert accounts_snapshot() == before


def test_the_admin_role_sets_the_password_of_an_account_without_rights(member_client):
    other = UserFactory(username="li")

    assert set_password(member_client, other).status_code == 302
    other.refresh_from_db()
    assert other.check_password(NEW_PASSWORD)


def test_a_superuser_sets_another_superusers_password(root_client):
    other = StaffUserFactory(username="root2")

    assert set_password(root_client, other).status_code == 302
    other.refresh_from_db()
    assert other.check_password(NEW_PASSWORD)


# --- Adding accounts --------------------------------------------------------------------


def add_user(client, **extra):
    return client.post(admin_url(User, "add"), {
        "username": "newcomer", "usable_password": "true", "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD, CHANGE_REASON_FIELD: "新同事", **extra})


@pytest.mark.parametrize("forged", [{"is_superuser": "on"}, {"is_staff": "on"}, {"groups": "every role"},
                                    {"user_permissions": "change_group"}],
                         ids=["superuser", "staff", "roles", "a-permission"])
def test_adding_an_account_with_forged_rights_is_refused(member_client, forged):
    values = {"every role": every_role(), "change_group": [a_permission()]}
    forged = {field: values.get(value, value) for field, value in forged.items()}
    before = accounts_snapshot()

    response = add_user(member_client, **forged)

    assert response.status_code == 403
    assert accounts_snapshot() == before


def test_the_admin_role_adds_an_account_without_rights(member_client):
    response = add_user(member_client)

    assert response.status_code == 302
    newcomer = User.objects.get(username="newcomer")
    assert (newcomer.is_staff, newcomer.is_superuser, newcomer.groups.count()) == (False, False, 0)


# --- Roles ------------------------------------------------------------------------------


@pytest.fixture
def member_with_change_group(admin_member):
    """Even granted Django's change_group (by mistake), a non-superuser changes no role."""
    admin_member.user_permissions.add(*Permission.objects.filter(
        codename__in=["add_group", "change_group", "delete_group"]))
    return admin_member


def test_the_admin_role_cannot_give_a_role_more_permissions(client, member_with_change_group):
    client.force_login(member_with_change_group)
    role = Group.objects.get(name=Role.ADMIN.value)
    page = client.get(admin_url(role, "change"))
    assert not page.context["has_change_permission"]
    before = accounts_snapshot()

    every = [str(pk) for pk in Permission.objects.values_list("pk", flat=True)]
    response = client.post(admin_url(role, "change"), change_form_data(
        page, name=role.name, permissions=every, **{CHANGE_REASON_FIELD: "扩权"}))

    assert response.status_code == 403
    assert accounts_snapshot() == before


def test_the_admin_role_cannot_add_or_delete_a_role(client, member_with_change_group):
    client.force_login(member_with_change_group)
    role = Group.objects.get(name=Role.APPROVER.value)
    before = accounts_snapshot()

    added = client.post(admin_url(Group, "add"), {
        "name": "everything", "permissions": [a_permission()], CHANGE_REASON_FIELD: "新角色"})
    deleted = client.post(admin_url(role, "delete"), {"post": "yes", CHANGE_REASON_FIELD: "合并"})
    assert (added.status_code, deleted.status_code) == (403, 403)
    assert accounts_snapshot() == before


def test_a_superuser_changes_a_roles_permissions(root_client):
    role = Group.objects.get(name=Role.REVIEWER.value)
    page = root_client.get(admin_url(role, "change"))

    response = root_client.post(admin_url(role, "change"), change_form_data(
        page, permissions=[a_permission()], **{CHANGE_REASON_FIELD: "调整"}))

    assert response.status_code == 302
    assert list(role.permissions.values_list("codename", flat=True)) == ["change_group"]


def test_an_account_is_deactivated_never_deleted(client, superuser):
    """Its name stands in the history of what it did, which nothing may rewrite (ADR 0007):
    deleting it would blank that record, so not even a superuser deletes an account."""
    author = UserFactory(username="former-editor", is_staff=True)
    client.force_login(superuser)
    before = accounts_snapshot()

    page = client.get(admin_url(author, "delete"))
    posted = client.post(admin_url(author, "delete"), {"post": "yes", CHANGE_REASON_FIELD: "离职"})
    bulk = client.post(reverse("admin:accounts_user_changelist"),
                       {"action": "delete_selected", "_selected_action": [author.pk], "post": "yes"})

    assert (page.status_code, posted.status_code) == (403, 403)
    assert bulk.status_code == 200  # the list again: "delete selected" is not offered
    assert accounts_snapshot() == before
    assert User.objects.filter(pk=author.pk).exists()


def test_the_admin_role_cannot_bring_back_a_deactivated_approver(member_client):
    """Reactivating an account that holds rights gives those rights back: a superuser's decision."""
    former = with_roles(UserFactory(username="gone", is_staff=True, is_active=False), Role.APPROVER)
    before = accounts_snapshot()

    response = post_change(member_client, former, is_active="on")

    assert response.status_code == 403
    assert accounts_snapshot() == before


def test_a_superuser_brings_back_a_deactivated_approver(root_client):
    former = with_roles(UserFactory(username="gone", is_staff=True, is_active=False), Role.APPROVER)
    assert post_change(root_client, former, is_active="on").status_code == 302
    former.refresh_from_db()
    assert former.is_active
