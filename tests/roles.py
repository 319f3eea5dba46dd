"""Give test users their roles the way production does: membership of the role groups."""

from django.contrib.auth.models import Group

from accounts.roles import Role
from tests.factories import UserFactory


def with_roles(user, *roles: Role):
    user.groups.add(*Group.objects.filter(name__in=[role.value for role in roles]))
    return user


def user_with_roles(username: str, *roles: Role):
    return with_roles(UserFactory(username=username), *roles)
