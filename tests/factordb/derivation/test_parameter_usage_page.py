"""An editor enters a parameter and sees every factor whose derivation cites it, with its values
now and as the corrected parameter makes them. The page saves nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from factordb.models import FactorVersion
from factordb.services.derivation_compute import with_computed_results
from tests.factories import DraftVersionFactory, PublishedVersionFactory, UserFactory
from tests.permission_matrix import APPROVER, EDITOR, OUTSIDER, REVIEWER, make_actor

pytestmark = pytest.mark.django_db

URL = reverse("admin:factordb_factorversion_parameter_usage")
NCV = "net_calorific_value"


def coal(value: str = "20.908") -> dict:
    return with_computed_results({
        "parameters": {NCV: {"value": value, "unit": "GJ/t", "source": "GB/T 2589"},
                       "carbon_content_per_heat": {"value": "26.37", "unit": "tC/TJ"}},
        "gases": {"CO2": {"parameters": [NCV, "carbon_content_per_heat"], "constant": "44/12",
                          "result": "0"}},
        "rounding": "0.000001",
    })


@pytest.fixture
def editor_client(client):
    client.force_login(make_actor(EDITOR))
    return client


@pytest.fixture
def versions():
    return [PublishedVersionFactory(derivation=coal(), co2e_total=Decimal("2021.59452")),
            DraftVersionFactory(derivation=coal(), co2e_total=Decimal("2021.59452")),
            DraftVersionFactory(derivation=coal("21.5"), co2e_total=Decimal("2078.87"))]


def rows_of(response) -> str:
    return response.content.decode().split('id="parameter-usage"')[1].split("<tbody>")[1]


def test_the_factors_citing_the_parameter_are_listed_with_current_and_recomputed_values(
        editor_client, versions):
    response = editor_client.get(URL, {"name": NCV, "value": "20.908", "source": "GB/T 2589",
                                       "corrected_value": "21.000"})

    assert response.status_code == 200
    table = rows_of(response)
    for version in versions[:2]:
        assert f"{version.factor.public_id} v{version.version}" in table
    assert versions[2].factor.public_id not in table  # another value of the parameter
    assert "2021.59452 → <strong>2030.490000</strong>" in table  # CO2
    assert "→ <strong>2030.49</strong>" in table  # the total


def test_without_a_corrected_value_the_gases_using_it_are_named(editor_client, versions):
    table = rows_of(editor_client.get(URL, {"name": NCV}))
    assert all(version.factor.public_id in table for version in versions)
    assert "→" not in table


def test_a_parameter_nobody_cites_says_so(editor_client, versions):
    response = editor_client.get(URL, {"name": "oxidation_rate"})
    assert "没有因子的推导引用此参数" in response.content.decode()


@pytest.mark.parametrize("field", ["value", "corrected_value"])
@pytest.mark.parametrize("bad", ["twenty", "1e999999", "NaN", "20,9"])
def test_a_bad_number_is_named_on_its_field_and_nothing_is_listed(editor_client, versions, field, bad):
    response = editor_client.get(URL, {"name": NCV, field: bad})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'id="parameter-usage"' not in response.content.decode()


def test_a_hostile_name_is_shown_escaped(editor_client, versions):
    response = editor_client.get(URL, {"name": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_page_saves_nothing(editor_client, versions):
    before = list(FactorVersion.objects.values())
    editor_client.get(URL, {"name": NCV, "corrected_value": "30"})
    editor_client.post(URL, {"name": NCV, "corrected_value": "30"})
    assert list(FactorVersion.objects.values()) == before


def test_an_approver_may_use_it_too(client, versions):
    client.force_login(make_actor(APPROVER))
    response = client.get(URL, {"name": NCV})
    assert response.status_code == 200
    assert versions[0].factor.public_id in response.content.decode()


@pytest.mark.parametrize("role", [OUTSIDER, REVIEWER])  # a reviewer decides in the workspace
def test_someone_not_staff_is_sent_to_sign_in(client, versions, role):
    client.force_login(make_actor(role))
    response = client.get(URL, {"name": NCV})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_anyone_signed_out_is_sent_to_sign_in(client, versions):
    response = client.get(URL, {"name": NCV})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_staff_who_may_not_view_versions_are_refused(client, versions):
    client.force_login(UserFactory(username="bare-staff", is_staff=True))
    response = client.get(URL, {"name": NCV})
    assert response.status_code == 403
