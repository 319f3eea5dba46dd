"""Expert reviewers are not staff: they sign in on the platform's own page, not the admin's."""

import time

import pytest

from accounts.roles import Role
from tests.roles import user_with_roles
from tests.two_factor import code_at, confirmed_device

pytestmark = pytest.mark.django_db


@pytest.fixture
def expert():
    return user_with_roles("expert", Role.REVIEWER)


def test_the_workspace_sends_an_anonymous_visitor_to_the_login_page(client):
    response = client.get("/review/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/review/")


def test_a_reviewer_who_is_not_staff_signs_in_and_lands_on_the_workspace(client, expert):
    assert not expert.is_staff
    device = confirmed_device(expert)
    response = client.post("/accounts/login/?next=/review/",
                           {"username": "expert", "password": "correct horse battery staple",
                            "next": "/review/"})
    assert response.status_code == 302
    assert response["Location"] == "/review/"
    # A reviewer holds a role: the workspace asks for the second factor first (docs/adr/0038).
    assert client.get("/review/")["Location"] == "/accounts/two-factor/?next=%2Freview%2F"
    response = client.post("/accounts/two-factor/",
                           {"code": code_at(device, time.time()), "next": "/review/"})
    assert response["Location"] == "/review/"
    assert client.get("/review/").status_code == 200


def test_a_wrong_password_re_renders_the_form_with_a_message(client, expert):
    response = client.post("/accounts/login/", {"username": "expert", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_signing_out_is_a_post(client, expert):
    client.force_login(expert)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/review/").status_code == 302
