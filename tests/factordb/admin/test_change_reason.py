"""Every admin save states why; the reason lands on the history rows written by that save."""

from decimal import Decimal

import pytest

from factordb.admin.history import CHANGE_REASON_FIELD
from factordb.models import Category, FactorVersion, GasAmount, GwpValue
from tests.factordb.admin.helpers import admin_url, change_form_data
from tests.factories import CategoryFactory, GasFactory

pytestmark = pytest.mark.django_db

NEW_CATEGORY = {"code": "energy", "name_zh": "能源", "name_en": "Energy", "description": ""}


def test_adding_without_a_reason_rerenders_the_form_and_writes_nothing(admin_client):
    response = admin_client.post(admin_url(Category, "add"), NEW_CATEGORY)

    assert response.status_code == 200
    assert CHANGE_REASON_FIELD in response.context["adminform"].form.errors
    assert not Category.objects.exists()
    assert not Category.history.exists()


def test_adding_stores_the_reason_on_the_history_row(admin_client, staff):
    response = admin_client.post(
        admin_url(Category, "add"), {**NEW_CATEGORY, CHANGE_REASON_FIELD: "新增能源大类"},
    )

    assert response.status_code == 302
    record = Category.history.get()
    assert (record.history_type, record.history_change_reason) == ("+", "新增能源大类")
    assert record.history_user == staff


