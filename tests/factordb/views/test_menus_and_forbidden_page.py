"""The menus offer each page to the roles it serves; a page asked for without its role answers
with the site's own 403 page, in Chinese or English, saying why."""

import re

import pytest
from django.urls import reverse

from tests.factories import ApprovedVersionFactory
from tests.permission_matrix import (
    ANONYMOUS,
    APPROVER,
    EDITOR,
    EDITOR_APPROVER,
    EDITOR_REVIEWER,
    OUTSIDER,
    REVIEWER,
    SUPERUSER,
    database_snapshot,
    make_actor,
)

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
WORKSPACE, DASHBOARD = 'href="/review/"', 'href="/review/dashboard/"'


@pytest.fixture
def login(client):
    def sign_in(role: str):
        actor = make_actor(role)
        if actor is not None:
            client.force_login(actor)
        return actor
    return sign_in


# --- Menus ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "workspace", "dashboard"), [
    (ANONYMOUS, False, False), (OUTSIDER, False, False), (SUPERUSER, False, False),
    (EDITOR, False, False), (REVIEWER, True, False), (APPROVER, False, True),
    (EDITOR_REVIEWER, True, False), (EDITOR_APPROVER, False, True),
])
def test_the_site_menu_offers_the_workspace_to_reviewers_and_the_dashboard_to_approvers(
        client, login, role, workspace, dashboard):
    login(role)
    page = client.get(reverse("home")).content.decode()
    assert (WORKSPACE in page, DASHBOARD in page) == (workspace, dashboard)


def test_a_reviewers_workspace_menu_does_not_offer_the_dashboard(client, login):
    login(REVIEWER)
    nav = re.search(r'<nav class="workspace-nav".*?</nav>', client.get("/review/").content.decode(), re.S)
    assert WORKSPACE in nav.group(0)
    assert DASHBOARD not in nav.group(0)


def test_an_approvers_dashboard_menu_does_not_offer_the_workspace(client, login):
    login(APPROVER)
    nav = re.search(r'<nav class="workspace-nav".*?</nav>', client.get("/review/dashboard/").content.decode(),
                    re.S)
    assert DASHBOARD in nav.group(0)
    assert WORKSPACE not in nav.group(0)


# --- Landing on the workspace without the reviewer role -----------------------------------


def test_an_approver_who_reviews_nothing_lands_on_the_dashboard(client, login):
    login(APPROVER)
    response = client.get("/review/")
    assert (response.status_code, response["Location"]) == (302, "/review/dashboard/")


def test_an_editor_who_reviews_nothing_lands_in_the_admin(client, login):
    login(EDITOR)
    response = client.get("/review/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")


# --- The 403 page ---------------------------------------------------------------------------


def forbidden_page(response) -> str:
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert 'class="site-header"' in html  # the site's own page, not Django's bare one
    assert "403 Forbidden" not in html
    return html


def test_a_reviewer_asking_for_the_dashboard_is_told_why_in_chinese(client, login):
    login(REVIEWER)
    html = forbidden_page(client.get("/review/dashboard/"))
    assert '<html lang="zh-hans">' in html
    assert "无权访问" in html
    assert "审批工作台需要“审批人”角色。" in html
    assert 'href="/review/"' in html  # the way to where the reviewer works


def test_a_reviewer_asking_for_the_dashboard_is_told_why_in_english(client, login):
    login(REVIEWER)
    html = forbidden_page(client.get("/en/review/dashboard/"))
    assert '<html lang="en">' in html
    assert "Access denied" in html
    assert "The approver dashboard requires the “Approver” role." in html
    main = re.search(r"<main.*?</main>", html, re.S).group(0)
    assert not HAN.search(main)


@pytest.mark.parametrize(("prefix", "reason"), [
    ("", "评审工作台需要“评审专家”角色。"),
    ("/en", "The reviewer workspace requires the “Expert reviewer” role."),
])
def test_someone_without_a_role_asking_for_the_workspace_is_told_why(client, login, prefix, reason):
    login(OUTSIDER)
    assert reason in forbidden_page(client.get(f"{prefix}/review/"))


@pytest.mark.parametrize(("prefix", "reason"), [
    ("", "此操作需要“审批人”角色。"), ("/en", "This action requires the “Approver” role."),
])
def test_a_step_refused_for_want_of_a_role_says_why_on_the_403_page(client, login, prefix, reason):
    login(REVIEWER)
    version = ApprovedVersionFactory()
    before = database_snapshot()
    response = client.post(f"{prefix}/review/dashboard/versions/{version.pk}/publish/", {})
    assert reason in forbidden_page(response)
    assert database_snapshot() == before
