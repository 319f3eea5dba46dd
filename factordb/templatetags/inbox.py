"""The menus' count of what needs the user (the inbox's items, by the inbox's own rule)."""

from django import template

from accounts.roles import Role
from factordb import selectors_change_sets
from factordb.steps import roles_in_request

register = template.Library()

WORKFLOW_ROLES = frozenset({Role.EDITOR, Role.REVIEWER, Role.APPROVER})


@register.simple_tag(takes_context=True)
def inbox_count(context) -> int | None:
    """How many items need the request's user; None for a user with no workflow role, whom
    no inbox would ever ask anything (a superuser holds none). Counted once per request:
    the header and the workspace menu both show it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not (roles_in_request(user) & WORKFLOW_ROLES):
        return None
    counted = getattr(user, "_inbox_count", None)
    if counted is None:
        counted = user._inbox_count = selectors_change_sets.inbox_count(user)
    return counted
