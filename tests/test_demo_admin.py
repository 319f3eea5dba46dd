import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from accounts.roles import Role, has_role
from tests.roles import with_roles

pytestmark = pytest.mark.django_db


def ensure_demo_admin(**options) -> str:
    out = io.StringIO()
    call_command("ensure_demo_admin", stdout=out, **options)
    return out.getvalue()


def printed_password(output: str) -> str:
    return next(line.split(":", 1)[1].strip() for line in output.splitlines() if "password:" in line)


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


@pytest.mark.usefixtures("debug_on")
def test_it_creates_a_superuser_with_the_printed_password():
    output = ensure_demo_admin()

    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser
    assert user.is_staff
    assert user.check_password(printed_password(output))


@pytest.mark.usefixtures("debug_on")
def test_a_second_run_keeps_one_user_and_gives_it_a_fresh_password():
    first = printed_password(ensure_demo_admin())

    second = printed_password(ensure_demo_admin())

    user = get_user_model().objects.get(username="admin")
    assert get_user_model().objects.filter(username="admin").count() == 1
    assert first != second
    assert user.check_password(second)
    assert not user.check_password(first)


@pytest.mark.usefixtures("debug_on")
def test_it_restores_admin_rights_to_an_existing_user():
    get_user_model().objects.create_user(username="admin", password="x", is_active=False)

    ensure_demo_admin()

    user = get_user_model().objects.get(username="admin")
    assert (user.is_active, user.is_staff, user.is_superuser) == (True, True, True)


def test_it_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        ensure_demo_admin()

    assert not get_user_model().objects.filter(username="admin").exists()


# --- One demo user per workflow role, for the README's walk along the review road ------------

DEMO_ROLES = {
    "demo-editor": {Role.EDITOR.value},
    "demo-reviewer1": {Role.REVIEWER.value},
    "demo-reviewer2": {Role.REVIEWER.value},
    "demo-approver": {Role.APPROVER.value},
}


def printed_passwords(output: str) -> dict[str, str]:
    """The role users' lines: `<role> <username> password: <password>  (sign in: …)`."""
    passwords = {}
    for line in output.splitlines():
        words = line.split()
        if len(words) >= 4 and words[1] in DEMO_ROLES and words[2] == "password:":
            passwords[words[1]] = words[3]
    return passwords


def roles_of(username: str) -> set[str]:
    return set(get_user_model().objects.get(username=username).groups.values_list("name", flat=True))


@pytest.mark.usefixtures("debug_on")
def test_it_creates_one_user_per_role_holding_exactly_that_role():
    ensure_demo_admin()

    assert {name: roles_of(name) for name in DEMO_ROLES} == DEMO_ROLES
    for name in DEMO_ROLES:
        user = get_user_model().objects.get(username=name)
        assert (user.is_active, user.is_superuser) == (True, False)
    assert has_role(get_user_model().objects.get(username="demo-editor"), Role.EDITOR)
    assert not has_role(get_user_model().objects.get(username="demo-editor"), Role.REVIEWER)


@pytest.mark.usefixtures("debug_on")
def test_the_administrator_holds_no_workflow_role():
    ensure_demo_admin()

    assert roles_of("admin") == set()


@pytest.mark.usefixtures("debug_on")
def test_editor_and_approver_open_the_admin_and_reviewers_the_workspace_only():
    ensure_demo_admin()

    staff = set(get_user_model().objects.filter(username__in=DEMO_ROLES, is_staff=True)
                .values_list("username", flat=True))
    assert staff == {"demo-editor", "demo-approver"}


@pytest.mark.usefixtures("debug_on")
def test_the_printed_passwords_sign_the_users_in():
    passwords = printed_passwords(ensure_demo_admin())

    assert set(passwords) == set(DEMO_ROLES)
    for username, password in passwords.items():
        client = Client()
        response = client.post(reverse("login"), {"username": username, "password": password})
        assert response.status_code == 302, username
        pass_second_factor(client, username)
        assert client.get(reverse("review:inbox")).status_code == 200
    for username in ("demo-editor", "demo-approver"):
        admin = Client()
        admin.post(reverse("admin:login"), {"username": username, "password": passwords[username]})
        pass_second_factor(admin, username)
        assert admin.get(reverse("admin:index")).status_code == 200, username


def pass_second_factor(client: Client, username: str) -> None:
    """The code `manage.py demo_otp_code` prints, typed on the code page (docs/adr/0038)."""
    out = io.StringIO()
    call_command("demo_otp_code", username, stdout=out)
    response = client.post(reverse("two_factor_verify"), {"code": out.getvalue().strip()})
    assert response.status_code == 302, username


@pytest.mark.usefixtures("debug_on")
def test_a_second_run_changes_the_passwords_and_keeps_the_users_and_their_roles():
    first = printed_passwords(ensure_demo_admin())
    ids = dict(get_user_model().objects.filter(username__in=DEMO_ROLES).values_list("username", "pk"))

    second = printed_passwords(ensure_demo_admin())

    assert dict(get_user_model().objects.filter(username__in=DEMO_ROLES).values_list("username", "pk")) == ids
    assert {name: roles_of(name) for name in DEMO_ROLES} == DEMO_ROLES
    for username in DEMO_ROLES:
        user = get_user_model().objects.get(username=username)
        assert first[username] != second[username]
        assert user.check_password(second[username])
        assert not user.check_password(first[username])


@pytest.mark.usefixtures("debug_on")
def test_a_re_run_puts_a_demo_user_back_to_exactly_its_role():
    ensure_demo_admin()
    editor = get_user_model().objects.get(username="demo-editor")
    with_roles(editor, Role.APPROVER, Role.REVIEWER)
    editor.is_superuser = True
    editor.is_active = False
    editor.save()

    ensure_demo_admin()

    editor.refresh_from_db()
    assert roles_of("demo-editor") == {Role.EDITOR.value}
    assert (editor.is_active, editor.is_superuser) == (True, False)


@pytest.mark.usefixtures("debug_on")
def test_the_administrator_cannot_be_given_a_demo_role_users_name():
    with pytest.raises(CommandError, match="demo role user"):
        ensure_demo_admin(username="demo-approver")

    assert not get_user_model().objects.filter(is_superuser=True).exists()


def test_with_debug_off_it_creates_no_demo_user_either(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        ensure_demo_admin()

    assert not get_user_model().objects.filter(username__in=DEMO_ROLES).exists()
