"""The seed loads real published data, says where each value came from, and is safe to run again."""

import datetime as dt
import hashlib
import shutil
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max

from factordb import gwp, units
from factordb.constants import FactorStatus
from factordb.models import (
    Category,
    Factor,
    FactorVersion,
    Gas,
    GasAmount,
    GwpSet,
    GwpValue,
    Region,
    Release,
    Source,
    Unit,
    UnitAlias,
    WorkflowEvent,
)
from factordb.services.corrections import source_correct_citation
from factordb.services.exports import release_json
from factordb.services.factors import factor_version_create_draft, factor_version_publish_official
from factordb.services.seed import SEED_DIR, SeedError, seed_load, seed_public_id
from factordb.unit_names import unit_named

pytestmark = pytest.mark.django_db

NATIONAL_2022 = "MEE-GRID/2022/national_average/CN"
CN_FUEL_OIL_PER_T = "CN-GUIDE/fuel_oil/t"
HISTORY_MODELS = (Factor, FactorVersion, GasAmount, Category, Region, Unit, UnitAlias, Gas, Source, GwpValue)


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """The seed loaded once for a class of tests (a first load takes seconds), rolled back after it.

    Each test still runs in its own savepoint, so what one test changes the next does not see.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_load()
        transaction.set_rollback(True)


def published(key: str) -> FactorVersion:
    return FactorVersion.objects.published().get(factor__public_id=seed_public_id(key))


def history_rows() -> int:
    return sum(model.history.model.objects.count() for model in HISTORY_MODELS)


class TestTheLoadedSeed:
    """What a loaded seed contains, and what loading it again does."""

    def test_it_publishes_at_least_100_factors(self, seeded):
        assert FactorVersion.objects.published().count() >= 100
        assert seeded.counts["factors"]["created"] == Factor.objects.count()


    @pytest.mark.parametrize("year", [2021, 2022, 2023])
    def test_each_data_year_has_every_national_kind_and_the_7_grids(self, seeded, year):
        factors = Factor.objects.filter(year=year, dataset__code="MEE-GRID")
        national = set(factors.filter(region__code="CN").values_list("category__code", flat=True))
        assert national == {
            "energy.electricity.grid_average",
            "energy.electricity.grid_excl_market_nonfossil",
            "energy.electricity.fossil_power",
        }
        assert factors.filter(region__kind="grid").count() == 7


    def test_provinces_are_seeded_for_2021_and_2022(self, seeded):
        for year in (2021, 2022):
            assert Factor.objects.filter(year=year, region__kind="province").count() == 30


    def test_fuels_and_materials_are_seeded(self, seeded):
        categories = set(Factor.objects.values_list("category__code", flat=True))
        fuels = {"energy.coal.anthracite", "energy.coal.bituminous", "energy.coal.lignite",
                 "energy.coal.raw_coal", "energy.oil.fuel_oil", "energy.oil.diesel", "energy.oil.gasoline",
                 "energy.natural_gas"}
        materials = {"materials.cement.portland_cement", "materials.cement.clinker", "materials.lime",
                     "materials.glass.flat_glass", "materials.aluminium", "materials.steel"}
        assert fuels | materials <= categories


    def test_the_2022_national_average_is_0_5366_with_its_source(self, seeded):
        version = published(NATIONAL_2022)
        assert version.co2e_total == Decimal("0.5366")
        assert {row.gas.code: row.amount for row in version.gas_amounts.all()} == {"CO2": Decimal("0.5366")}
        assert version.factor.unit.code == "kWh"
        assert version.published_at == dt.datetime(2024, 12, 20, tzinfo=ZoneInfo("Asia/Shanghai"))
        source = version.version_sources.get().source
        assert "生态环境部" in source.publisher
        assert source.published_on == dt.date(2024, 12, 20)
        assert source.url.startswith("https://")
        assert source.verification_note


    def test_each_electricity_version_carries_its_rows_verification(self, seeded):
        assert "verified: reprinted news text (2+ independent pages)" in published(NATIONAL_2022).quality_note
        province = published("MEE-GRID/2021/provincial_average/CN-AH")
        assert "single third-party source" in province.quality_note
        assert province.dq_reliability == 4


    def test_the_public_id_is_the_same_on_every_install(self, seeded):
        assert seed_public_id(NATIONAL_2022) == "EFSKYNSW61TZ"
        assert Factor.objects.filter(public_id="EFSKYNSW61TZ", year=2022, region__code="CN").exists()


    def test_cn_fuel_oil_is_3170_5_kg_per_t_derived_from_its_stored_parameters(self, seeded):
        version = published(CN_FUEL_OIL_PER_T)
        co2 = version.gas_amounts.get(gas__code="CO2").amount
        assert round(co2, 1) == Decimal("3170.5")
        derivation = version.derivation
        recipe = derivation["gases"]["CO2"]
        product = Decimal(44) / Decimal(12) * Decimal(recipe["unit_conversion"])
        for name in recipe["parameters"]:
            product *= Decimal(derivation["parameters"][name]["value"])
        assert recipe["parameters"] == ["net_calorific_value", "carbon_content_per_heat", "oxidation_rate"]
        assert product.quantize(Decimal(derivation["rounding"])) == co2
        ncv = derivation["parameters"]["net_calorific_value"]
        assert (ncv["value"], ncv["unit"]) == ("41.816", "GJ/t")
        assert ncv["seed_key"] == "CN-GUIDE/fuel_oil/net_calorific_value"


    def test_ipcc_fuels_carry_ch4_and_n2o_and_a_total_under_ar5(self, seeded):
        version = published("IPCC2006/other_bituminous/t")
        amounts = {row.gas.code: row.amount for row in version.gas_amounts.all()}
        assert set(amounts) == {"CO2", "CH4_FOSSIL", "N2O"}
        assert amounts["CO2"] == Decimal("2440.68")  # 94600 kg/TJ × 25.8 TJ/Gg
        assert version.gwp_set.code == "AR5"
        assert version.co2e_total == gwp.version_co2e(version, GwpSet.objects.get(code="AR5"))


    def test_materials_stated_only_as_co2e_keep_the_stated_total(self, seeded):
        version = published("GBT51366/portland_cement/t")
        assert version.co2e_total == Decimal(735)
        assert not version.gas_amounts.exists()
        assert version.factor.boundary == "cradle_to_gate"


    @pytest.mark.parametrize(("kind", "total"), [
        ("national_average", "0.6205"), ("wind", "0.0336"), ("photovoltaic", "0.0545"), ("biomass", "0.0457"),
    ])
    def test_the_2023_electricity_footprint_factors_are_stated_co2e_totals(self, seeded, kind, total):
        version = published(f"MEE-ELEC-FOOTPRINT/2023/energy.electricity_footprint.{kind}/CN")
        assert version.co2e_total == Decimal(total)
        assert not version.gas_amounts.exists()
        assert version.gwp_set.code == "AR5"
        assert version.factor.unit.code == "kWh"
        assert version.published_at == dt.datetime(2025, 1, 17, tzinfo=ZoneInfo("Asia/Shanghai"))
        assert version.dq_reliability == 3
        assert "official attachment not retrieved" in version.quality_note
        source = version.version_sources.get().source
        assert "国家能源局" in source.publisher
        assert "third-party reprint" in source.verification_note

    def test_the_footprint_factors_are_kept_apart_from_the_grid_co2_factors(self, seeded):
        footprint = Factor.objects.filter(dataset__code="MEE-ELEC-FOOTPRINT")
        assert footprint.count() == 4
        assert set(footprint.values_list("boundary", flat=True)) == {"life_cycle"}
        assert set(footprint.values_list("method", flat=True)) == {"MEE-ELEC-FOOTPRINT"}
        assert not footprint.filter(category__code__startswith="energy.electricity.").exists()
        grid = Factor.objects.filter(dataset__code="MEE-GRID")
        assert not grid.filter(category__code__startswith="energy.electricity_footprint").exists()
        assert not grid.filter(boundary="life_cycle").exists()

    def test_no_footprint_factor_is_seeded_without_a_checkable_source(self, seeded):
        kinds = {code.rsplit(".", 1)[1] for code in Factor.objects.filter(
            dataset__code="MEE-ELEC-FOOTPRINT").values_list("category__code", flat=True)}
        assert kinds == {"national_average", "wind", "photovoltaic", "biomass"}

    def test_gwp_sets_hold_the_ar6_methane_split(self, seeded):
        ar6 = {value.gas.code: value.value for value in GwpValue.objects.filter(gwp_set__code="AR6")}
        assert ar6["CH4_FOSSIL"] == Decimal("29.8")
        assert ar6["CH4_NONFOSSIL"] == Decimal("27.0")
        assert ar6["CH4"] == Decimal("27.9")
        assert ar6["CO2"] == 1
        assert GwpValue.objects.get(gwp_set__code="AR5", gas__code="N2O").value == 265
        assert not Gas.objects.get(code="CO2_BIO").counts_in_co2e

    def test_the_ar6_methane_split_cites_its_own_table(self, seeded):
        fossil = GwpValue.objects.select_related("source").get(gwp_set__code="AR6", gas__code="CH4_FOSSIL")
        assert "7.15" in fossil.note
        assert fossil.source != fossil.gwp_set.source


    def test_a_province_falls_back_to_its_grid_then_china_then_global(self, seeded):
        anhui = Region.objects.get(code="CN-AH")
        assert [region.code for region in anhui.ancestors()] == ["CN-AH", "CN-GRID-E", "CN", "GLOBAL"]


    def test_every_province_falls_back_to_a_grid(self, seeded):
        parents = Region.objects.filter(kind="province").values_list("parent__kind", flat=True)
        assert set(parents) == {"grid"}


    # Every seeded source: those cited by the published versions, those of the GWP sets, and the
    # OEFDB snapshot that factors imported with --format oefdb cite.
    def test_every_source_names_its_publisher_and_how_it_was_checked(self, seeded):
        cited = Source.objects.filter(versionsource__version__status=FactorStatus.PUBLISHED).distinct()
        assert cited.count() == 9
        sources = Source.objects.all()
        assert sources.count() == 14
        for source in sources:
            assert source.publisher, source
            assert source.verification_note, source

    def test_every_source_has_a_url_or_says_why_not(self, seeded):
        unexplained = [s.title for s in Source.objects.all()
                       if not s.url and "No URL:" not in s.verification_note]
        assert unexplained == []

    def test_every_source_has_a_publication_date_or_says_why_not(self, seeded):
        unexplained = [s.title for s in Source.objects.all()
                       if not s.published_on and "No publication date:" not in s.verification_note]
        assert unexplained == []

    def test_the_versions_author_is_a_seed_account_that_cannot_sign_in(self, seeded):
        author = published(NATIONAL_2022).author
        assert author.username == "seed"
        assert not author.has_usable_password()
        assert not author.is_staff

    def test_the_seed_ends_with_a_first_release_pinning_every_published_factor(self, seeded):
        release = Release.objects.get()
        assert release.name == "2026.1"
        assert release.versions.count() == FactorVersion.objects.published().count() == 134
        assert release.checksum_sha256 == hashlib.sha256(release_json(release)).hexdigest()
        assert release.content.feed_seq == WorkflowEvent.objects.aggregate(Max("seq"))["seq__max"]
        assert seeded.counts["releases"]["created"] == 1


    def test_a_second_run_creates_nothing_and_reports_everything_unchanged(self, seeded):
        rows_before = history_rows()
        again = seed_load()
        assert again.total("created") == 0
        assert again.total("differing") == 0
        assert again.total("unchanged") == seeded.total("created")
        assert history_rows() == rows_before


    def test_every_listed_alias_names_its_unit(self, seeded):
        listed = [line.split(",") for line in (SEED_DIR / "unit_aliases.csv").read_text().splitlines()[1:]]
        assert seeded.counts["unit_aliases"]["created"] == len(listed) == UnitAlias.objects.count()
        assert {alias: unit_named(alias).code for alias, _ in listed} == dict(listed)
        for alias in ("千瓦时", "度", "兆瓦时", "万千瓦时", "吨", "千克", "立方米", "万立方米", "吉焦"):
            assert UnitAlias.objects.filter(alias=alias).exists(), alias

    @pytest.mark.parametrize(("code", "times"), [("10^4kWh", "kWh"), ("10^4m3", "m3")])
    def test_the_ten_thousand_units_are_ten_thousand_of_their_base(self, seeded, code, times):
        big, base = Unit.objects.get(code=code), Unit.objects.get(code=times)
        assert big.dimension == base.dimension
        assert units.conversion_factor(big.pint_expression, base.pint_expression) == Decimal(10_000)

    def test_a_second_run_reports_the_aliases_unchanged(self, seeded):
        again = seed_load()
        assert again.counts["unit_aliases"] == {"unchanged": UnitAlias.objects.count()}

    def test_an_alias_moved_since_is_reported_as_differing_and_left_alone(self, seeded):
        alias = UnitAlias.objects.get(alias="度")
        alias.unit = Unit.objects.get(code="MWh")
        alias.save()
        report = seed_load()
        assert report.differing == ["unit_aliases 度"]
        assert unit_named("度").code == "MWh"
        assert report.total("created") == 0

    def test_a_factor_changed_since_is_reported_as_differing_and_left_alone(self, seeded):
        current = published(NATIONAL_2022)
        draft = factor_version_create_draft(
            factor=current.factor, author=current.author, gwp_set=current.gwp_set,
            gas_amounts={"CO2": Decimal("0.5400")}, dq_reliability=1, dq_completeness=1, dq_temporal=1,
            dq_geographical=1, dq_technological=1,
        )
        factor_version_publish_official(version=draft, published_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
        report = seed_load()
        assert report.differing == [f"factors {seed_public_id(NATIONAL_2022)} ({NATIONAL_2022})"]
        assert published(NATIONAL_2022).co2e_total == Decimal("0.54")
        assert report.total("created") == 0


    def test_a_source_changed_since_is_reported_as_differing_and_left_alone(self, seeded, approver):
        # An install seeded before the seed's source rows were corrected sees exactly this.
        # Published versions cite it: only a recorded correction changes it (ADR 0012).
        stored = Source.objects.get(document_id="GB/T 51366-2019")
        source_correct_citation(source=stored, actor=approver, reason="an older note",
                                verification_note="an older note")
        report = seed_load()
        assert report.differing == ["sources gbt-51366"]
        assert Source.objects.get(pk=stored.pk).verification_note == "an older note"
        assert report.total("created") == 0

    def test_the_command_prints_a_summary(self, seeded, capsys):
        call_command("loadseed")
        out = capsys.readouterr().out
        assert "factors      created    0  unchanged  134  differing    0" in out
        assert "Seed loaded: 0 created, 390 unchanged, 0 differing." in out


# --- Bad input --------------------------------------------------------------------------------


def broken_seed(tmp_path, file: str, line_start: str, change) -> tuple:
    """A copy of the seed with the first line starting `line_start` of `file` changed; its row number."""
    seed_dir = tmp_path / "seed"
    shutil.copytree(SEED_DIR, seed_dir)
    lines = (seed_dir / file).read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(line_start))
    lines[index:index + 1] = change(lines[index])
    (seed_dir / file).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return seed_dir, index + 1


def replace(old: str, new: str):
    def change(line: str) -> list[str]:
        assert old in line
        return [line.replace(old, new, 1)]
    return change


ELECTRICITY = "electricity_co2_factors.csv"
ROW_2022 = "2022,national_average,CN,"
FOOTPRINT = "electricity_footprint_factors.csv"
FOOTPRINT_2023 = "2023,energy.electricity_footprint.national_average,CN,"


@pytest.mark.parametrize(
    ("file", "line_start", "change", "field", "problem"),
    [
        pytest.param(ELECTRICITY, ROW_2022, replace(",0.5366,", ",-0.5366,"), "value", "negative",
                     id="negative amount"),
        pytest.param(ELECTRICITY, ROW_2022, replace("kgCO2/kWh", "kgCO2/kWx"), "unit", "kWx",
                     id="unknown unit code"),
        pytest.param(ELECTRICITY, ROW_2022, replace("kgCO2/kWh", "kgCO2/t"), "unit", "mass",
                     id="unit of the wrong dimension for the category"),
        pytest.param(ELECTRICITY, ROW_2022, replace("kgCO2/kWh,CO2,", "kgCO9/kWh,CO9,"), "gas", "CO9",
                     id="unknown gas"),
        pytest.param(ELECTRICITY, ROW_2022, lambda line: [line, line], "data_year, factor_kind, region_code",
                     "duplicate", id="duplicate identity"),
        pytest.param(ELECTRICITY, ROW_2022, replace(",CN,", ",CN-ZZ,"), "region_code", "CN-ZZ",
                     id="unknown region"),
        pytest.param(FOOTPRINT, FOOTPRINT_2023, replace("kgCO2e/kWh", "kgCO2/kWh"), "unit", "kgCO2e",
                     id="footprint stated in CO2 rather than CO2e"),
        pytest.param(FOOTPRINT, FOOTPRINT_2023, replace(",0.6205,", ",-0.6205,"), "value", "negative",
                     id="negative footprint"),
        pytest.param(FOOTPRINT, FOOTPRINT_2023, replace("national_average", "coal"), "category",
                     "energy.electricity_footprint.coal", id="footprint of a category not seeded"),
        pytest.param(FOOTPRINT, FOOTPRINT_2023, lambda line: [line, line], "data_year, category, region_code",
                     "duplicate", id="footprint listed twice"),
        pytest.param("quality_grades.csv", "verified: reprinted", replace(",2,", ",7,"), "dq_reliability",
                     "1 to 5", id="quality 7"),
        pytest.param("factor_definitions.csv", "CN-GUIDE/fuel_oil,t,", replace(",3,3,1,2", ",3,3,1,7"),
                     "dq_technological", "1 to 5", id="quality 7 on a fuel"),
        pytest.param("fuel_and_material_defaults.csv", "CN-GUIDE/fuel_oil,Fuel oil,燃料油,net_calorific",
                     replace("41.816", "-41.816"), "value", "negative", id="negative fuel parameter"),
        pytest.param("factor_definitions.csv", "CN-GUIDE/fuel_oil,t,", replace(",t,", ",tkm,"), "unit",
                     "tkm", id="unknown unit code of a fuel"),
        pytest.param("regions.csv", "CN-AH,", replace("CN-GRID-E", "CN"), "parent", "grid",
                     id="province without a grid"),
        pytest.param("units.csv", "t,", replace(",吨,", f",{'吨' * 201},"), "name_zh", "200",
                     id="invalid row found while writing"),
        pytest.param("unit_aliases.csv", "吨,t", replace("吨,", "kg,"), "alias", "code or symbol of unit kg",
                     id="alias that is a unit's code"),
        pytest.param("unit_aliases.csv", "立方米,m3", replace("立方米,", "m³,"), "alias",
                     "code or symbol of unit m3", id="alias that is a unit's symbol"),
        pytest.param("unit_aliases.csv", "吨,t", lambda line: [line, "\u3000吨,kg"], "alias", "duplicate",
                     id="alias listed twice"),
        pytest.param("unit_aliases.csv", "吨,t", replace(",t", ",tonne"), "unit", "unknown unit 'tonne'",
                     id="alias of an unknown unit"),
    ],
)
def test_bad_input_names_file_row_and_field_and_writes_nothing(tmp_path, file, line_start, change, field,
                                                               problem):
    seed_dir, line = broken_seed(tmp_path, file, line_start, change)
    if problem == "duplicate":
        line += 1
    with pytest.raises(SeedError, match=rf"^{file}, row {line}, field '{field}': .*{problem}"):
        seed_load(seed_dir=seed_dir)
    assert not Factor.objects.exists()
    assert not Source.objects.exists()
    assert not Category.objects.exists()
    assert not FactorVersion.objects.filter(status=FactorStatus.PUBLISHED).exists()


def test_the_command_reports_bad_input_without_a_traceback(tmp_path):
    from django.core.management.base import CommandError

    seed_dir, line = broken_seed(tmp_path, ELECTRICITY, ROW_2022, replace(",0.5366,", ",-0.5366,"))
    with pytest.raises(CommandError, match=rf"Nothing was loaded\. {ELECTRICITY}, row {line}"):
        call_command("loadseed", seed_dir=seed_dir)

