"""Give test users their roles the way production does: membership of the role groups."""

from django.contrib.auth.models import Group

from accounts.roles import Role
from tests.factories import UserFactory


def with_roles(user, *roles: Role):
    # get_or_create: transactional tests flush the tables, the migration's groups with them.
    user.groups.add(*(Group.objects.get_or_create(name=role.value)[0] for role in roles))
    return user


def user_with_roles(username: str, *roles: Role):
    return with_roles(UserFactory(username=username), *roles)
