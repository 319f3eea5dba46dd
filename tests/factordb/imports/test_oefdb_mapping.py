"""The OEFDB mapping: every row of the real file becomes one template row, or says why it cannot.

Over the copy in factordb/data/oefdb/ (6,181 data rows). The census at the end holds the
numbers docs/oefdb-mapping.md states: change the mapping, and the documentation must follow.
"""

import csv
import io
from collections import Counter
from decimal import Decimal

import pytest

from factordb.constants import QUALITY_INDICATORS, LifecycleBoundary
from factordb.models import Category, Dataset, GwpSet, Region, Source
from factordb.services.factors import SourceCitation, factor_create, factor_version_create_draft
from factordb.services.imports import cells as read
from factordb.services.imports.columns import IDENTITY, header_row
from factordb.services.imports.oefdb import (
    DATASET,
    OEFDB_COLUMNS,
    SNAPSHOT,
    SOURCE,
    OefdbRefused,
    category_map,
    header_issues,
    oefdb_rows,
)
from factordb.unit_names import UnitNameError, units_named

pytestmark = pytest.mark.django_db

DATA_ROWS = 6181


@pytest.fixture(scope="module")
def mapped(seeded, django_db_blocker):
    """Every row of the real file, mapped, by row number."""
    with django_db_blocker.unblock(), SNAPSHOT.open(encoding="utf-8", newline="") as handle:
        return {row.number: row for row in oefdb_rows(handle)}


def rows_of(text: str, gwp_values=None) -> list:
    return list(oefdb_rows(io.StringIO(text), gwp_values if gwp_values is not None else GWP))


# The AR4 and AR5 values the file's totals are stated under (factordb/seed/globalwarmingpotentials.csv).
GWP = {"AR4": {"CO2": Decimal(1), "CH4": Decimal(25), "N2O": Decimal(298)},
       "AR5": {"CO2": Decimal(1), "CH4": Decimal(28), "N2O": Decimal(265)}}


def one_row(**values: str) -> str:
    """A file of the OEFDB header and one row: a CN grid mix, with `values` replacing its cells."""
    row = dict.fromkeys(OEFDB_COLUMNS, "") | {
        "sector": "Energy", "category": "Electricity", "activity_id": "electricity-energy_source_grid_mix",
        "name": "Grid mix", "activity_unit": "kWh", "kgCO2e-AR5": "not-supplied", "kgCO2e-AR4": "0.5",
        "kgCO2": "not-supplied", "kgCH4": "not-supplied", "kgN2O": "not-supplied",
        "kgCO2e-OtherGHGs-AR5": "not-supplied", "kgCO2e-OtherGHGs-AR4": "not-supplied",
        "lca_activity": "electricity_generation", "source": "Test", "year_released": "2021", "region": "CN",
        "contributor": "Climatiq",
    } | values
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(OEFDB_COLUMNS)
    writer.writerow([row[column] for column in OEFDB_COLUMNS])
    return out.getvalue()


def issues(row) -> dict[str, str]:
    return {issue.column: issue.reason for issue in row.issues}


class TestEveryRow:
    def test_every_data_row_yields_exactly_one_row_numbered_as_a_spreadsheet_shows_it(self, mapped):
        assert len(mapped) == DATA_ROWS
        assert sorted(mapped) == list(range(2, DATA_ROWS + 2))

    def test_every_row_has_every_template_column_and_only_those(self, mapped):
        assert {tuple(row.cells) for row in mapped.values()} == {tuple(header_row())}

    def test_every_row_names_the_oefdb_dataset_method_and_source(self, mapped):
        assert {(row.cells["dataset"], row.cells["method"], row.cells["source"]) for row in mapped.values()} \
            == {(DATASET, "OEFDB", SOURCE)}

    def test_every_issue_names_its_row_and_an_oefdb_column(self, mapped):
        for number, row in mapped.items():
            for issue in row.issues:
                assert issue.row == number
                assert issue.column in OEFDB_COLUMNS
                assert issue.reason

    def test_every_row_has_an_identity_year_and_quality_scores_or_an_issue(self, mapped):
        for row in mapped.values():
            assert row.cells["year"].isdigit()
            assert all(row.cells[name] in {"3", "4", "5"} for name in
                       ("dq_reliability", "dq_completeness", "dq_temporal", "dq_geographical",
                        "dq_technological"))
            assert "assigned by the OEFDB mapping, not by the source" in row.cells["quality_note"]
            if not row.issues:
                assert all(row.cells[column.name] for column in IDENTITY)

    def test_every_locator_fits_and_cites_the_row_and_its_publisher(self, mapped):
        for number, row in mapped.items():
            locator = row.cells["source_locator"]
            assert len(locator) <= 300
            assert locator.startswith(f"row {number}; ")


