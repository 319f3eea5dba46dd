"""The one way a decimal and a moment are written (factordb/representation.py)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from factordb.representation import decimal_text, moment_text
from factordb.services.exports import decimal_text as exported_decimal_text


@pytest.mark.parametrize(("value", "text"), [
    (Decimal("0.53660000"), "0.5366"), (Decimal("30"), "30"), (Decimal("3E+1"), "30"),
    (Decimal("0E-8"), "0"), (Decimal("-0.00"), "0"), (Decimal("-1.250"), "-1.25"),
    (Decimal("1E-10"), "0.0000000001"), (Decimal("1000000000000000"), "1000000000000000"), (None, None),
])
def test_a_decimal_is_plain_text_without_exponent_or_trailing_zeros(value, text):
    assert decimal_text(value) == text


def test_the_release_files_write_decimals_by_the_same_rule():
    assert exported_decimal_text is decimal_text


@pytest.mark.parametrize(("value", "text"), [
    (dt.datetime(2024, 7, 1, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai")), "2024-06-30T16:00:00Z"),
    (dt.datetime(2024, 6, 30, 16, 0, tzinfo=dt.UTC), "2024-06-30T16:00:00Z"),
    (dt.datetime(2024, 6, 30, 16, 0, 0, 120, tzinfo=dt.UTC), "2024-06-30T16:00:00.000120Z"),
    (dt.date(2024, 6, 30), "2024-06-30"), (None, None),
])
def test_a_moment_is_utc_ending_in_z_and_a_day_an_iso_date(value, text):
    assert moment_text(value) == text


def test_a_naive_moment_is_refused_rather_than_guessed():
    with pytest.raises(ValueError, match="naive"):
        moment_text(dt.datetime(2024, 6, 30, 16, 0))
