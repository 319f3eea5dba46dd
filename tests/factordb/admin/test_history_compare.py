"""Any two history records of an object compare field by field."""

from decimal import Decimal

import pytest

from factordb.admin.history import history_changes
from factordb.constants import FactorStatus
from tests.factordb.admin.helpers import admin_url
from tests.factories import CategoryFactory, GwpSetFactory

pytestmark = pytest.mark.django_db


def edit(obj, reason: str, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    obj._change_reason = reason
    obj.save()


@pytest.fixture
def category():
    category = CategoryFactory(code="energy", name_zh="能源", name_en="Energy")
    edit(category, "更名", name_zh="能源类")
    edit(category, "补充说明", description="一次能源与二次能源")
    return category


def compare(client, obj, old, new):
    return client.get(admin_url(obj, "history_compare"), {"old": old.history_id, "new": new.history_id})


def test_it_shows_each_changed_field_with_old_and_new_value(admin_client, category):
    created, latest = category.history.last(), category.history.first()

    response = compare(admin_client, category, created, latest)

    assert response.status_code == 200
    changes = {c.name: (c.old, c.new) for c in response.context["changes"]}
    assert changes == {"name_zh": ("能源", "能源类"), "description": ("—", "一次能源与二次能源")}
    content = response.content.decode()
    assert "能源类" in content
    assert "一次能源与二次能源" in content


def test_the_earlier_record_is_old_whichever_order_they_are_picked(admin_client, category):
    created, latest = category.history.last(), category.history.first()

    response = compare(admin_client, category, latest, created)

    assert response.context["old_record"] == created
    assert response.context["new_record"] == latest


def test_it_refuses_a_record_of_another_object(admin_client, category):
    other = CategoryFactory(code="materials")

    response = compare(admin_client, category, category.history.last(), other.history.get())

    assert response.status_code == 404


def test_it_needs_two_records(admin_client, category):
    response = admin_client.get(admin_url(category, "history_compare"), {"old": category.history.last().pk})

    assert response.status_code == 404


def test_the_history_page_links_to_the_comparison(admin_client, category):
    response = admin_client.get(admin_url(category, "history"))

    content = response.content.decode()
    assert f'action="{admin_url(category, "history_compare")}"' in content
    assert content.count('type="radio" name="old"') == 3


def test_it_shows_choice_labels_and_related_objects_by_name(draft):
    before = draft.history.first()
    other_set = GwpSetFactory(code="AR6", name="IPCC AR6, 100-year")
    edit(draft, "改用 AR6", gwp_set=other_set, co2e_total=Decimal("0.6"))
    edit(draft, "退回修改", status=FactorStatus.CHANGES_REQUESTED)

    changes = {c.name: (c.old, c.new) for c in history_changes(before, draft.history.first())}

    assert changes["gwp_set"] == ("AR5", "AR6")
    assert changes["status"] == ("草稿", "需修改")
    assert set(changes) == {"gwp_set", "co2e_total", "status"}