class TestTheHeader:
    def test_the_real_header_is_oefdbs(self):
        with SNAPSHOT.open(encoding="utf-8", newline="") as handle:
            assert header_issues(next(csv.reader(handle))) == []

    def test_a_missing_column_is_reported_on_row_1_by_name_and_no_row_is_mapped(self):
        text = one_row()
        header, row = text.splitlines()
        columns = header.split(",")
        dropped = columns.index("kgCO2e-AR5")
        cut = "\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != dropped)
                        for line in (header, row))
        yielded = []
        with pytest.raises(OefdbRefused) as refused:
            yielded.extend(oefdb_rows(io.StringIO(cut), GWP))
        assert yielded == []
        assert [(issue.row, issue.column) for issue in refused.value.issues] == [(1, "kgCO2e-AR5")]
        assert "kgCO2e-AR5" in refused.value.issues[0].reason

    def test_a_renamed_and_a_repeated_column_are_each_reported(self):
        header = [*OEFDB_COLUMNS]
        header[header.index("region")] = "Region"
        header.append("source")
        found = {(issue.row, issue.column) for issue in header_issues(header)}
        assert found == {(1, "region"), (1, "source")}

    def test_a_later_oefdb_with_a_leading_uuid_column_is_read(self):
        text = one_row()
        header, row = text.splitlines()
        [mapped] = rows_of(f"UUID,{header}\n00000000-0000-0000-0000-000000000000,{row}\n")
        assert mapped.issues == []
        assert mapped.cells["co2e_total"] == "0.5"

    def test_a_byte_order_mark_before_the_header_is_not_part_of_its_first_name(self):
        [mapped] = rows_of("\ufeff" + one_row())
        assert mapped.issues == []

    def test_a_file_whose_csv_breaks_is_refused_at_the_row_where_it_breaks(self):
        header, row = one_row().splitlines()
        yielded = []
        with pytest.raises(OefdbRefused) as refused:
            yielded.extend(oefdb_rows(io.StringIO(f'{header}\n{row}\n"Energy"x,{row}\n'), GWP))
        assert len(yielded) == 1  # the rows before it: whoever reads on refuses the file
        assert [(issue.row, issue.column) for issue in refused.value.issues] == [(3, "")]
        with pytest.raises(OefdbRefused) as refused:
            list(oefdb_rows(io.StringIO(f'"sector"x,{header}\n{row}\n'), GWP))
        assert [issue.row for issue in refused.value.issues] == [1]

    def test_a_row_with_fewer_cells_than_the_header_says_so(self):
        header, row = one_row().splitlines()
        [mapped] = rows_of(f"{header}\n{row.rsplit(',', 3)[0]}\n")
        assert issues(mapped)[""].startswith("本行有 22 个单元格")


