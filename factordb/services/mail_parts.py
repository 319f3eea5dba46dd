"""What every workflow mail shares: it is said in Chinese, then in English, subject and body,
and a factor's value change is shown the same way whether one version or a set's row moves."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from factordb.models import FactorVersion

PART_SEPARATOR = "\n\n----\n\n"


def in_both_languages(render: Callable[[], str]) -> list[str]:
    """`render()` called once with the site's language active, then once with English."""
    parts = []
    for language in (settings.LANGUAGE_CODE, "en"):
        with translation.override(language):
            parts.append(render().strip())
    return parts


def bilingual_subject(template: str, context: dict) -> str:
    # A subject is one line: the ministry's Chinese first, the outside experts' English after.
    return " / ".join(in_both_languages(lambda: render_to_string(template, context)))


def bilingual_body(template: str, context: dict, link: Callable[[], str]) -> str:
    """The body in both languages, each part with `link()` as built in its language (an /en/
    address for the English part)."""
    return PART_SEPARATOR.join(
        in_both_languages(lambda: render_to_string(template, {**context, "link": link()}))
    ) + "\n"


@dataclass
class ValueChange:
    """A factor's value before a step and after it; `old` is None for a factor with none before."""

    version: FactorVersion
    old: Decimal | None
    new: Decimal

    @property
    def factor(self):
        return self.version.factor

    @property
    def unit(self):
        return self.version.factor.unit

    def __str__(self) -> str:
        shown = f"{self.new} kg CO2e/{self.unit.symbol}"
        return f"{self.old} → {shown}" if self.old is not None else shown


def _plain(number: Decimal) -> Decimal:
    # Without its padding zeros, and never with an exponent (100, not 1E+2).
    return number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()


def value_change(version: FactorVersion, before: FactorVersion | None) -> ValueChange:
    """`version`'s value against `before`'s (the factor's value in force before the step)."""
    old = _plain(before.co2e_total) if before is not None and before.pk != version.pk else None
    return ValueChange(version=version, old=old, new=_plain(version.co2e_total))
