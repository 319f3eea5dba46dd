"""On a version's admin form the derivation is tables, never JSON: parameters (name, value,
unit, source), per gas the parameters it multiplies, constant and unit conversion; the result
is the platform's, shown and never typed. Bad input re-renders naming the row and field, and
nothing is saved."""

import copy
import html
import json
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils.html import escape

from factordb.admin.history import CHANGE_REASON_FIELD
from factordb.models import FactorVersion, GasAmount
from tests.factordb.admin.helpers import admin_url, change_form_data
from tests.factories import DraftVersionFactory, GasFactory, PublishedVersionFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

COAL = {
    "parameters": {
        "net_calorific_value": {"value": "20.908", "unit": "GJ/t", "source": "GB/T 2589",
                                "seed_key": "CN/raw_coal/ncv", "verification": "checked"},
        "carbon_content_per_heat": {"value": "26.37", "unit": "tC/TJ"},
    },
    "gases": {"CO2": {"parameters": ["net_calorific_value", "carbon_content_per_heat"], "constant": "44/12",
                      "unit_conversion": "1", "result": "2021.594520", "formula": "NCV × CC × 44/12"}},
    "result_unit": "kg/t",
    "rounding": "0.000001",
    "method": "IPCC Tier 2",
}


INPUT = re.compile(r'<input type="(?:text|hidden)" name="(derivation-[^"]+)"(?: value="([^"]*)")?')
CHECKED = re.compile(r'<input type="checkbox" name="(derivation-[^"]+)"[^>]* checked')


@pytest.fixture
def coal(db):
    return DraftVersionFactory(derivation=copy.deepcopy(COAL))


def table_data(page) -> dict:
    """What the browser posts: every input of the derivation tables as rendered, plus the form's
    other fields (the derivation key itself is not an input)."""
    shown = page.content.decode()
    data = change_form_data(page)
    data.pop("derivation", None)
    for name, value in INPUT.findall(shown):
        if "__index__" not in name:
            data[name] = html.unescape(value)
    for name in CHECKED.findall(shown):
        data[name] = "on"
    return data


def post(admin_client, version, page, **changes):
    data = {**table_data(page), CHANGE_REASON_FIELD: "改推导", **changes}
    return admin_client.post(admin_url(version, "change"), data)


def stored(version) -> dict:
    return FactorVersion.objects.get(pk=version.pk).derivation


def errors(response) -> list[str]:
    return list(response.context["adminform"].form.errors.get("derivation", []))


# --- Shown as tables ---------------------------------------------------------------------------


def test_the_derivation_is_shown_as_tables_with_the_computed_result_and_no_json_box(admin_client, coal):
    page = admin_client.get(admin_url(coal, "change"))
    shown = page.content.decode()
    assert 'name="derivation-param-0-name" value="net_calorific_value"' in shown
    assert 'name="derivation-param-0-value" value="20.908"' in shown
    assert 'name="derivation-gas-0-parameters" value="net_calorific_value, carbon_content_per_heat"' in shown
    assert "<output>2021.594520</output>" in shown
    assert 'name="derivation-gas-0-result"' not in shown  # the result is no input
    assert '<textarea name="derivation"' not in shown
    assert "seed_key: CN/raw_coal/ncv" in shown  # carried keys are shown
    # each parameter leads to the factors that use it
    link = ("parameter-usage/?name=net_calorific_value&amp;value=20.908"
            "&amp;unit=GJ%2Ft&amp;source=GB%2FT%202589")
    assert link in shown


def test_saving_unchanged_tables_keeps_the_derivation_as_it_was(admin_client, coal):
    page = admin_client.get(admin_url(coal, "change"))
    response = post(admin_client, coal, page, notes_en="wording")
    assert response.status_code == 302, errors(response)
    assert stored(coal) == COAL


