"""A unit's aliases are edited on its admin page, by those who edit units, with a reason, and
never into a name that another unit already answers to."""

import pytest
from django.test import Client

from accounts.roles import Role
from factordb.admin.history import CHANGE_REASON_FIELD
from factordb.models import UnitAlias
from tests.factordb.admin.helpers import admin_url, change_form_data
from tests.factories import UnitFactory
from tests.roles import user_with_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def kwh(db):
    UnitFactory(code="MWh", symbol="MWh", pint_expression="MWh")
    unit = UnitFactory(code="kWh", symbol="kWh", pint_expression="kWh")
    UnitAlias.objects.create(unit=unit, alias="度")
    return unit


def signed_in(role: Role) -> Client:
    user = user_with_roles(f"unit-{role.value}", role)
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def add_alias(client: Client, unit, alias: str, reason: str = "补充常用写法"):
    page = client.get(admin_url(unit, "change"))
    data = change_form_data(page, **{
        CHANGE_REASON_FIELD: reason, "aliases-TOTAL_FORMS": "2", "aliases-1-alias": alias,
        "aliases-1-unit": str(unit.pk),
    })
    return client.post(admin_url(unit, "change"), data)


def test_a_platform_admin_adds_an_alias_with_the_units_reason(kwh):
    response = add_alias(signed_in(Role.ADMIN), kwh, " 千瓦时 ")

    assert response.status_code == 302, response.context and response.context["errors"]
    alias = UnitAlias.objects.get(alias="千瓦时")
    assert alias.unit == kwh
    assert alias.history.get().history_change_reason == "补充常用写法"


@pytest.mark.parametrize("alias", ["MWh", "ＭＷｈ", "kWh", "度"])
def test_an_alias_another_name_already_means_is_refused_and_nothing_is_written(admin_client, kwh, alias):
    before = list(UnitAlias.objects.values_list("alias", "unit_id"))

    response = add_alias(admin_client, kwh, alias)

    assert response.status_code == 200
    (inline,) = response.context["inline_admin_formsets"]
    assert "alias" in inline.formset.errors[1], inline.formset.errors
    assert list(UnitAlias.objects.values_list("alias", "unit_id")) == before


def test_an_editor_sees_the_aliases_but_cannot_add_one(kwh):
    editor = signed_in(Role.EDITOR)
    page = editor.get(admin_url(kwh, "change"))
    assert page.status_code == 200
    assert "度" in page.content.decode()

    editor.post(admin_url(kwh, "change"), {"aliases-TOTAL_FORMS": "1", "aliases-INITIAL_FORMS": "0",
                                           "aliases-0-alias": "千瓦时", "aliases-0-unit": str(kwh.pk)})
    assert not UnitAlias.objects.filter(alias="千瓦时").exists()


def test_only_a_superuser_deletes_an_alias(admin_client, kwh):
    platform_admin = signed_in(Role.ADMIN)
    page = platform_admin.get(admin_url(kwh, "change"))
    platform_admin.post(admin_url(kwh, "change"), change_form_data(
        page, **{"aliases-0-DELETE": "on", CHANGE_REASON_FIELD: "删除"}))
    assert UnitAlias.objects.filter(alias="度").exists()

    page = admin_client.get(admin_url(kwh, "change"))
    response = admin_client.post(admin_url(kwh, "change"), change_form_data(
        page, **{"aliases-0-DELETE": "on", CHANGE_REASON_FIELD: "删除"}))
    assert response.status_code == 302
    assert not UnitAlias.objects.filter(alias="度").exists()
