"""A plan checks each distinct value of a field once: every row with a bad value still gets
the model's own message, the same as Model.clean_fields() gives."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from factordb.models import FactorVersion, GwpSet

from .conftest import csv_bytes, issues, previewed, row

pytestmark = pytest.mark.django_db


def _model_says(**fields) -> dict[str, list[str]]:
    """What FactorVersion.clean_fields() says of a version with these fields."""
    version = FactorVersion(**{
        "gwp_set": GwpSet.objects.get(code="AR5"), "co2e_total": Decimal("0.5366"), "dq_reliability": 1,
        "dq_completeness": 2, "dq_temporal": 1, "dq_geographical": 1, "dq_technological": 2} | fields)
    try:
        version.clean_fields(exclude=["factor", "author", "version", "gwp_set"])
    except ValidationError as exc:
        return exc.message_dict
    return {}


def test_every_row_with_a_bad_value_gets_the_models_message(registry, editor):
    rows = [row(), row(region="CN-BJ", dq_temporal="7"), row(year="2021", dq_temporal="7"),
            row(year="2020", uncertainty_low_pct="150"), row(year="2019", uncertainty_low_pct="150"),
            row(year="2018", co2e_total="0.123456789", gas_CO2="0.123456789"),
            row(year="2017", dq_temporal="3")]
    found = issues(previewed(editor, csv_bytes(rows)))
    too_high = _model_says(dq_temporal=7)["dq_temporal"]
    too_wide = _model_says(uncertainty_low_pct=Decimal("150"))["uncertainty_low_pct"]
    too_fine = _model_says(co2e_total=Decimal("0.123456789"))["co2e_total"]
    assert all((too_high, too_wide, too_fine))
    assert found == [
        *[(n, "dq_temporal", m) for n in (3, 4) for m in too_high],
        *[(n, "uncertainty_low_pct", m) for n in (5, 6) for m in too_wide],
        *[(7, "co2e_total", m) for m in too_fine],
    ]


def test_a_value_refused_once_is_refused_in_every_row_not_only_the_first(registry, editor):
    rows = [row(year=str(year), name_en="x" * 301) for year in (2020, 2021, 2022)]
    found = issues(previewed(editor, csv_bytes(rows)))
    assert [(number, column) for number, column, _ in found] == [(n, "name_en") for n in (2, 3, 4)]
    assert len({reason for *_, reason in found}) == 1
