"""Units named as people write them: a unit's code, its symbol, or one of its listed aliases.

The one place that turns a name a client (or, later, an import) gives into a unit of the
registry. A name is looked up, never parsed: '10*kWh' or 'kWh/0' is simply not a name.

Matching (docs/adr/0021-unit-names-matched-exactly-after-width-folding.md): exact and
case-sensitive (MWh is not mWh, t is not T), after trimming surrounding white space and
folding full-width ASCII forms (ｋＷｈ, typed with a Chinese input method) to ASCII. No
other Unicode normalisation: NFKC would turn the superscript in 10⁴ into a plain 4.
"""

from collections.abc import Iterable

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from factordb.models import Unit, UnitAlias
from factordb.models.reference import normal_unit_name as normal_name

# The longest code, symbol or alias the registry can store.
MAX_NAME_LENGTH = max(Unit._meta.get_field("code").max_length, Unit._meta.get_field("symbol").max_length,
                      UnitAlias._meta.get_field("alias").max_length)
ACCEPTED = gettext_lazy("请给出 units/ 中某个单位的代码、符号或别名")


class UnitNameError(ValueError):
    """A name that is no unit's, or that names several."""


def units_named(names: Iterable[str]) -> dict[str, Unit | UnitNameError]:
    """Each name's unit, or the error saying why it names none; two queries however many names."""
    forms = {name: {name, normal_name(name)} for name in names}
    # What no stored name can be is not sent to the database at all (PostgreSQL refuses NUL).
    wanted = {text for texts in forms.values() for text in texts
              if 0 < len(text) <= MAX_NAME_LENGTH and "\x00" not in text}
    if not wanted:
        return {name: _pick(name, texts, [], {}) for name, texts in forms.items()}
    found = list(Unit.objects.filter(Q(code__in=wanted) | Q(symbol__in=wanted)))
    aliases = {alias.alias: alias.unit
               for alias in UnitAlias.objects.filter(alias__in=wanted).select_related("unit")}
    return {name: _pick(name, texts, found, aliases) for name, texts in forms.items()}


def unit_named(name: str) -> Unit:
    """The unit `name` names; UnitNameError naming what was given and what is accepted."""
    answer = units_named([name])[name]
    if isinstance(answer, UnitNameError):
        raise answer
    return answer


def _pick(name: str, texts: set[str], found: list[Unit], aliases: dict[str, Unit]) -> Unit | UnitNameError:
    by_code = [unit for unit in found if unit.code in texts]
    by_symbol = [unit for unit in found if unit.symbol in texts]
    by_alias = [unit for text, unit in aliases.items() if text in texts]
    # An alias that is another unit's code or symbol is refused on save; one that became so
    # anyway (a unit added since) names nothing rather than whichever is looked at first.
    if by_alias and {u.pk for u in by_code + by_symbol} - {by_alias[0].pk}:
        codes = ", ".join(sorted({u.code for u in by_code + by_symbol + by_alias}))
        return UnitNameError(_("“%(name)s”指向多个单位（%(codes)s）：请给出代码")
                             % {"name": name, "codes": codes})
    # A code wins over another unit's identical symbol (codes are unique, symbols need not be).
    if by_code:
        return by_code[0]
    if len(by_symbol) > 1:
        codes = ", ".join(sorted(unit.code for unit in by_symbol))
        return UnitNameError(_("“%(name)s”是多个单位的符号（%(codes)s）：请给出代码")
                             % {"name": name, "codes": codes})
    if by_symbol or by_alias:
        return (by_symbol or by_alias)[0]
    return UnitNameError(_("未知的单位“%(name)s”：%(accepted)s") % {"name": name, "accepted": ACCEPTED})