class TestRealRows:
    """Rows of the file, by their row number (header = 1)."""

    def test_the_chinese_grid_mix_of_climate_transparency_states_a_total_under_ar4(self, mapped):
        row = mapped[648]  # electricity-energy_source_grid_mix, CN, CT 2019: kgCO2e-AR4 0.555 only
        assert row.issues == []
        assert {k: row.cells[k] for k in ("category", "region", "unit", "year", "boundary", "co2e_total",
                                          "gwp_set", "gas_CO2", "gas_CH4", "gas_N2O")} == {
            "category": "energy.electricity.grid_average", "region": "CN", "unit": "kWh", "year": "2019",
            "boundary": "grid_consumption", "co2e_total": "0.555", "gwp_set": "AR4",
            "gas_CO2": "", "gas_CH4": "", "gas_N2O": ""}
        assert row.cells["name_en"] == row.cells["name_zh"] == "Grid mix"
        assert row.cells["source_locator"] == (
            "row 648; electricity-energy_source_grid_mix; CT 2019; "
            "https://www.climate-transparency.org/g20-climate-performance/g20report2019")
        assert row.cells["dq_temporal"] == "4"  # no data year: the year is the release year

    def test_a_breakdown_that_agrees_with_its_total_is_kept(self, mapped):
        row = mapped[1135]  # East China grid, GHG Protocol: AR5 0.8046 = CO2 0.8046, CH4 0, N2O 0
        assert row.cells["region"] == "CN-E"
        assert (row.cells["co2e_total"], row.cells["gwp_set"]) == ("0.8046", "AR5")
        assert (row.cells["gas_CO2"], row.cells["gas_CH4"], row.cells["gas_N2O"]) == ("0.8046", "0", "0")

    def test_a_beis_breakdown_in_kg_co2e_is_not_imported_and_the_notes_say_why(self, mapped):
        row = mapped[708]  # UK grid mix, BEIS 2021: AR4 0.21233 = 0.21016 + 0.0008 + 0.00137
        assert row.issues == []
        assert (row.cells["co2e_total"], row.cells["gwp_set"]) == ("0.21233", "AR4")
        assert (row.cells["gas_CO2"], row.cells["gas_CH4"], row.cells["gas_N2O"]) == ("", "", "")
        notes = row.cells["notes_en"]
        assert "Gas breakdown not imported (kgCO2 0.21016, kgCH4 0.0008, kgN2O 0.00137)" in notes
        assert "0.63842" in notes
        assert "seem to hold kg CO2e" in notes
        assert (row.cells["valid_from"], row.cells["valid_to"]) == ("2021-01-01", "2021-12-31")

    def test_a_rounded_breakdown_that_misses_its_total_is_not_imported_nor_called_co2e(self, mapped):
        row = mapped[899]  # US eGRID 2022: AR4 0.373138; CO2, CH4, N2O rounded to 6 places give 0.37309
        assert row.cells["co2e_total"] == "0.373138"
        assert row.cells["gas_CO2"] == ""
        assert "Gas breakdown not imported" in row.cells["notes_en"]
        assert "kg CO2e, not kg of gas" not in row.cells["notes_en"]

    def test_a_row_giving_only_co2_gets_its_total_computed_under_ar5(self, mapped):
        row = mapped[647]  # CN grid mix, ADEME: kgCO2 0.766, uncertainty 10
        assert (row.cells["co2e_total"], row.cells["gwp_set"], row.cells["gas_CO2"]) == ("", "AR5", "0.766")
        assert "computes it from the gas breakdown under AR5" in row.cells["notes_en"]
        assert "OEFDB uncertainty: 10 %" in row.cells["quality_note"]
        assert row.cells["uncertainty_low_pct"] == row.cells["uncertainty_high_pct"] == ""

    def test_a_row_with_not_supplied_values_maps_only_what_it_gives(self, mapped):
        row = mapped[3]  # GHG Protocol spend factor: AR5, kgCO2, kgCH4, kgN2O, OtherGHGs not-supplied
        assert (row.cells["co2e_total"], row.cells["gwp_set"]) == ("2.09", "AR4")
        assert (row.cells["gas_CO2"], row.cells["gas_CH4"], row.cells["gas_N2O"]) == ("", "", "")
        assert row.cells["year"] == "2016"  # years_calculated_from, not year_released 2017
        assert (row.cells["valid_from"], row.cells["valid_to"]) == ("2016-01-01", "2022-12-31")
        assert set(issues(row)) == {"category"}  # a spend factor (USD): no category of ours

    def test_an_activity_without_a_category_mapping_is_reported_by_its_oefdb_category(self, mapped):
        row = mapped[2399]  # AWS cn-north-1 CPU-hour
        assert issues(row) == {"category": "OEFDB 类别“Cloud Computing - CPU”（activity_id "
                                           "cpu-provider_aws-region_cn_north_1）没有对应的类别映射。"}
        assert row.cells["category"] == row.cells["boundary"] == ""
        assert row.cells["region"] == "CN-BJS"  # passed through: the planner reports it unknown

    def test_a_mapped_activity_at_another_life_cycle_stage_is_reported(self, mapped):
        row = mapped[509]  # CN grid mix, BEIS, well_to_tank: upstream of the fuels, not grid use
        assert set(issues(row)) == {"lca_activity"}
        assert "well_to_tank" in issues(row)["lca_activity"]

    def test_a_mapped_activity_in_an_unmapped_unit_is_reported(self, mapped):
        row = mapped[1955]  # natural gas (100 % mineral blend) per m3 at BEIS's standard conditions
        assert set(issues(row)) == {"activity_unit"}
        assert row.cells["unit"] == "m3"

    def test_biogenic_co2_outside_of_scopes_is_not_imported(self, mapped):
        row = mapped[1077]  # UK grid mix, biogenic CO2, "Outside of scopes"
        assert "scope" in issues(row)

    def test_a_flagged_row_gets_reliability_5_and_the_flag_in_words(self, mapped):
        flagged = [row for row in mapped.values() if "OEFDB flags this row" in row.cells["quality_note"]]
        assert len(flagged) == 126  # data_quality h 46, m 36, o 35, o|h 9
        assert {row.cells["dq_reliability"] for row in flagged} == {"5"}
        assert all(row.cells["dq_reliability"] == "4" for row in mapped.values() if row not in flagged)

    def test_an_all_zero_row_says_so_in_its_quality_note(self, mapped):
        row = mapped[1136]  # Hainan grid, GHG Protocol: 0 for every value
        assert "OEFDB states zero for every value" in row.cells["quality_note"]


