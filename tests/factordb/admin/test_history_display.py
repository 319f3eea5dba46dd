"""History shows values as the admin shows them: field labels, choice labels, yes or no,
local times (Asia/Shanghai) and each amount with its unit, in the list and the comparison."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import translation

from factordb.admin.history import history_changes, value_units
from factordb.constants import UncertaintyDistribution
from tests.factordb.admin.helpers import admin_url
from tests.factories import DraftVersionFactory, FactorFactory, UnitFactory

pytestmark = pytest.mark.django_db


def edit(obj, reason: str, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    obj._change_reason = reason
    obj.save()


@pytest.fixture
def version(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    factor = FactorFactory(unit=UnitFactory(code="kWh", symbol="kWh"))
    version = DraftVersionFactory(factor=factor, co2e_total=Decimal("0.5366"))
    edit(version, "核对", co2e_total=Decimal("0.5703"), is_removal=False,
         uncertainty_distribution=UncertaintyDistribution.LOGNORMAL, uncertainty_low_pct=Decimal("5"),
         scheduled_publication_at=dt.datetime(2026, 1, 1, 0, 0, tzinfo=dt.UTC))
    return version


def changes_of(version) -> dict[str, tuple[str, str]]:
    old, new = version.history.last(), version.history.first()
    with translation.override("zh-hans"):
        return {c.label: (c.old, c.new) for c in history_changes(old, new, units=value_units(version))}


def test_amounts_carry_their_unit_per_activity_unit(version):
    changes = changes_of(version)

    assert re.fullmatch(r"0\.53660+ kg CO2e/kWh", changes["CO2e 合计（kg/活动单位）"][0])
    assert re.fullmatch(r"0\.57030+ kg CO2e/kWh", changes["CO2e 合计（kg/活动单位）"][1])
    assert changes["95% 区间下限（%）"] == ("—", "5.00 %")


def test_choices_show_their_labels_not_their_codes(version):
    assert changes_of(version)["不确定性分布"] == ("未说明", "对数正态分布")


def test_times_are_local_not_utc(version):
    old, new = changes_of(version)["计划发布时间"]

    assert old == "—"
    assert "2026" in new
    assert "08:00" in new  # midnight UTC is eight in the morning in Shanghai
    assert "00:00" not in new


def test_the_history_list_shows_labels_and_values_as_the_comparison_does(admin_client, version):
    content = admin_client.get(admin_url(version, "history")).content.decode()

    assert "<strong>CO2e 合计（kg/活动单位）:</strong>" in content
    assert "kg CO2e/kWh" in content
    assert "对数正态分布" in content
    assert "lognormal" not in content
    assert "<strong>co2e_total:</strong>" not in content


def test_the_history_list_leaves_out_the_counters_every_save_moves(admin_client, version):
    content = admin_client.get(admin_url(version, "history")).content.decode()

    assert "<strong>修订号:</strong>" not in content
    assert "<strong>更新时间:</strong>" not in content


def test_the_comparison_page_shows_units_and_local_time(admin_client, version):
    old, new = version.history.last(), version.history.first()

    response = admin_client.get(admin_url(version, "history_compare"),
                                {"old": old.history_id, "new": new.history_id})

    content = response.content.decode()
    assert "kg CO2e/kWh" in content
    assert "08:00" in content


def test_yes_and_no_instead_of_true_and_false(version):
    edit(version, "改为清除", is_removal=True, co2e_total=Decimal("-0.1"))
    newest, before = version.history.all()[:2]

    with translation.override("zh-hans"):
        changes = {c.name: (c.old, c.new) for c in history_changes(before, newest)}

    assert changes["is_removal"] == ("否", "是")
