import pytest

from accounts.roles import Role
from tests.roles import user_with_roles


@pytest.fixture
def other_approver(db):
    return user_with_roles("approver2", Role.APPROVER)


@pytest.fixture
def fourth_reviewer(db):
    return user_with_roles("reviewer4", Role.REVIEWER)