def test_a_derivation_without_constants_or_notes_is_kept_exactly_when_saved_untouched(admin_client):
    bare = {"parameters": {"ef": {"value": "26.7", "unit": "TJ/Gg"}},
            "gases": {"CO2": {"parameters": ["ef"], "result": "26.7000000000"}}}  # no rounding: 10 places
    version = DraftVersionFactory(derivation=copy.deepcopy(bare))
    page = admin_client.get(admin_url(version, "change"))
    response = post(admin_client, version, page, notes_en="wording")
    assert response.status_code == 302, errors(response)
    assert stored(version) == bare


def test_a_corrected_value_is_saved_with_the_result_recomputed(admin_client, coal):
    page = admin_client.get(admin_url(coal, "change"))
    response = post(admin_client, coal, page, **{"derivation-param-0-value": "21.000"})
    assert response.status_code == 302, errors(response)
    derivation = stored(coal)
    assert derivation["parameters"]["net_calorific_value"]["value"] == "21.000"
    # 21 × 26.37 × 44/12 = 2030.49
    assert derivation["gases"]["CO2"]["result"] == "2030.490000"
    assert derivation["parameters"]["net_calorific_value"]["seed_key"] == "CN/raw_coal/ncv"


def test_a_typed_result_in_the_post_is_ignored_the_platform_computes_it(admin_client, coal):
    page = admin_client.get(admin_url(coal, "change"))
    response = post(admin_client, coal, page, **{"derivation-gas-0-result": "9999"})
    assert response.status_code == 302
    assert stored(coal)["gases"]["CO2"]["result"] == "2021.594520"


def test_rows_are_added_in_blank_rows_and_deleted_by_their_box(admin_client, coal):
    GasFactory(code="N2O", formula="N2O", name_zh="氧化亚氮", name_en="Nitrous oxide")
    page = admin_client.get(admin_url(coal, "change"))
    response = post(admin_client, coal, page, **{
        "derivation-param-2-name": "n2o_per_heat", "derivation-param-2-value": "1.5",
        "derivation-param-2-unit": "kg/TJ", "derivation-param-2-source": "IPCC 2006 Table 2.2",
        # a row the script added beyond those offered
        "derivation-gas-7-gas": "N2O", "derivation-gas-7-parameters": "net_calorific_value，n2o_per_heat",
        "derivation-gas-7-unit_conversion": "0.001",
        "derivation-note-0-delete": "on",
    })
    assert response.status_code == 302, errors(response)
    derivation = stored(coal)
    assert derivation["parameters"]["n2o_per_heat"] == {"value": "1.5", "unit": "kg/TJ",
                                                         "source": "IPCC 2006 Table 2.2"}
    # 20.908 × 1.5 × 0.001 = 0.031362
    assert derivation["gases"]["N2O"] == {"parameters": ["net_calorific_value", "n2o_per_heat"],
                                          "unit_conversion": "0.001", "result": "0.031362"}
    assert "method" not in derivation


def test_a_new_version_gets_its_derivation_from_the_tables(admin_client, coal):
    page = admin_client.get(admin_url(FactorVersion, "add"))
    data = {**table_data(page), "factor": str(coal.factor_id), "gwp_set": str(coal.gwp_set_id),
            "co2e_total": "0.5366", "dq_reliability": "2", "dq_completeness": "2", "dq_temporal": "1",
            "dq_geographical": "1", "dq_technological": "2", CHANGE_REASON_FIELD: "新增",
            "derivation-param-0-name": "ef", "derivation-param-0-value": "0.5366",
            "derivation-gas-0-gas": "CO2", "derivation-gas-0-parameters": "ef"}
    assert data["derivation-rounding"] == "0.000001"  # offered on a new derivation
    response = admin_client.post(admin_url(FactorVersion, "add"), data)
    assert response.status_code == 302, errors(response)
    created = FactorVersion.objects.exclude(pk=coal.pk).get()
    assert created.derivation["gases"]["CO2"]["result"] == "0.536600"


