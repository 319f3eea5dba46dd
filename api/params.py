"""Query parameters the API shares: times are ISO 8601, answered with a 400 naming them."""

from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import serializers


def parse_moment(raw: str | None, name: str, *, required: bool = False) -> datetime | None:
    """An aware UTC datetime, or ValidationError naming `name`."""
    if raw in (None, ""):
        if required:
            raise serializers.ValidationError({name: ["required: an ISO 8601 date and time."]})
        return None
    try:
        moment = parse_datetime(raw)
        if moment is None:
            raise ValueError(raw)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        # UTC: databases accept a narrower range of offsets than ISO 8601 allows.
        return moment.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        message = f"'{raw}' is not a valid ISO 8601 date and time."
        raise serializers.ValidationError({name: [message]}) from exc
