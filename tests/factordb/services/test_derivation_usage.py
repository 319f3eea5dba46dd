"""When a derivation parameter is corrected, every factor computed from it is found (its newest
version on the road or in force), and its gas results and CO2e total are recomputed with the
corrected value, writing nothing."""

import copy
from decimal import Decimal

import pytest

from factordb.derivation import validate_derivation
from factordb.models import FactorVersion, GasAmount
from factordb.services.derivation_compute import with_computed_results
from factordb.services.derivation_usage import parameter_uses, recompute, recompute_all
from tests.factories import (
    DraftVersionFactory,
    FactorFactory,
    GasFactory,
    PublishedVersionFactory,
    SupersededVersionFactory,
)

pytestmark = pytest.mark.django_db

NCV = "net_calorific_value"
STANDARD = "GB/T 2589-2020 附录"


def coal(value: str = "20.908", source: str = STANDARD, name: str = NCV) -> dict:
    derivation = {
        "parameters": {name: {"value": value, "unit": "GJ/t", "source": source},
                       "carbon_content_per_heat": {"value": "26.37", "unit": "tC/TJ"}},
        "gases": {"CO2": {"parameters": [name, "carbon_content_per_heat"], "constant": "44/12",
                          "unit_conversion": "1", "result": "0"}},
        "rounding": "0.000001",
    }
    return with_computed_results(derivation)


def version_of(factory=DraftVersionFactory, **derivation_args) -> FactorVersion:
    """A version whose one CO2 row and total are its derivation's result, as the seed writes them."""
    derivation = coal(**derivation_args)
    result = Decimal(derivation["gases"]["CO2"]["result"])
    return factory(derivation=derivation, co2e_total=result)


def listed(**kwargs) -> list[str]:
    return [f"{use.version.factor.public_id} v{use.version.version}" for use in parameter_uses(NCV, **kwargs)]


def stored_derivation(version: FactorVersion) -> dict:
    return FactorVersion.objects.get(pk=version.pk).derivation


def label(version: FactorVersion) -> str:
    return f"{version.factor.public_id} v{version.version}"


# --- Which factors --------------------------------------------------------------------------------


def test_every_factor_citing_the_parameter_with_that_value_and_source_is_listed():
    draft, published = version_of(), version_of(PublishedVersionFactory)
    other_value, other_source = version_of(value="21.0"), version_of(source="IPCC 2006")
    DraftVersionFactory()  # no derivation

    found = listed(value=Decimal("20.908"), source=STANDARD)
    assert sorted(found) == sorted([label(draft), label(published)])
    assert sorted(listed()) == sorted(map(label, [draft, published, other_value, other_source]))


def test_the_value_is_compared_as_a_number():
    version = version_of(value="20.9080")
    assert listed(value=Decimal("20.908")) == [label(version)]


def test_the_gases_using_it_are_named():
    version_of()
    [use] = parameter_uses(NCV)
    assert use.gases == ["CO2"]
    assert use.parameter == {"value": "20.908", "unit": "GJ/t", "source": STANDARD}


def test_only_the_newest_working_version_of_a_factor_is_listed():
    published = version_of(PublishedVersionFactory)
    draft = DraftVersionFactory(factor=published.factor, version=published.version + 1,
                                derivation=published.derivation, co2e_total=published.co2e_total)
    assert listed() == [label(draft)]


def test_a_factor_whose_draft_already_carries_the_correction_is_not_listed():
    published = version_of(PublishedVersionFactory)
    DraftVersionFactory(factor=published.factor, version=published.version + 1,
                        derivation=coal(value="21.000"), co2e_total=Decimal("2030.49"))
    assert listed(value=Decimal("20.908")) == []


def test_superseded_versions_are_history_and_not_listed():
    factor = FactorFactory()
    SupersededVersionFactory(factor=factor, derivation=coal(), co2e_total=Decimal("2021.59452"))
    assert listed() == []


@pytest.mark.parametrize("name", ['a"b', "$.parameters", "x') OR 1=1 --", "名称 with spaces", "a\\b", "*"])
def test_any_parameter_name_is_matched_exactly_and_safely(name):
    version = version_of(name=name)
    version_of()  # the usual name: not listed for the odd one
    assert [label(use.version) for use in parameter_uses(name)] == [label(version)]


def test_a_legacy_derivation_is_passed_over_not_a_crash():
    version = DraftVersionFactory()
    FactorVersion.objects.filter(pk=version.pk).update(derivation={"parameters": [NCV]})
    other = DraftVersionFactory()
    FactorVersion.objects.filter(pk=other.pk).update(derivation={"parameters": {NCV: "20.908"}})
    assert listed() == []
    assert listed(value=Decimal("20.908")) == []


# --- Recomputed -------------------------------------------------------------------------------------


def test_the_corrected_value_gives_each_gas_result_and_the_total():
    version = version_of(PublishedVersionFactory)
    [use] = parameter_uses(NCV)

    again = recompute(use, NCV, Decimal("21.000"))

    # 21 × 26.37 × 44/12 = 2030.49; the only gas, GWP 1: the total is the same
    [co2] = again.gases
    assert (co2.gas, co2.current, co2.recomputed) == ("CO2", Decimal("2021.59452"), Decimal("2030.490000"))
    assert again.current_total == version.co2e_total
    assert again.recomputed_total == Decimal("2030.49")
    assert not again.total_still_agrees  # the redraft must take the recomputed total
    assert again.problem == ""


def test_recomputing_writes_nothing():
    version_of(PublishedVersionFactory)
    version_of()
    def stored() -> tuple:
        return (list(FactorVersion.objects.values()), list(GasAmount.objects.values()),
                FactorVersion.history.count())

    before = stored()
    recompute_all(parameter_uses(NCV), NCV, Decimal("30"))
    assert stored() == before