class TestMadeUpRows:
    def test_not_supplied_everywhere_is_no_value(self):
        [row] = rows_of(one_row(**{"kgCO2e-AR4": "not-supplied"}))
        assert set(issues(row)) == {"kgCO2e-AR5"}
        assert "not-supplied" in issues(row)["kgCO2e-AR5"]

    def test_a_value_that_is_not_a_number_is_refused_by_its_column(self):
        [row] = rows_of(one_row(kgCO2="0,5"))
        assert set(issues(row)) == {"kgCO2"}

    def test_other_gases_beside_a_breakdown_keep_the_total_alone(self):
        [row] = rows_of(one_row(**{"kgCO2e-AR4": "1.5", "kgCO2": "1", "kgCO2e-OtherGHGs-AR4": "0.5"}))
        assert row.issues == []
        assert (row.cells["co2e_total"], row.cells["gas_CO2"]) == ("1.5", "")
        assert "which a breakdown cannot hold" in row.cells["notes_en"]

    def test_other_gases_without_a_total_are_refused(self):
        [row] = rows_of(one_row(**{"kgCO2e-AR4": "", "kgCO2": "1", "kgCO2e-OtherGHGs-AR5": "0.5"}))
        assert set(issues(row)) == {"kgCO2e-OtherGHGs-AR5"}

    def test_zero_other_gases_leave_a_complete_breakdown(self):
        [row] = rows_of(one_row(**{"kgCO2e-AR4": "1.25", "kgCO2": "1", "kgCH4": "0.01",
                                   "kgCO2e-OtherGHGs-AR4": "0"}))
        assert (row.cells["co2e_total"], row.cells["gas_CO2"], row.cells["gas_CH4"]) == ("1.25", "1", "0.01")

    def test_the_ar5_total_is_preferred_to_the_ar4_one(self):
        [row] = rows_of(one_row(**{"kgCO2e-AR5": "0.51", "kgCO2e-AR4": "0.5"}))
        assert (row.cells["co2e_total"], row.cells["gwp_set"]) == ("0.51", "AR5")

    def test_without_gwp_values_a_breakdown_is_passed_on_for_the_planner_to_check(self):
        [row] = rows_of(one_row(**{"kgCO2e-AR4": "9", "kgCO2": "1"}), gwp_values={})
        assert (row.cells["co2e_total"], row.cells["gas_CO2"]) == ("9", "1")

    def test_a_year_that_is_not_one_is_refused(self):
        [row] = rows_of(one_row(year_released="21"))
        assert set(issues(row)) == {"year_released"}
        [row] = rows_of(one_row(year_released="", years_calculated_from=""))
        assert set(issues(row)) == {"year_released"}

    def test_a_validity_that_is_not_a_range_of_years_is_left_blank_and_noted(self):
        [row] = rows_of(one_row(years_valid="2022-2020"))
        assert row.cells["valid_from"] == row.cells["valid_to"] == ""
        assert "years_valid '2022-2020'" in row.cells["notes_en"]

    def test_a_name_a_spreadsheet_would_run_is_neutralised(self):
        [row] = rows_of(one_row(name="=HYPERLINK(1)"))
        assert row.cells["name_en"] == "'=HYPERLINK(1)"
        assert read.read_text(row.cells["name_en"]) == "=HYPERLINK(1)"


