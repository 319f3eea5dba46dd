"""The role groups come from a data migration (accounts 0002), with the admin permissions each
role needs; the workflow rules themselves are the services' (tests/factordb/workflow).

These tests read the groups the migration made, so they use the ordinary `db` fixture:
pytest-django runs such tests before any transactional test, whose flush would empty the
groups (which is why tests.roles otherwise creates them on demand).
"""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from factordb.models import Factor, FactorVersion
from tests.factordb.admin.helpers import admin_url, change_form_data
from tests.factories import FactorFactory, UserFactory

pytestmark = pytest.mark.django_db

# A few permissions that make each role what it is, and a few it must not have.
GRANTED = {
    Role.EDITOR: ["add_factorversion", "change_factorversion", "add_gasamount", "change_versionsource",
                  "add_source", "view_release", "view_gwpset"],
    Role.REVIEWER: ["view_factor", "view_factorversion", "view_source", "view_release"],
    Role.APPROVER: ["view_factorversion", "add_release", "change_release"],
    Role.ADMIN: ["change_gwpset", "add_category", "change_factor", "add_user", "change_user",
                 "view_group", "add_apikey", "view_apikey", "revoke_apikey"],
}
WITHHELD = {
    Role.EDITOR: ["add_release", "change_gwpset", "change_category", "change_user",
                  "delete_factorversion", "add_apikey", "revoke_apikey"],
    Role.REVIEWER: ["change_factor", "add_factorversion", "change_factorversion", "change_gasamount",
                    "add_apikey", "revoke_apikey"],
    Role.APPROVER: ["change_factorversion", "add_factorversion", "change_factor", "change_user",
                    "add_apikey", "revoke_apikey"],
    Role.ADMIN: ["delete_factorversion", "delete_release", "delete_user", "change_group",
                 "delete_apikey"],
}


def migrated_member(role: Role, **fields):
    """A staff member of the migration's group, nothing more: no superuser's every right."""
    user = UserFactory(username=f"member-{role.value}", is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role.value))
    return user


def test_the_migration_makes_the_four_role_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}


@pytest.mark.parametrize("role", list(Role))
def test_each_group_has_the_permissions_its_role_needs_and_no_more(role):
    codenames = set(Group.objects.get(name=role.value).permissions.values_list("codename", flat=True))
    assert set(GRANTED[role]) <= codenames
    assert codenames.isdisjoint(WITHHELD[role])


def test_an_editor_opens_the_version_add_page(client):
    client.force_login(migrated_member(Role.EDITOR))

    response = client.get(admin_url(FactorVersion, "add"))
    assert response.status_code == 200
    assert "co2e_total" in response.context["adminform"].form.fields


def test_a_reviewer_sees_a_factor_but_cannot_change_it(client):
    factor = FactorFactory(name_zh="电网平均排放因子")
    client.force_login(migrated_member(Role.REVIEWER))

    page = client.get(admin_url(factor, "change"))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]

    response = client.post(admin_url(factor, "change"), change_form_data(page, name_zh="改过的名称"))
    assert response.status_code == 403
    assert Factor.objects.get(pk=factor.pk).name_zh == "电网平均排放因子"