def test_a_gas_not_using_the_parameter_keeps_its_amount_in_the_total():
    derivation = coal()
    derivation["parameters"]["ch4_per_heat"] = {"value": "0.001", "unit": "kg/GJ"}
    derivation["gases"]["CH4"] = {"parameters": ["ch4_per_heat"], "result": "0.001"}
    ch4 = GasFactory(code="CH4", formula="CH4")
    version = DraftVersionFactory(derivation=derivation, co2e_total=Decimal("2021.62252"))
    version.gwp_set.values.create(gas=ch4, value=Decimal(28))
    GasAmount.objects.create(version=version, gas=ch4, amount=Decimal("0.001"))
    GasAmount.objects.filter(version=version, gas__code="CO2").update(amount=Decimal("2021.59452"))

    [use] = parameter_uses(NCV)
    again = recompute(use, NCV, Decimal("21.000"))

    assert [gas.gas for gas in again.gases] == ["CO2"]
    assert again.recomputed_total == Decimal("2030.49") + Decimal("0.001") * 28


def test_a_parameter_cited_but_used_by_no_gas_changes_nothing():
    derivation = coal()
    derivation["parameters"]["co2e_per_mass"] = {"value": "2000", "unit": "kg/t"}
    DraftVersionFactory(derivation=derivation, co2e_total=Decimal("2021.59452"))

    [use] = parameter_uses("co2e_per_mass")
    again = recompute(use, "co2e_per_mass", Decimal("2100"))

    assert use.gases == []
    assert again.gases == []
    assert again.recomputed_total == again.current_total
    assert again.total_still_agrees


def test_a_gas_without_a_gwp_in_the_set_is_a_problem_named_not_a_crash():
    derivation = coal()
    derivation["gases"]["SF6"] = copy.deepcopy(derivation["gases"]["CO2"])
    GasFactory(code="SF6", formula="SF6")
    DraftVersionFactory(derivation=derivation, co2e_total=Decimal("2021.59452"))

    [use] = parameter_uses(NCV)
    again = recompute(use, NCV, Decimal("21"))

    assert again.recomputed_total is None
    assert "SF6" in again.problem
    assert "AR5" in again.problem  # the set that lacks it


def test_a_stored_derivation_that_cannot_be_computed_is_a_problem_named():
    version = version_of()
    broken = copy.deepcopy(version.derivation)
    broken["gases"]["CO2"]["constant"] = "44 divided by 12"
    FactorVersion.objects.filter(pk=version.pk).update(derivation=broken)

    [use] = parameter_uses(NCV)
    again = recompute(use, NCV, Decimal("21"))

    assert again.recomputed_total is None
    assert "constant" in again.problem



def test_the_redraft_to_store_is_given_whole_and_passes_the_models_rule():
    version = version_of(PublishedVersionFactory)
    [use] = parameter_uses(NCV)

    again = recompute(use, NCV, Decimal("21.000"), source="GB/T 2589-2020 勘误")

    corrected = again.derivation
    assert corrected["parameters"][NCV] == {"value": "21.000", "unit": "GJ/t",
                                            "source": "GB/T 2589-2020 勘误"}
    assert corrected["gases"]["CO2"]["result"] == "2030.490000"
    assert again.amounts == {"CO2": Decimal("2030.490000")}
    assert stored_derivation(version) == coal()  # the version itself is untouched
    validate_derivation(corrected)  # what the lead's change set will save is accepted


# --- Redrafting every factor as one change set -----------------------------------------------


def correction(**kwargs):
    from factordb.services.parameter_corrections import ParameterCorrection
    return ParameterCorrection(name=NCV, corrected_value=Decimal("21.000"), **kwargs)


def test_a_corrected_parameter_redrafts_every_factor_using_it_as_one_change_set(editor):
    from factordb.services.parameter_corrections import parameter_correction_redraft
    published, draft = version_of(PublishedVersionFactory), version_of()
    expected = {use.version.factor_id: recompute(use, NCV, Decimal("21.000")).recomputed_total
                for use in parameter_uses(NCV)}

    change_set = parameter_correction_redraft(correction=correction(), actor=editor, title="低位发热量更正",
                                              description="GB/T 2589-2020 附录的数值抄录有误")

    rows = {v.factor_id: v for v in change_set.current_versions()}
    assert set(rows) == {published.factor_id, draft.factor_id}
    for factor_id, version in rows.items():
        assert version.status == "draft"
        assert version.co2e_total == expected[factor_id]
        assert version.derivation["parameters"][NCV]["value"] == "21.000"
    published.refresh_from_db()
    assert published.status == "published"  # a revision, never an edit of what is in force


def test_one_factor_on_the_road_refuses_the_whole_correction(editor):
    from django.core.exceptions import ValidationError

    from factordb.models import ChangeSet
    from factordb.services.parameter_corrections import parameter_correction_redraft
    from tests.factories import SubmittedVersionFactory
    version_of(PublishedVersionFactory)
    submitted = version_of(SubmittedVersionFactory)
    before = FactorVersion.objects.count()
    with pytest.raises(ValidationError) as refused:
        parameter_correction_redraft(correction=correction(), actor=editor, title="t", description="d")
    assert submitted.factor.public_id in str(refused.value)
    assert FactorVersion.objects.count() == before
    assert not ChangeSet.objects.exists()


def test_a_correction_of_a_parameter_no_factor_uses_is_refused(editor):
    from django.core.exceptions import ValidationError

    from factordb.services.parameter_corrections import parameter_correction_redraft
    with pytest.raises(ValidationError):
        parameter_correction_redraft(correction=correction(), actor=editor, title="t", description="d")
