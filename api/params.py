"""Times the API reads, in query parameters and bodies: ISO 8601, answered with a 400 naming
them when malformed or outside the documented bounds (factordb.bounds).

A time without an offset is read in TIME_ZONE (Asia/Shanghai unless set), as the README says.
"""

from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import serializers

from factordb.bounds import EARLIEST_MOMENT, LATEST_MOMENT

MOMENT_HELP = (f"ISO 8601 date and time from {EARLIEST_MOMENT:%Y-%m-%d} to before {LATEST_MOMENT:%Y-%m-%d} "
               "(UTC); without an offset it is read in the site's TIME_ZONE (Asia/Shanghai by default).")


def moment_from_text(raw: str) -> datetime:
    """An aware UTC datetime within the bounds, or ValueError saying why not."""
    try:
        moment = parse_datetime(raw)
        if moment is None:
            raise ValueError(raw)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        # UTC: databases accept a narrower range of offsets than ISO 8601 allows.
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"'{raw}' is not a valid ISO 8601 date and time.") from exc
    if not EARLIEST_MOMENT <= moment < LATEST_MOMENT:
        raise ValueError(f"'{raw}' is out of range: give a time from {EARLIEST_MOMENT:%Y-%m-%d} "
                         f"to before {LATEST_MOMENT:%Y-%m-%d} (UTC).")
    return moment


def parse_moment(raw: str | None, name: str, *, required: bool = False) -> datetime | None:
    """The query parameter `name` as an aware UTC datetime, or ValidationError naming it."""
    if raw in (None, ""):
        if required:
            raise serializers.ValidationError({name: ["required: an ISO 8601 date and time."]})
        return None
    try:
        return moment_from_text(raw)
    except ValueError as exc:
        raise serializers.ValidationError({name: [str(exc)]}) from exc


class MomentField(serializers.DateTimeField):
    """A time in a request body, read as parse_moment reads a query parameter."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("help_text", MOMENT_HELP)
        super().__init__(**kwargs)

    def to_internal_value(self, value) -> datetime:
        if not isinstance(value, str):
            self.fail("invalid", format="ISO 8601")
        try:
            return moment_from_text(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc
