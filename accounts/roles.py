"""Roles are groups; services ask these functions, never group names directly."""

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    EDITOR = "editor", _("数据编辑")
    REVIEWER = "reviewer", _("评审专家")
    APPROVER = "approver", _("审批人")
    ADMIN = "admin", _("管理员")


class ForbiddenAction(PermissionError):
    """The actor's role does not allow this step (HTTP 403)."""


def has_role(user, role: Role) -> bool:
    """Whether the user holds the role. Platform admins (and superusers) hold none implicitly:
    independence of review means an admin who reviews must be made a reviewer explicitly."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_active:
        return False
    return user.groups.filter(name=role.value).exists()


def require_role(user, role: Role) -> None:
    if not has_role(user, role):
        raise ForbiddenAction(_("此操作需要“%(role)s”角色。") % {"role": role.label})
