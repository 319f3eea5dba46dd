"""What every public page needs to show the data in the visitor's language."""

from decimal import Decimal

from django import template
from django.urls import translate_url
from django.utils import formats
from django.utils.translation import get_language

register = template.Library()


def _in_english() -> bool:
    return (get_language() or "").startswith("en")


@register.filter
def localized(record, field: str) -> str:
    """`{{ factor|localized:"name" }}`: name_en on English pages, name_zh on Chinese ones,
    each falling back to the other when it is empty."""
    chinese = getattr(record, f"{field}_zh", "") or ""
    english = getattr(record, f"{field}_en", "") or ""
    if _in_english():
        return english or chinese
    return chinese or english


@register.filter
def plain_decimal(value) -> str:
    """A stored decimal as its source wrote it: no exponent, no padding zeros
    (0.53660000 → 0.5366, 1E+2 → 100), grouped in thousands the language's way."""
    if value is None or value == "":
        return ""
    number = Decimal(value)
    number = number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()
    return formats.number_format(number, use_l10n=True, force_grouping=abs(number) >= 10000)


@register.simple_tag(takes_context=True)
def language_url(context, language: str) -> str:
    """The page being shown, in `language`: the same path, the same filters."""
    return translate_url(context["request"].get_full_path(), language)