def test_changing_without_a_reason_changes_nothing(admin_client):
    category = CategoryFactory(code="energy", name_zh="能源")
    page = admin_client.get(admin_url(category, "change"))

    response = admin_client.post(admin_url(category, "change"), change_form_data(page, name_zh="能源类"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[CHANGE_REASON_FIELD]
    category.refresh_from_db()
    assert category.name_zh == "能源"
    assert category.history.count() == 1


def test_changing_stores_the_reason(admin_client):
    category = CategoryFactory(code="energy", name_zh="能源")
    page = admin_client.get(admin_url(category, "change"))

    response = admin_client.post(
        admin_url(category, "change"),
        change_form_data(page, name_zh="能源类", **{CHANGE_REASON_FIELD: "按 GB/T 4754 更名"}),
    )

    assert response.status_code == 302
    latest = category.history.first()
    assert (latest.name_zh, latest.history_type) == ("能源类", "~")
    assert latest.history_change_reason == "按 GB/T 4754 更名"


def test_inline_rows_saved_in_the_same_request_carry_the_reason(admin_client, draft):
    ch4 = GasFactory(code="CH4", formula="CH4", name_zh="甲烷", name_en="Methane")
    GwpValue.objects.create(gwp_set=draft.gwp_set, gas=ch4, value=28)
    page = admin_client.get(admin_url(draft, "change"))
    data = change_form_data(page, **{
        "co2e_total": "0.606", CHANGE_REASON_FIELD: "补充甲烷",  # 0.55 + 0.002 × 28
        "gas_amounts-0-amount": "0.55",
        "gas_amounts-TOTAL_FORMS": "2",
        "gas_amounts-1-gas": str(ch4.pk), "gas_amounts-1-amount": "0.002",
    })

    response = admin_client.post(admin_url(draft, "change"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert draft.history.first().history_change_reason == "补充甲烷"
    rows = GasAmount.history.filter(version_id=draft.pk).order_by("history_id")
    assert [(r.history_type, r.amount, r.history_change_reason) for r in rows] == [
        ("+", Decimal("0.5366000000"), None),  # created by the factory, outside the admin
        ("~", Decimal("0.5500000000"), "补充甲烷"),
        ("+", Decimal("0.0020000000"), "补充甲烷"),
    ]


def test_deleting_an_inline_row_records_the_reason(admin_client, draft):
    page = admin_client.get(admin_url(draft, "change"))
    data = change_form_data(page, **{"gas_amounts-0-DELETE": "on", CHANGE_REASON_FIELD: "删除重复行"})

    response = admin_client.post(admin_url(draft, "change"), data)

    assert response.status_code == 302
    assert not FactorVersion.objects.get(pk=draft.pk).gas_amounts.exists()
    deleted = GasAmount.history.get(version_id=draft.pk, history_type="-")
    assert deleted.history_change_reason == "删除重复行"


def test_a_missing_reason_leaves_inline_rows_untouched(admin_client, draft):
    page = admin_client.get(admin_url(draft, "change"))

    response = admin_client.post(admin_url(draft, "change"), change_form_data(page, **{
        "gas_amounts-0-amount": "0.9",
    }))

    assert response.status_code == 200
    assert draft.gas_amounts.get().amount == Decimal("0.5366")
    assert GasAmount.history.filter(version_id=draft.pk).count() == 1


# --- Deleting ---------------------------------------------------------------------------------

CONFIRM = {"post": "yes"}


def delete_selected(client, model, objects, **data):
    return client.post(admin_url(model, "changelist"), {
        "action": "delete_selected", "_selected_action": [obj.pk for obj in objects], **data,
    })


def test_the_delete_page_asks_for_a_reason(admin_client):
    category = CategoryFactory()

    response = admin_client.get(admin_url(category, "delete"))

    assert response.status_code == 200
    assert f'name="{CHANGE_REASON_FIELD}"' in response.content.decode()


def test_deleting_without_a_reason_rerenders_the_page_and_deletes_nothing(admin_client):
    category = CategoryFactory()

    response = admin_client.post(admin_url(category, "delete"), CONFIRM)

    assert response.status_code == 200
    assert response.context["reason_form"].errors[CHANGE_REASON_FIELD]
    assert f'name="{CHANGE_REASON_FIELD}"' in response.content.decode()
    assert Category.objects.filter(pk=category.pk).exists()
    assert not Category.history.filter(history_type="-").exists()


def test_deleting_stores_the_reason_and_the_user_on_the_history_row(admin_client, staff):
    category = CategoryFactory()

    response = admin_client.post(admin_url(category, "delete"), {**CONFIRM, CHANGE_REASON_FIELD: "重复录入"})

    assert response.status_code == 302
    assert not Category.objects.filter(pk=category.pk).exists()
    record = Category.history.get(id=category.pk, history_type="-")
    assert (record.history_change_reason, record.history_user) == ("重复录入", staff)


def test_rows_a_deletion_cascades_to_carry_its_reason(admin_client, draft):
    response = admin_client.post(admin_url(draft, "delete"), {**CONFIRM, CHANGE_REASON_FIELD: "误建草稿"})

    assert response.status_code == 302
    assert not FactorVersion.objects.filter(pk=draft.pk).exists()
    assert FactorVersion.history.get(id=draft.pk, history_type="-").history_change_reason == "误建草稿"
    cascaded = GasAmount.history.get(version_id=draft.pk, history_type="-")
    assert cascaded.history_change_reason == "误建草稿"


def test_the_reason_does_not_outlive_its_deletion(admin_client):
    first, second = CategoryFactory(), CategoryFactory()
    admin_client.post(admin_url(first, "delete"), {**CONFIRM, CHANGE_REASON_FIELD: "重复录入"})

    second_pk = second.pk
    second.delete()

    assert Category.history.get(id=second_pk, history_type="-").history_change_reason is None


def test_the_delete_selected_page_asks_for_a_reason(admin_client):
    categories = CategoryFactory.create_batch(2)

    response = delete_selected(admin_client, Category, categories)

    assert response.status_code == 200
    assert f'name="{CHANGE_REASON_FIELD}"' in response.content.decode()
    assert Category.objects.count() == 2


def test_delete_selected_without_a_reason_deletes_nothing(admin_client):
    categories = CategoryFactory.create_batch(2)

    response = delete_selected(admin_client, Category, categories, **CONFIRM)

    assert response.status_code == 200
    assert response.context["reason_form"].errors[CHANGE_REASON_FIELD]
    assert Category.objects.count() == 2
    assert not Category.history.filter(history_type="-").exists()


def test_delete_selected_stores_the_reason_on_each_history_row(admin_client, staff):
    categories = CategoryFactory.create_batch(2)

    confirmation = {**CONFIRM, CHANGE_REASON_FIELD: "批量清理"}
    response = delete_selected(admin_client, Category, categories, **confirmation)

    assert response.status_code == 302
    assert not Category.objects.exists()
    records = Category.history.filter(history_type="-")
    assert sorted((r.id, r.history_change_reason, r.history_user) for r in records) == sorted(
        (c.pk, "批量清理", staff) for c in categories)
