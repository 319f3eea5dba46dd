"""A unit is named by its code, its symbol or a listed alias: looked up exactly, never parsed,
and each name names exactly one unit."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from factordb.models import Unit, UnitAlias
from factordb.unit_names import UnitNameError, normal_name, unit_named, units_named
from tests.factories import UnitFactory

# The messages these tests read are the English ones (an API client may ask for either).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def registry(db):
    kwh = UnitFactory(code="kWh", symbol="kWh", pint_expression="kWh")
    mwh = UnitFactory(code="MWh", symbol="MWh", pint_expression="MWh")
    m3 = UnitFactory(code="m3", symbol="m³", pint_expression="meter**3", dimension="volume")
    nm3 = UnitFactory(code="10^4Nm3", symbol="10⁴ Nm³", pint_expression="10^4 * Nm3",
                      dimension="normal_volume")
    UnitAlias.objects.create(unit=kwh, alias="千瓦时")
    UnitAlias.objects.create(unit=kwh, alias="度")
    return {"kWh": kwh, "MWh": mwh, "m3": m3, "10^4Nm3": nm3}


@pytest.mark.parametrize(("name", "code"), [
    ("kWh", "kWh"), ("千瓦时", "kWh"), ("度", "kWh"), ("m3", "m3"), ("m³", "m3"),
    ("10⁴ Nm³", "10^4Nm3"), ("10^4Nm3", "10^4Nm3"),
    (" 千瓦时 ", "kWh"), ("\u3000度\u3000", "kWh"),  # surrounding (ideographic) spaces
    ("ｋＷｈ", "kWh"), ("ＭＷｈ", "MWh"),  # full-width letters, as a Chinese input method types them
])
def test_a_code_symbol_or_alias_names_its_unit(registry, name, code):
    assert unit_named(name) == registry[code]


@pytest.mark.parametrize("name", ["kwh", "mWh", "MWH", "Kwh"])
def test_names_are_case_sensitive(registry, name):
    # mWh would be a milliwatt-hour: a case a unit's symbol gives meaning to is never folded.
    with pytest.raises(UnitNameError, match=f"unknown unit '{name}'"):
        unit_named(name)


def test_superscripts_are_not_folded_so_10_to_the_4_never_becomes_104(registry):
    assert normal_name("10⁴ Nm³") == "10⁴ Nm³"
    assert normal_name("ｍ３") == "m3"
    with pytest.raises(UnitNameError):
        unit_named("104 Nm3")


@pytest.mark.parametrize("name", [
    "10*kWh", "kWh/0", "1/0", "kWh*kWh/kWh", "__import__('os').system('id')", "千瓦", "MJ", "",
    "k" * 10_000, "kWh\x00", "千瓦时\x00",
])
def test_anything_else_is_unknown_and_never_evaluated(registry, name):
    with pytest.raises(UnitNameError) as raised:
        unit_named(name)
    assert str(raised.value).endswith("give the code, symbol or an alias of a unit in units/")


def test_an_unknown_name_is_named_in_the_error(registry):
    with pytest.raises(UnitNameError, match=r"^unknown unit '千瓦': give the code, symbol or an alias"):
        unit_named("千瓦")


def test_a_name_no_unit_can_have_costs_no_query(registry, django_assert_num_queries):
    with django_assert_num_queries(0):
        found = units_named(["k" * 51, "kWh\x00", ""])
    assert all(isinstance(answer, UnitNameError) for answer in found.values())


def test_a_batch_of_names_costs_two_queries(registry, django_assert_num_queries):
    with django_assert_num_queries(2):
        found = units_named(["kWh", "千瓦时", "m³", "nope"])
    assert [found[n].code for n in ("kWh", "千瓦时", "m³")] == ["kWh", "kWh", "m3"]
    assert isinstance(found["nope"], UnitNameError)


# --- Each name names exactly one unit ------------------------------------------------------


@pytest.mark.parametrize(("alias", "taken_by"), [
    ("MWh", "MWh"),  # another unit's code
    ("m³", "m3"),  # another unit's symbol
    ("ＭＷｈ", "MWh"),  # another unit's code, written full-width
    ("kWh", "kWh"),  # its own code: already accepted, a second entry would only mislead
])
def test_an_alias_that_is_a_units_code_or_symbol_is_refused_on_save(registry, alias, taken_by):
    with pytest.raises(ValidationError) as raised:
        UnitAlias(unit=registry["kWh"], alias=alias).full_clean()
    assert taken_by in raised.value.message_dict["alias"][0]
    with pytest.raises(ValidationError), transaction.atomic():
        UnitAlias.objects.create(unit=registry["kWh"], alias=alias)
    assert not UnitAlias.objects.filter(alias=normal_name(alias)).exists()


def test_an_alias_is_stored_in_its_normal_form_and_unique_in_it(registry):
    alias = UnitAlias.objects.create(unit=registry["MWh"], alias=" 兆瓦时 ")
    assert alias.alias == "兆瓦时"
    with pytest.raises(ValidationError):
        UnitAlias(unit=registry["kWh"], alias="兆瓦时\u3000").full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitAlias.objects.create(unit=registry["kWh"], alias="兆瓦时")


@pytest.mark.parametrize("alias", ["", "   ", "千瓦\x00时", "千瓦\n时"])
def test_an_empty_or_unprintable_alias_is_refused(registry, alias):
    with pytest.raises(ValidationError) as raised:
        UnitAlias(unit=registry["kWh"], alias=alias).full_clean()
    assert "alias" in raised.value.message_dict


@pytest.mark.parametrize("field", ["code", "symbol"])
def test_a_unit_whose_code_or_symbol_is_another_units_alias_is_refused(registry, field):
    names = {"code": "kWh-2", "symbol": "kWh₂"} | {field: "千瓦时"}
    unit = Unit(name_zh="千瓦时二", name_en="kWh two", pint_expression="kWh", dimension="energy", **names)
    with pytest.raises(ValidationError) as raised:
        unit.full_clean()
    assert "kWh" in raised.value.message_dict[field][0]


def test_an_alias_made_ambiguous_behind_the_rules_names_nothing(registry):
    # A unit whose symbol is an existing alias, written without clean() (a shell, raw SQL):
    # the lookup refuses the name rather than answer with whichever unit comes first.
    Unit.objects.create(code="kWh-x", symbol="度", name_zh="度", name_en="x", pint_expression="kWh",
                        dimension="energy")
    with pytest.raises(UnitNameError, match=r"'度' names several units \(kWh, kWh-x\): give the code"):
        unit_named("度")


def test_a_symbol_two_units_share_names_neither(registry):
    UnitFactory(code="kWh-a", symbol="kWh·", pint_expression="kWh")
    UnitFactory(code="kWh-b", symbol="kWh·", pint_expression="kWh")
    with pytest.raises(UnitNameError, match=r"symbol of several units \(kWh-a, kWh-b\)"):
        unit_named("kWh·")


def test_an_aliases_changes_are_recorded_in_its_history(registry):
    alias = UnitAlias.objects.get(alias="度")
    alias.alias = "度电"
    alias.save()
    assert [record.alias for record in alias.history.order_by("history_id")] == ["度", "度电"]
