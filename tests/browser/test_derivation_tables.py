"""In a real browser: an editor adds a parameter row and a gas row with the page's button,
saves, and sees the result the platform computed."""

import copy

import pytest

from accounts.roles import Role
from factordb.models import FactorVersion
from tests.browser.roles import roles_as_migrated
from tests.factordb.derivation.test_admin_form import COAL
from tests.factories import DraftVersionFactory, GasFactory
from tests.permission_matrix import PASSWORD
from tests.roles import user_with_roles
from tests.two_factor import confirmed_device, type_the_code

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_editor_adds_rows_with_the_button_and_the_result_is_computed_on_save(
        live_server, page):
    roles_as_migrated()  # an earlier browser test may have emptied the groups' permissions
    editor = user_with_roles("tables-editor", Role.EDITOR)
    editor.is_staff = True
    editor.save()
    device = confirmed_device(editor)
    GasFactory(code="N2O", formula="N2O", name_zh="氧化亚氮", name_en="Nitrous oxide")
    version = DraftVersionFactory(derivation=copy.deepcopy(COAL))
    address = f"/admin/factordb/factorversion/{version.pk}/change/"

    page.goto(f"{live_server.url}/admin/login/?next={address}")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    type_the_code(page, device)
    assert page.locator(".derivation-result output").first.inner_text() == "2021.594520"

    page.click("button[data-add=param]")  # a third blank row beyond the two offered: index 4
    page.fill("input[name=derivation-param-4-name]", "n2o_per_heat")
    page.fill("input[name=derivation-param-4-value]", "1.5")
    page.click("button[data-add=gas]")
    page.fill("input[name=derivation-gas-2-gas]", "N2O")
    page.fill("input[name=derivation-gas-2-parameters]", "net_calorific_value, n2o_per_heat")
    page.fill("input[name=derivation-gas-2-unit_conversion]", "0.001")
    page.fill("#id_change_reason", "加 N2O")
    page.click("input[name=_continue]")

    page.wait_for_selector(".messagelist .success")
    derivation = FactorVersion.objects.get(pk=version.pk).derivation
    assert derivation["gases"]["N2O"]["result"] == "0.031362"  # 20.908 × 1.5 × 0.001
    assert "0.031362" in page.locator(".derivation-tables").inner_text()

    # From a parameter's row to the factors that use it, then what a correction would make them.
    # (the row's place follows the stored key order, which PostgreSQL's jsonb sets by length)
    ncv_row = page.locator("tr", has=page.locator('input[value="net_calorific_value"]'))
    ncv_row.locator("text=哪些因子使用此参数").click()
    page.fill("#id_corrected_value", "21.000")
    page.click("input[type=submit]")
    table = page.locator("#parameter-usage").inner_text()
    assert f"{version.factor.public_id} v{version.version}" in table
    assert "2030.490000" in table  # CO2: 21 × 26.37 × 44/12
