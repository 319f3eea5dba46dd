"""Small helpers of the review workspace's templates."""

from django import template
from django.utils.translation import get_language

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