def test_a_new_version_with_untouched_tables_has_the_empty_derivation(admin_client, coal):
    page = admin_client.get(admin_url(FactorVersion, "add"))
    data = {**table_data(page), "factor": str(coal.factor_id), "gwp_set": str(coal.gwp_set_id),
            "co2e_total": "0.5366", "dq_reliability": "2", "dq_completeness": "2", "dq_temporal": "1",
            "dq_geographical": "1", "dq_technological": "2", CHANGE_REASON_FIELD: "新增"}
    response = admin_client.post(admin_url(FactorVersion, "add"), data)
    assert response.status_code == 302, errors(response)
    assert FactorVersion.objects.exclude(pk=coal.pk).get().derivation == {}


def test_a_post_without_the_tables_keeps_the_stored_derivation(admin_client, coal):
    page = admin_client.get(admin_url(coal, "change"))
    data = {**change_form_data(page), "derivation": json.dumps({"gases": {}}), CHANGE_REASON_FIELD: "旧表单"}
    response = admin_client.post(admin_url(coal, "change"), data)
    assert response.status_code == 302
    assert stored(coal) == COAL


# --- Refused, naming row and field; nothing saved -------------------------------------------------


HOSTILE = {
    "a value that is no decimal": ({"derivation-param-0-value": "20,908"}, ["参数第 1 行", "数值", "20,908"]),
    "a value as a float word": ({"derivation-param-1-value": "NaN"}, ["参数第 2 行", "数值"]),
    "an empty name": ({"derivation-param-1-name": " "}, ["参数第 2 行", "名称", "不能为空"]),
    "a duplicate name": ({"derivation-param-1-name": "net_calorific_value"},
                         ["参数第 2 行", "名称", "net_calorific_value", "第 1 行"]),
    "a name with a comma": ({"derivation-param-1-name": "a, b"}, ["参数第 2 行", "名称"]),
    "a gas citing an unknown parameter": (
        {"derivation-gas-0-parameters": "net_calorific_value, oxidation_rate"},
        ["气体第 1 行", "所用参数", "oxidation_rate"]),
    "a gas citing nothing": ({"derivation-gas-0-parameters": " , "}, ["气体第 1 行", "所用参数"]),
    "an unknown gas": ({"derivation-gas-0-gas": "XX"}, ["气体第 1 行", "气体", "XX"]),
    "a constant that is code": ({"derivation-gas-0-constant": "__import__('os')"}, ["气体第 1 行", "常数"]),
    "a constant dividing by zero": ({"derivation-gas-0-constant": "44/0"}, ["气体第 1 行", "常数"]),
    "a unit conversion out of range": ({"derivation-gas-0-unit_conversion": "1e999999"},
                                       ["气体第 1 行", "单位换算"]),
    "a rounding that is no power of ten": ({"derivation-rounding": "0.5"}, ["舍入", "0.5"]),
    "a reserved note key": ({"derivation-note-0-key": "gases"}, ["说明第 1 行", "键"]),
    "tampered carried keys": ({"derivation-param-0-extra": '{"seed_key": 5}'}, ["参数第 1 行", "附加说明"]),
    "carried keys that are no JSON": ({"derivation-param-0-extra": "{"}, ["参数第 1 行", "附加说明"]),
    "a result too large to compute": ({"derivation-param-0-value": "1e99", "derivation-param-1-value": "1e9"},
                                      ["气体第 1 行", "结果"]),
    "a parameter deleted that a gas still uses": ({"derivation-param-1-delete": "on"},
                                                  ["气体第 1 行", "所用参数", "carbon_content_per_heat"]),
    "a value far too long": ({"derivation-param-0-source": "x" * 2001}, ["参数第 1 行", "来源"]),
}


@pytest.mark.parametrize(("changes", "named"), HOSTILE.values(), ids=HOSTILE.keys())
def test_bad_input_rerenders_naming_row_and_field_and_saves_nothing(admin_client, coal, changes, named):
    page = admin_client.get(admin_url(coal, "change"))
    before = (stored(coal), FactorVersion.history.count())

    response = post(admin_client, coal, page, **changes)

    assert response.status_code == 200
    message = " ".join(errors(response))
    assert [part for part in named if part not in message] == [], message
    assert (stored(coal), FactorVersion.history.count()) == before
    shown = response.content.decode()
    for key, value in changes.items():  # the editor's input is kept on the page
        if key.endswith("-delete"):
            assert re.search(rf'name="{key}"[^>]* checked', shown)
        elif not key.endswith("-extra") and len(value) < 100:
            assert f'name="{key}" value="{escape(value)}"' in shown


