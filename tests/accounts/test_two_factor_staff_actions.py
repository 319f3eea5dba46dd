"""A session that passed the password but not the second factor takes no staff action: each
is sent to the code (or enrolment) page and the database stays as it was (docs/adr/0038)."""

import pytest
from django.test import Client

from tests.factories import StaffUserFactory
from tests.permission_matrix import (
    APPROVER,
    BUILDERS,
    EDITOR,
    REVIEWER,
    SUPERUSER,
    Scene,
    database_snapshot,
    make_actor,
)
from tests.two_factor import confirmed_device, password_only_login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("action", "role"), [
    ("review:assignment:approve", REVIEWER),  # a review decision
    ("review:version_step:publish", APPROVER),  # a dashboard publication step
    ("review:change_set_action:set_publish", APPROVER),
    ("admin:factordb_factor_new_version", EDITOR),  # the admin
    ("admin:accounts_user_add", SUPERUSER),
])
@pytest.mark.parametrize("has_device", [True, False], ids=["code", "enrol"])
def test_an_unverified_session_takes_no_staff_action(client, action, role, has_device):
    setup = Client()
    setup.force_login(StaffUserFactory(username="matrix-setup"))
    actor = make_actor(role)
    if has_device:
        confirmed_device(actor)
    password_only_login(client, actor)
    call = BUILDERS[action](Scene(client=client, actor=actor, setup=setup))
    before = database_snapshot()

    response = call.send(client)

    assert response.status_code == 302
    page = "/accounts/two-factor/" if has_device else "/accounts/two-factor/enrol/"
    assert response["Location"].startswith(page)
    assert database_snapshot() == before
