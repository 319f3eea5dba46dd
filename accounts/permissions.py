"""Who may change whose account, and who may change a role: the rules against escalation.

An account's rights live in four fields: the staff and superuser flags, its roles (groups) and
the permissions granted to it directly. Whoever can write any of them can give themself
everything, so:

- only a superuser grants or takes away a flag, a role or a permission;
- nobody changes their own flags, roles or permissions, nor deactivates themself (a superuser
  who should lose their rights asks another superuser);
- only a superuser activates or deactivates an account that holds any right (reactivating one
  gives its rights back);
- nobody but a superuser changes a superuser's account, its password included;
- nobody but a superuser sets the password of another account that holds any right: signing in
  as that account would be taking its rights (an approver's, say) without their being granted;
- only a superuser changes a role, since what a role may do is a grant to all its members.

The admin asks these functions (accounts/admin.py); they answer for any caller.
"""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from accounts.roles import ForbiddenAction

RIGHTS_FIELDS = frozenset({"is_staff", "is_superuser", "groups", "user_permissions"})
OWN_ACCOUNT_FIELDS = RIGHTS_FIELDS | {"is_active"}


def _is_superuser(actor) -> bool:
    return bool(actor and actor.is_active and actor.is_superuser)


def holds_rights(user) -> bool:
    return (user.is_superuser or user.is_staff or user.groups.exists()
            or user.user_permissions.exists())


def user_fields_locked(*, actor, target) -> frozenset[str]:
    """The fields of `target` (None for a new account) that `actor` may not set."""
    locked = set() if _is_superuser(actor) else set(RIGHTS_FIELDS)
    if target is not None and target.pk == actor.pk:
        locked |= OWN_ACCOUNT_FIELDS
    if target is not None and not _is_superuser(actor) and holds_rights(target):
        # Reactivating an account gives its rights back: that is a grant, a superuser's.
        locked.add("is_active")
    return frozenset(locked)


def may_change_user(*, actor, target) -> bool:
    return _is_superuser(actor) or not target.is_superuser


def may_set_password(*, actor, target) -> bool:
    if not may_change_user(actor=actor, target=target):
        return False
    return _is_superuser(actor) or target.pk == actor.pk or not holds_rights(target)


def may_change_roles(actor) -> bool:
    return _is_superuser(actor)


def require_user_change(*, actor, target, fields: Iterable[str]) -> None:
    """Refuses (ForbiddenAction) a change by `actor` to the named fields of `target` (None: a new
    account). A field the actor may not set is refused whatever its value: a form shows it
    read-only, so only a forged request sends it."""
    if target is not None and not may_change_user(actor=actor, target=target):
        raise ForbiddenAction(_("只有超级用户可以修改超级用户的账户。"))
    refused = user_fields_locked(actor=actor, target=target) & set(fields)
    if refused:
        raise ForbiddenAction(_("您无权修改这些字段：%(fields)s。") % {"fields": ", ".join(sorted(refused))})


def require_password_change(*, actor, target) -> None:
    if not may_set_password(actor=actor, target=target):
        raise ForbiddenAction(_("只有超级用户可以设置拥有权限的账户的密码。"))

