"""The version form and its gas rows are saved together only if the total agrees with the rows."""

from decimal import Decimal

import pytest

from factordb.admin.history import CHANGE_REASON_FIELD
from factordb.models import FactorVersion, GasAmount
from tests.factordb.admin.helpers import admin_url, change_form_data
from tests.factories import FactorFactory, GasFactory

pytestmark = pytest.mark.django_db


def stored_rows() -> list:
    return [list(FactorVersion.objects.order_by("pk").values()),
            list(GasAmount.objects.order_by("pk").values()),
            FactorVersion.history.count(), GasAmount.history.count()]


def gas_errors(response) -> str:
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is GasAmount:
            return " ".join(inline.formset.non_form_errors())
    raise AssertionError("no gas amount inline on the page")


def test_a_total_that_disagrees_with_the_rows_rerenders_with_both_numbers_and_saves_nothing(
        admin_client, draft):
    page = admin_client.get(admin_url(draft, "change"))
    before = stored_rows()

    response = admin_client.post(admin_url(draft, "change"), change_form_data(
        page, co2e_total="0.5370", **{CHANGE_REASON_FIELD: "改合计"}))

    assert response.status_code == 200
    message = gas_errors(response)
    assert [part for part in ("0.5370", "0.5366", "AR5") if part not in message] == []
    assert "0.5370" in response.content.decode()  # the editor's input is kept on the page
    assert stored_rows() == before


def test_a_row_that_disagrees_with_the_total_is_refused_too(admin_client, draft):
    page = admin_client.get(admin_url(draft, "change"))
    before = stored_rows()

    response = admin_client.post(admin_url(draft, "change"), change_form_data(
        page, **{"gas_amounts-0-amount": "0.6", CHANGE_REASON_FIELD: "改 CO2"}))

    assert response.status_code == 200
    assert "0.6" in gas_errors(response)
    assert stored_rows() == before


def test_deleting_the_only_row_leaves_nothing_to_disagree_with(admin_client, draft):
    page = admin_client.get(admin_url(draft, "change"))
    response = admin_client.post(admin_url(draft, "change"), change_form_data(
        page, co2e_total="0.9", **{"gas_amounts-0-DELETE": "on", CHANGE_REASON_FIELD: "仅保留合计"}))
    assert response.status_code == 302
    assert not draft.gas_amounts.exists()


def test_the_total_and_the_rows_changed_together_are_saved(admin_client, draft):
    page = admin_client.get(admin_url(draft, "change"))
    response = admin_client.post(admin_url(draft, "change"), change_form_data(
        page, co2e_total="0.5412", **{"gas_amounts-0-amount": "0.54118", CHANGE_REASON_FIELD: "更新"}))
    assert response.status_code == 302
    assert FactorVersion.objects.get(pk=draft.pk).co2e_total == Decimal("0.5412")


def test_an_untouched_rounded_total_shown_with_storage_padding_saves(admin_client, draft):
    GasAmount.objects.filter(version=draft).update(amount=Decimal("0.53664"))
    page = admin_client.get(admin_url(draft, "change"))
    response = admin_client.post(admin_url(draft, "change"), change_form_data(
        page, notes_en="wording", **{CHANGE_REASON_FIELD: "措辞"}))
    assert response.status_code == 302


def test_a_new_version_whose_rows_disagree_is_not_created(admin_client, draft):
    factor, co2 = FactorFactory(), GasFactory()
    page = admin_client.get(admin_url(FactorVersion, "add"))
    data = change_form_data(page, **{
        "factor": str(factor.pk), "gwp_set": str(draft.gwp_set_id), "co2e_total": "0.5370",
        "dq_reliability": "2", "dq_completeness": "2", "dq_temporal": "1", "dq_geographical": "1",
        "dq_technological": "2", "derivation": "{}", CHANGE_REASON_FIELD: "新增",
        "gas_amounts-TOTAL_FORMS": "1", "gas_amounts-0-gas": str(co2.pk), "gas_amounts-0-amount": "0.5366",
    })
    before = stored_rows()

    refused = admin_client.post(admin_url(FactorVersion, "add"), data)

    assert refused.status_code == 200
    assert "0.5370" in gas_errors(refused)
    assert stored_rows() == before
    accepted = admin_client.post(admin_url(FactorVersion, "add"), {**data, "co2e_total": "0.5366"})
    assert accepted.status_code == 302
    assert factor.versions.get().gas_amounts.get().amount == Decimal("0.5366")
