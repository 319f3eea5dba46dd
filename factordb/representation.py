"""How the API and its files write a decimal and a moment: one rule each, everywhere
(list, detail, versions, resolve, calculate, changes, release files and list exports).

- A decimal is plain text, without exponent and without trailing zeros: '0.5366', '30', '0'.
  Never a float: a calculator reads the exact value that was reviewed.
- A moment is UTC in ISO 8601, ending in `Z`: '2024-06-30T16:00:00Z', with fractional
  seconds only when the stored moment has them (what DRF writes for a UTC moment). One zone,
  whatever the site's TIME_ZONE, so that an answer and a file that show the same moment show
  the same text, and a client compares them as text.
- A date (valid_from, a source's publication day) is a plain ISO date: '2024-06-30'.

docs/adr/0029-one-representation.md says why.
"""

from datetime import UTC, date, datetime
from decimal import Decimal


def decimal_text(value: Decimal | None) -> str | None:
    """A decimal as plain text without exponent or trailing zeros: 0.53660000 → '0.5366', 3E+1 → '30'."""
    if value is None:
        return None
    text = format(Decimal(value).normalize(), "f")
    return "0" if text in ("-0", "") else text


def moment_text(value: datetime | date | None) -> str | None:
    """An aware moment as UTC ISO 8601 ending in Z; a date as an ISO date."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        return value.isoformat()
    if value.tzinfo is None:
        raise ValueError(f"a naive moment has no zone to write it in: {value!r}")
    text = value.astimezone(UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"
