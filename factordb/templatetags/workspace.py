"""Small helpers of the review workspace's templates."""

from django import template
from django.utils.translation import get_language

from accounts.roles import Role
from factordb.steps import roles_in_request

register = template.Library()


@register.filter
def localized(obj, field: str = "name") -> str:
    """`obj.<field>_en` on English pages, `obj.<field>_zh` otherwise (falling back to Chinese)."""
    if obj is None:
        return ""
    chinese = getattr(obj, f"{field}_zh", "")
    if (get_language() or "").startswith("en"):
        return getattr(obj, f"{field}_en", "") or chinese
    return chinese


@register.filter
def holds(user, role: str) -> bool:
    """Whether the user holds the workflow role (accounts.roles.Role value), for menus that
    offer each page only to the roles it serves. Read once per request."""
    return Role(role) in roles_in_request(user)
