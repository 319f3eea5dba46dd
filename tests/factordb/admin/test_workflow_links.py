"""The admin's header leads a reviewer to the workspace and an approver to the dashboard;
nobody is offered a page that would refuse them."""

import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.factories import UserFactory
from tests.roles import with_roles

pytestmark = pytest.mark.django_db

WORKSPACE, DASHBOARD = "/review/", "/review/dashboard/"


def header_links(client, user, page: str = "/admin/") -> list[str]:
    client.force_login(user)
    content = client.get(page).content.decode()
    return re.findall(r'<a href="([^"]+)" class="workflow-page">', content)


def staff(*roles: Role, superuser: bool = False):
    return with_roles(UserFactory(is_staff=True, is_superuser=superuser), *roles)


@pytest.mark.parametrize(("roles", "links"), [
    ((Role.EDITOR,), []),
    ((Role.ADMIN,), []),
    ((Role.EDITOR, Role.REVIEWER), [WORKSPACE]),
    ((Role.APPROVER,), [DASHBOARD]),
    ((Role.REVIEWER, Role.APPROVER), [WORKSPACE, DASHBOARD]),
], ids=["editor", "admin", "editor+reviewer", "approver", "reviewer+approver"])
def test_each_role_is_offered_the_pages_it_works_in(client, roles, links):
    assert header_links(client, staff(*roles)) == links


def test_a_superuser_holds_no_role_and_is_offered_neither(client):
    assert header_links(client, staff(superuser=True)) == []


def test_the_links_are_on_the_admin_pages_and_open(client):
    user = staff(Role.REVIEWER, Role.APPROVER)
    pages = ("/admin/", reverse("admin:factordb_factor_changelist"),
             reverse("admin:factordb_source_changelist"))
    for page in pages:
        assert header_links(client, user, page) == [WORKSPACE, DASHBOARD], page
    for url in (WORKSPACE, DASHBOARD):
        assert client.get(url).status_code == 200


def test_the_english_admin_links_the_english_pages(client):
    links = header_links(client, staff(Role.APPROVER), "/en/admin/")

    assert links == ["/en" + DASHBOARD]