def test_every_problem_is_named_at_once(admin_client, coal):
    page = admin_client.get(admin_url(coal, "change"))
    response = post(admin_client, coal, page,
                    **{"derivation-param-0-value": "x", "derivation-gas-0-gas": "XX"})
    assert len(errors(response)) == 2


def test_a_flood_of_rows_is_refused_not_processed(admin_client, coal):
    page = admin_client.get(admin_url(coal, "change"))
    flood = {f"derivation-note-{i}-key": f"k{i}" for i in range(201)}
    response = post(admin_client, coal, page, **flood)
    assert response.status_code == 200
    assert "说明第 201 行" in " ".join(errors(response))
    assert stored(coal) == COAL


# --- Legacy shapes and frozen versions ----------------------------------------------------------


def test_a_legacy_derivation_is_shown_and_kept_unless_replaced(admin_client):
    version = DraftVersionFactory()
    FactorVersion.objects.filter(pk=version.pk).update(derivation="NCV × CC × OF × 44/12")
    page = admin_client.get(admin_url(version, "change"))
    assert "NCV × CC × OF × 44/12" in page.content.decode()

    kept = post(admin_client, version, page,
                **{"derivation-param-0-name": "ef", "derivation-param-0-value": "1"})
    assert kept.status_code == 302
    assert stored(version) == "NCV × CC × OF × 44/12"

    page = admin_client.get(admin_url(version, "change"))
    replaced = post(admin_client, version, page, **{"derivation-param-0-name": "ef",
                                                    "derivation-param-0-value": "1",
                                                    "derivation-replace_legacy": "on"})
    assert replaced.status_code == 302, errors(replaced)
    assert stored(version)["parameters"] == {"ef": {"value": "1"}}


def test_a_stored_typed_result_is_shown_beside_the_computed_one(admin_client):
    version = DraftVersionFactory()
    typed = copy.deepcopy(COAL)
    typed["gases"]["CO2"]["result"] = "2.02"
    FactorVersion.objects.filter(pk=version.pk).update(derivation=typed)
    shown = admin_client.get(admin_url(version, "change")).content.decode()
    assert "<output>2021.594520</output>" in shown
    assert "已存结果 2.02" in shown


def test_a_published_version_shows_its_derivation_read_only():
    version = PublishedVersionFactory(derivation=copy.deepcopy(COAL))
    client = Client()
    client.force_login(StaffUserFactory(username="reader"))
    shown = client.get(admin_url(version, "change")).content.decode()
    assert 'name="derivation-param-0-value"' not in shown
    assert "20.908" in shown
    assert Decimal(stored(version)["gases"]["CO2"]["result"]) == Decimal("2021.59452")


def test_the_english_admin_shows_the_tables_in_english(admin_client, coal):
    shown = admin_client.get(f"/en/admin/factordb/factorversion/{coal.pk}/change/").content.decode()
    tables = shown.split('class="derivation-tables"')[1].split("</div>\n</fieldset>")[0]
    for term in ("Parameters used", "Constant", "Unit conversion", "Result (computed)", "Add a parameter row",
                 "Which factors use this parameter"):
        assert term in tables
    headings = re.findall(r"<th>([^<]*)</th>", tables)
    assert [heading for heading in headings if re.search(r"[\u4e00-\u9fff]", heading)] == []


def test_a_result_that_differs_from_its_gas_amount_is_pointed_out(admin_client, coal):
    shown = admin_client.get(admin_url(coal, "change")).content.decode()
    # the factory's CO2 row holds 0.5366, the derivation computes 2021.594520
    assert "分气体排放量中此气体为 0.5366" in shown
    GasAmount.objects.filter(version=coal).update(amount=Decimal("2021.59452"))
    shown = admin_client.get(admin_url(coal, "change")).content.decode()
    assert "分气体排放量中此气体为" not in shown
