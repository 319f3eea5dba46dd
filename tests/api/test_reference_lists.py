import pytest

from tests.factories import GwpSetFactory, RegionFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["categories", "regions", "units", "gases", "gwp-sets", "sources"])
def test_every_reference_list_answers(api, path):
    assert api.get(f"/api/v1/{path}/").status_code == 200


def test_a_region_names_its_fallback_parent(api):
    china = RegionFactory(code="CN")
    RegionFactory(code="CN-GRID-E", kind="grid", parent=china, name_zh="华东", name_en="East China")

    body = api.get("/api/v1/regions/CN-GRID-E/").json()

    assert body == {"code": "CN-GRID-E", "kind": "grid", "parent": "CN", "name_zh": "华东",
                    "name_en": "East China"}


def test_a_unit_tells_its_dimension(api):
    UnitFactory()
    assert api.get("/api/v1/units/kWh/").json()["dimension"] == "energy"


def test_a_gwp_set_lists_its_values(api):
    GwpSetFactory(code="AR6")
    assert api.get("/api/v1/gwp-sets/AR6/").json()["values"] == {"CO2": "1"}


def test_an_unknown_code_is_a_404_in_the_error_shape(api):
    response = api.get("/api/v1/units/furlong/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
