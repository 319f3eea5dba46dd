"""Role groups as their migration leaves them, for browser tests (transactional: every table,
the groups' permissions included, is emptied after each)."""

import importlib

from django.contrib.auth.models import Group, Permission


def roles_as_migrated() -> None:
    """The role groups with the admin permissions their migration gives them."""
    granted = importlib.import_module("accounts.migrations.0002_roles").ROLE_PERMISSIONS
    for role, codenames in granted.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.add(*Permission.objects.filter(codename__in=codenames))
