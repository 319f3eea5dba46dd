"""Times the API reads, in query parameters and bodies: ISO 8601, answered with a 400 naming
them when malformed or outside the documented bounds (factordb.bounds).

A time without an offset is read in TIME_ZONE (Asia/Shanghai unless set), as the README says.
A plain date (YYYY-MM-DD) is the start of that day in UTC, the zone every answer writes its
times in: `since=2026-12-02` is `since=2026-12-02T00:00:00Z`. `as_of` is one rule wherever it
is read (list, detail, export, resolve, calculate): not in the future.
"""

from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from rest_framework import serializers

from factordb.bounds import EARLIEST_MOMENT, LATEST_MOMENT

_BOUNDS = f"from {EARLIEST_MOMENT:%Y-%m-%d} to before {LATEST_MOMENT:%Y-%m-%d} (UTC)"
MOMENT_HELP = (f"ISO 8601 date and time {_BOUNDS}; without an offset it is read in the site's "
               "TIME_ZONE (Asia/Shanghai by default). A plain date (2026-12-02) is the start of that "
               "day in UTC (2026-12-02T00:00:00Z). Answers write every time in UTC, ending in Z.")
AS_OF_HELP = f"Not in the future (a 400 naming as_of). {MOMENT_HELP}"


def _day_start(raw: str) -> datetime | None:
    """A plain ISO date (exactly YYYY-MM-DD) as the start of that day in UTC, else None."""
    if len(raw) != 10:
        return None
    try:
        day = parse_date(raw)
    except ValueError:
        return None
    return None if day is None else datetime(day.year, day.month, day.day, tzinfo=UTC)


def moment_from_text(raw: str) -> datetime:
    """An aware UTC datetime within the bounds, or ValueError saying why not (in the active
    language). A date alone is the start of that day in UTC."""
    moment = _day_start(raw) or _date_and_time(raw)
    if not EARLIEST_MOMENT <= moment < LATEST_MOMENT:
        raise ValueError(_("“%(raw)s”超出范围：请给出 %(earliest)s 至 %(latest)s 之前（UTC）的时间。") % {
            "raw": raw, "earliest": f"{EARLIEST_MOMENT:%Y-%m-%d}", "latest": f"{LATEST_MOMENT:%Y-%m-%d}"})
    return moment


def _date_and_time(raw: str) -> datetime:
    try:
        moment = parse_datetime(raw)
        if moment is None:
            raise ValueError(raw)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        # UTC: databases accept a narrower range of offsets than ISO 8601 allows.
        return moment.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise ValueError(_("“%(raw)s”不是有效的 ISO 8601 日期和时间。") % {"raw": raw}) from exc


def parse_moment(raw: str | None, name: str, *, required: bool = False) -> datetime | None:
    """The query parameter `name` as an aware UTC datetime, or ValidationError naming it."""
    if raw in (None, ""):
        if required:
            raise serializers.ValidationError({name: [_("必填：ISO 8601 日期和时间。")]})
        return None
    try:
        return moment_from_text(raw)
    except ValueError as exc:
        raise serializers.ValidationError({name: [str(exc)]}) from exc


def not_in_the_future(moment: datetime | None) -> datetime | None:
    """`as_of` as every read takes it: a moment in the future is refused, never answered with
    what is in force now (which could still change before then)."""
    if moment is not None and moment > timezone.now():
        raise ValueError(_("as_of 不能晚于当前时间。"))
    return moment


def parse_as_of(raw: str | None) -> datetime | None:
    """The query parameter `as_of`, or ValidationError naming it."""
    moment = parse_moment(raw, "as_of")
    try:
        return not_in_the_future(moment)
    except ValueError as exc:
        raise serializers.ValidationError({"as_of": [str(exc)]}) from exc


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


class AsOfField(MomentField):
    """`as_of` in a request body: the same rule as the query parameter (parse_as_of)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("help_text", AS_OF_HELP)
        super().__init__(**kwargs)

    def to_internal_value(self, value) -> datetime:
        try:
            return not_in_the_future(super().to_internal_value(value))
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc
