from django import template
from django.conf import settings
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def default_language_path(context) -> str:
    """The current page's address in the default language (no /en prefix).

    Django's set_language view sits outside i18n_patterns, so it always resolves `next`
    in the default language before translating it to the chosen one; a prefixed path
    would not resolve there and the visitor would stay on the page they left.
    """
    return translate_url(context["request"].get_full_path(), settings.LANGUAGE_CODE)
