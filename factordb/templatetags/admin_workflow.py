"""The admin's way to the workflow pages outside it, offered to the roles that work there."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, has_role

register = template.Library()

# Each workflow page outside the admin, with the role its page is for.
WORKFLOW_PAGES = (
    ("review:assignments", _("我的评审"), Role.REVIEWER),
    ("review:dashboard", _("审批工作台"), Role.APPROVER),
)


@register.simple_tag(takes_context=True)
def workflow_pages(context) -> list[tuple[str, str]]:
    """(address, label) of the reviewer workspace and approver dashboard this user works in.

    A superuser holds no role, so sees neither: the pages would only refuse them.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    return [(reverse(name), label) for name, label, role in WORKFLOW_PAGES if has_role(user, role)]
