import pytest

from tests.factories import StaffUserFactory, UserFactory


@pytest.fixture
def editor(db):
    return UserFactory(username="editor")


@pytest.fixture
def staff(db):
    return StaffUserFactory(username="staff")


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client
