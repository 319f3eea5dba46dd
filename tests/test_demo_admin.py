import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

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