class TestTheCategoryMap:
    def test_every_mapped_category_exists_and_every_boundary_is_ours(self, seeded):
        entries = [entry for found in category_map().values() for entry in found]
        codes = {entry.category for entry in entries}
        assert codes <= set(Category.objects.values_list("code", flat=True))
        assert {entry.boundary for entry in entries} <= set(LifecycleBoundary.values)

    def test_no_two_entries_claim_the_same_rows(self):
        for found in category_map().values():
            for i, a in enumerate(found):
                for b in found[i + 1:]:
                    units_a, units_b = a.activity_units, b.activity_units
                    overlap = not units_a or not units_b or units_a & units_b
                    assert a.lca_activity != b.lca_activity or not overlap, (a, b)

    def test_every_entry_maps_some_row_of_the_file(self, mapped):
        with SNAPSHOT.open(encoding="utf-8", newline="") as handle:
            raw = dict(enumerate(csv.DictReader(handle), start=2))
        used = {(raw[n]["activity_id"], raw[n]["lca_activity"], row.cells["category"], row.cells["boundary"])
                for n, row in mapped.items() if row.cells["category"]}
        entries = {(e.activity_id, e.lca_activity, e.category, e.boundary)
                   for found in category_map().values() for e in found}
        assert entries == used


def drafts_of(rows, editor) -> list:
    """Drafts written from mapped rows' cells through the services every writer uses (the planner's
    stand-in here: each cell read with the template's cell readers, nothing else decided)."""
    versions = []
    for row in rows:
        c = row.cells
        factor = factor_create(
            dataset=Dataset.objects.get(code=c["dataset"]), category=Category.objects.get(code=c["category"]),
            region=Region.objects.get(code=c["region"]), unit=units_named([c["unit"]])[c["unit"]],
            year=read.read_integer(c["year"]), boundary=c["boundary"], method=c["method"],
            name_zh=read.read_text(c["name_zh"]), name_en=read.read_text(c["name_en"]))
        gases = {name.removeprefix("gas_"): read.read_decimal(value) for name, value in c.items()
                 if name.startswith("gas_") and value}
        versions.append(factor_version_create_draft(
            factor=factor, author=editor, gwp_set=GwpSet.objects.get(code=c["gwp_set"]),
            gas_amounts=gases, co2e_total=read.read_decimal(c["co2e_total"]),
            citations=[SourceCitation(Source.objects.get(code=c["source"]),
                                      read.read_text(c["source_locator"]))],
            quality_note=read.read_text(c["quality_note"]), notes_zh=read.read_text(c["notes_zh"]),
            notes_en=read.read_text(c["notes_en"]), valid_from=read.read_date(c["valid_from"]),
            valid_to=read.read_date(c["valid_to"]),
            **{name: read.read_integer(c[name]) for name in QUALITY_INDICATORS}))
    return versions


def too_precise(row) -> bool:
    """A total with more than the 8 stored decimal places, or a gas amount with more than 10."""
    places = {"co2e_total": 8, "gas_CO2": 10, "gas_CH4": 10, "gas_N2O": 10}
    return any(row.cells[name] and -Decimal(row.cells[name]).as_tuple().exponent > limit
               for name, limit in places.items())


def census(mapped) -> dict:
    """What the mapping and the registries make of the file: the numbers docs/oefdb-mapping.md states."""
    regions = set(Region.objects.values_list("code", flat=True))
    unit_names = units_named({row.cells["unit"] for row in mapped.values()})
    known_unit = {name: not isinstance(unit, UnitNameError) for name, unit in unit_names.items()}
    clean = [row for row in mapped.values() if not row.issues]
    placed = [row for row in clean if row.cells["region"] in regions and known_unit[row.cells["unit"]]]
    identities = Counter(tuple(row.cells[column.name] for column in IDENTITY) for row in placed)
    return {
        "rows with a mapping issue": sum(1 for row in mapped.values() if row.issues),
        "mapping issues by column": dict(Counter(issue.column for row in mapped.values()
                                                 for issue in row.issues)),
        "rows the mapping passes": len(clean),
        "of those, region unknown": sum(1 for row in clean if row.cells["region"] not in regions),
        "of those, unit unknown": sum(1 for row in clean if not known_unit[row.cells["unit"]]),
        "of those, region and unit known": len(placed),
        "repeated identities among them": sum(n for n in identities.values() if n > 1),
        "repeated identities if every region and unit were known": sum(
            n for n in Counter(tuple(row.cells[column.name] for column in IDENTITY) for row in clean).values()
            if n > 1),
        "more decimal places than stored, rows the mapping passes": sum(map(too_precise, clean)),
        "regions unknown, most rows": Counter(row.cells["region"] for row in mapped.values()
                                              if row.cells["region"] not in regions).most_common(8),
        "all rows, region unknown": sum(1 for row in mapped.values() if row.cells["region"] not in regions),
        "all rows, unit unknown": sum(1 for row in mapped.values() if not known_unit[row.cells["unit"]]),
        "regions known": sorted({row.cells["region"] for row in mapped.values()} & regions),
        "regions unknown": len({row.cells["region"] for row in mapped.values()} - regions),
        "units known": sorted(name for name, known in known_unit.items() if known),
        "units unknown": sorted(name for name, known in known_unit.items() if not known),
        "breakdown not imported": sum(1 for row in mapped.values() if "Gas breakdown not imported"
                                      in row.cells["notes_en"]),
        "of those, kg CO2e in the gas columns": sum(1 for row in mapped.values() if "seem to hold kg CO2e"
                                                    in row.cells["notes_en"]),
        "total computed from the breakdown": sum(1 for row in mapped.values() if row.cells["co2e_total"] == ""
                                                 and row.cells["gas_CO2"] + row.cells["gas_CH4"]
                                                 + row.cells["gas_N2O"]),
        "importable": sorted(row.number for row in placed),
    }


