"""Roles (auth groups) and their grants are audited: every change says why, and history keeps it."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from accounts.models import User
from factordb.admin.history import CHANGE_REASON_FIELD, history_changes
from tests.factordb.admin.helpers import admin_url, change_form_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def role():
    group, _ = Group.objects.get_or_create(name="reviewer")
    group.permissions.set(Permission.objects.filter(codename="view_factor"))
    return group


def permission(codename: str) -> Permission:
    return Permission.objects.get(codename=codename, content_type__app_label="factordb")


def change_permissions(client, group: Group, codenames: list[str], **data):
    page = client.get(admin_url(group, "change"))
    return client.post(admin_url(group, "change"), change_form_data(
        page, permissions=[str(permission(c).pk) for c in codenames], **data))


def test_changing_a_roles_permissions_without_a_reason_changes_nothing(admin_client, role):
    records_before = role.history.count()

    response = change_permissions(admin_client, role, ["view_factor", "change_factor"])

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[CHANGE_REASON_FIELD]
    assert list(role.permissions.values_list("codename", flat=True)) == ["view_factor"]
    assert role.history.count() == records_before


def test_changing_a_roles_permissions_records_them_with_the_reason(admin_client, role, staff):
    response = change_permissions(admin_client, role, ["view_factor", "change_factor"],
                                  **{CHANGE_REASON_FIELD: "评审专家需修改因子"})

    assert response.status_code == 302
    latest = role.history.first()
    assert (latest.history_change_reason, latest.history_user) == ("评审专家需修改因子", staff)
    assert {row.permission.codename for row in latest.permissions.all()} == {"view_factor", "change_factor"}


def test_the_comparison_names_the_permissions_a_role_gained(admin_client, role):
    before = role.history.first()
    change_permissions(admin_client, role, ["view_factor", "change_factor"], **{CHANGE_REASON_FIELD: "扩权"})

    changes = {c.name: (c.old, c.new) for c in history_changes(before, role.history.first())}

    assert changes == {"permissions": (str(permission("view_factor")),
                                       f"{permission('change_factor')}, {permission('view_factor')}")}


def test_granting_a_role_is_recorded_on_the_users_history_with_the_reason(admin_client, role):
    user = UserFactory(username="li")
    page = admin_client.get(admin_url(user, "change"))

    joined = timezone.localtime(user.date_joined)
    response = admin_client.post(admin_url(user, "change"), change_form_data(
        page, groups=[str(role.pk)], date_joined_0=f"{joined:%Y-%m-%d}", date_joined_1=f"{joined:%H:%M:%S}",
        **{CHANGE_REASON_FIELD: "聘为评审专家"}))

    assert response.status_code == 302
    latest = User.history.filter(id=user.pk).first()
    assert latest.history_change_reason == "聘为评审专家"
    assert [row.group for row in latest.groups.all()] == [role]


def test_deleting_a_role_asks_for_a_reason_and_records_it(admin_client, role):
    pk = role.pk

    response = admin_client.post(admin_url(role, "delete"), {"post": "yes", CHANGE_REASON_FIELD: "角色合并"})

    assert response.status_code == 302
    assert Group.history.get(id=pk, history_type="-").history_change_reason == "角色合并"


def test_adding_a_role_the_user_already_holds_records_nothing(role):
    user = UserFactory(username="li")
    user.groups.add(role)
    records_before = User.history.filter(id=user.pk).count()

    user.groups.add(role)

    assert User.history.filter(id=user.pk).count() == records_before
