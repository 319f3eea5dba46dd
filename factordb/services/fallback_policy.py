"""The fallback policy a resolution request states: which fallbacks it accepts, in which order,
and how far back in years.

Accounting rules differ on what may stand in for a missing value. Some take the province's
own latest value, however old (region first, the default: clients have relied on it since
resolution began); others want the most recent value of the region chain, so a province
without a 2023 value gets its regional grid's 2023 value rather than its own 2022 one (year
first). Some accept no fallback at all, or only one kind, or years back only up to a limit.

- `order`: "region_first" — the nearest region of the chain that has any usable factor,
  then its latest year; "year_first" — the latest year any region of the chain has, then
  the nearest region with that year.
- `allow`: the fallbacks accepted, a subset of ("region", "year"); empty: the key's own
  region and year only.
- `max_years_back`: at most this many years before the key's year (0 to MAX_YEARS_BACK), or
  None for no limit. Giving a positive limit while refusing year fallback contradicts
  itself, and is refused rather than guessed at.

A bad policy fails the whole request with a ValidationError naming each wrong part
("order", "allow", "max_years_back"; the API names them "fallback_policy.<part>"): a batch
answered under another policy than the one asked for would be wrong in every answer.
"""

from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from factordb.bounds import MAX_YEAR, MIN_YEAR

REGION_FIRST = "region_first"
YEAR_FIRST = "year_first"
ORDERS = (REGION_FIRST, YEAR_FIRST)
REGION = "region"
YEAR = "year"
FALLBACKS = (REGION, YEAR)
# Every data year a key may name is within this many years of every other.
MAX_YEARS_BACK = MAX_YEAR - MIN_YEAR


@dataclass(frozen=True)
class FallbackPolicy:
    order: str = REGION_FIRST
    allow: frozenset[str] = frozenset(FALLBACKS)
    max_years_back: int | None = None

    @property
    def regions_allowed(self) -> bool:
        return REGION in self.allow

    def earliest_year(self, year: int) -> int | None:
        """The earliest data year this policy accepts for a key of `year`; None: any earlier."""
        if YEAR not in self.allow:
            return year
        return None if self.max_years_back is None else year - self.max_years_back

    @cached_property
    def reported(self) -> dict:
        """The policy as a request states it and an answer reports it: one dict per policy,
        which the thousands of answers of a batch share (and nobody changes)."""
        return self.as_dict()

    def as_dict(self) -> dict:
        """The policy as a request states it."""
        return {"order": self.order, "allow": [name for name in FALLBACKS if name in self.allow],
                "max_years_back": self.max_years_back}


DEFAULT_POLICY = FallbackPolicy()


def fallback_policy(*, order: str = REGION_FIRST, allow=FALLBACKS,
                    max_years_back: int | None = None) -> FallbackPolicy:
    """The policy, or a ValidationError naming each part that is wrong."""
    errors = {}
    if order not in ORDERS:
        errors["order"] = _("未知的顺序 %(order)s；须为 %(orders)s 之一") % {"order": repr(order),
                                                                       "orders": ", ".join(ORDERS)}
    if isinstance(allow, str) or not isinstance(allow, list | tuple | set | frozenset):
        errors["allow"] = _("须为由 %(fallbacks)s 中的回退组成的列表") % {"fallbacks": ", ".join(FALLBACKS)}
    elif unknown := [name for name in allow if name not in FALLBACKS]:
        errors["allow"] = _("未知的回退 %(fallback)s；每项须为 %(fallbacks)s 之一（都不允许：空列表）") % {
            "fallback": repr(unknown[0]), "fallbacks": ", ".join(FALLBACKS)}
    if max_years_back is not None:
        if isinstance(max_years_back, bool) or not isinstance(max_years_back, int):
            errors["max_years_back"] = _("须为整数或 null")
        elif not 0 <= max_years_back <= MAX_YEARS_BACK:
            errors["max_years_back"] = _("须为 0 至 %(max)d 的整数，不设限则为 null；收到 %(value)d") % {
                "max": MAX_YEARS_BACK, "value": max_years_back}
        elif max_years_back > 0 and "allow" not in errors and YEAR not in allow:
            errors["max_years_back"] = _("限制往前的年数，须在允许的回退中包含“year”")
    if errors:
        raise ValidationError(errors)
    return FallbackPolicy(order=order, allow=frozenset(allow), max_years_back=max_years_back)