@pytest.fixture(scope="module")
def counted(mapped, django_db_blocker):
    with django_db_blocker.unblock():
        return census(mapped)


class TestTheCensus:
    """The numbers docs/oefdb-mapping.md states, against the seeded registries."""

    def test_the_mapping_passes_552_rows_and_reports_the_other_5629_by_oefdb_column(self, counted):
        assert counted["rows the mapping passes"] == 552
        assert counted["rows with a mapping issue"] == 5629 == DATA_ROWS - 552
        assert counted["mapping issues by column"] == {
            "category": 5529, "lca_activity": 99, "activity_unit": 1, "scope": 45}

    def test_regions_and_units_the_registries_lack_are_passed_on_not_invented(self, counted):
        assert counted["regions known"] == ["CN", "CN-HI", "CN-NX", "GLOBAL"]
        assert counted["regions unknown"] == 293
        assert counted["all rows, region unknown"] == 5923
        assert counted["regions unknown, most rows"][:3] == [("GB", 2012), ("US", 1834), ("DE", 226)]
        assert counted["units known"] == ["GJ", "L", "kWh", "kg", "m3", "tonne"]
        assert counted["units unknown"] == [
            "CPU-hour", "EUR", "GB", "GB-hour", "GBP", "MMBTU", "TB-hour", "USD", "gal (US)", "km", "mile",
            "passenger-km", "passenger-mile", "person-night", "scf", "short ton", "ton-mile", "tonne-km"]
        assert counted["all rows, unit unknown"] == 4412

    def test_of_the_552_rows_547_name_a_region_the_registry_lacks(self, counted):
        assert counted["of those, region unknown"] == 547
        assert counted["of those, unit unknown"] == 0
        assert counted["of those, region and unit known"] == 5
        assert counted["more decimal places than stored, rows the mapping passes"] == 72

    def test_grid_averages_of_two_publishers_for_one_region_and_year_would_repeat_an_identity(self, counted):
        assert counted["repeated identities among them"] == 0
        assert counted["repeated identities if every region and unit were known"] == 98

    def test_totals_and_breakdowns(self, counted):
        assert counted["breakdown not imported"] == 938
        assert counted["of those, kg CO2e in the gas columns"] == 806
        assert counted["total computed from the breakdown"] == 884

    def test_five_rows_import_today_and_the_services_accept_every_one(self, counted, mapped, editor):
        assert counted["importable"] == [647, 648, 649, 715, 1136]
        versions = drafts_of([mapped[n] for n in counted["importable"]], editor)
        assert [(v.factor.region.code, v.factor.year, f"{v.co2e_total.normalize():f}", v.gwp_set.code)
                for v in versions] == [("CN", 2021, "0.766", "AR5"), ("CN", 2019, "0.555", "AR4"),
                                       ("CN", 2016, "0.847", "AR4"), ("GLOBAL", 2016, "0.523", "AR4"),
                                       ("CN-HI", 2021, "0", "AR5")]
        assert {v.factor.dataset.code for v in versions} == {"OEFDB"}
        assert [v.version_sources.get().source.code for v in versions] == [SOURCE] * 5
