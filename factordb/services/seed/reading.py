"""Reading the seed files: parse and check everything before the database is touched."""

import csv
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from factordb import gwp, units
from factordb.constants import GasOrigin, LifecycleBoundary, Methodology, RegionKind
from factordb.models.reference import normal_unit_name

from .plan import (
    CO2_PER_C,
    DERIVED_PLACES,
    PARAMETER_UNITS,
    PER_HEAT_GASES,
    QUALITY_FIELDS,
    SEED_DIR,
    TOTAL_PLACES,
    FactorSpec,
    Row,
    SeedError,
    SeedPlan,
    Spec,
    seed_public_id,
)


def _rows(seed_dir: Path, name: str) -> list[Row]:
    path = seed_dir / name
    if not path.exists():
        raise SeedError(f"{name}, row 0, field '-': file missing from {seed_dir}")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    # Leading '#' comment lines (the GWP file has them) still count in the line numbers.
    comments = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    reader = csv.DictReader(lines[comments:])
    return [Row(name, reader.line_num + comments, row) for row in reader]


def _coded(row: Row, fields: dict, extra: dict | None = None) -> Spec:
    """A spec for a model whose natural key is its `code`."""
    code = row.text("code")
    return Spec(code, fields | {"code": code}, row, extra or {})


def _unique(specs: dict, spec: Spec, name: str) -> None:
    if spec.key in specs:
        raise spec.row.error(name, f"duplicate '{spec.key}'")
    specs[spec.key] = spec


def _known(row: Row, name: str, specs: dict, *, required: bool = True) -> str:
    value = row.text(name, required=required)
    if value and value not in specs:
        raise row.error(name, f"unknown {name} '{value}'")
    return value


def _read_sources(plan: SeedPlan, seed_dir: Path) -> None:
    for row in _rows(seed_dir, "sources.csv"):
        fields = {name: row.text(name) for name in ("title", "publisher", "language")}
        fields["code"] = row.text("key")
        fields |= {name: row.text(name, required=False)
                   for name in ("url", "document_id", "licence", "verification_note")}
        fields |= {"year": int(row.decimal("year")), "published_on": row.date("published_on")}
        _unique(plan.sources, Spec(row.text("key"), fields, row, {"in_force_on": row.date("in_force_on")}),
                "key")


def _read_simple(plan: SeedPlan, seed_dir: Path) -> None:
    for row in _rows(seed_dir, "datasets.csv"):
        fields = {name: row.text(name) for name in ("name_zh", "name_en", "publisher")}
        fields |= {"authority_rank": row.quality("authority_rank"),
                   "description": row.text("description", required=False)}
        _unique(plan.datasets, _coded(row, fields), "code")
    for row in _rows(seed_dir, "units.csv"):
        fields = {name: row.text(name) for name in ("symbol", "pint_expression", "name_zh", "name_en")}
        fields["dimension"] = row.choice("dimension", units.DIMENSION_REFERENCE_UNITS)
        try:
            actual = units.dimension_name(fields["pint_expression"])
        except units.UnitError as exc:
            raise row.error("pint_expression", str(exc)) from exc
        if actual != fields["dimension"]:
            raise row.error("dimension", f"{fields['pint_expression']} is {actual}")
        _unique(plan.units, _coded(row, fields), "code")
    _read_unit_aliases(plan, seed_dir)
    for row in _rows(seed_dir, "gases.csv"):
        fields = {name: row.text(name) for name in ("formula", "name_zh", "name_en")}
        fields["origin"] = row.choice("origin", GasOrigin.values, required=False)
        fields["counts_in_co2e"] = row.choice("counts_in_co2e", {"true", "false"}) == "true"
        extra = {"gwp_species": row.text("gwp_species", required=False)}
        _unique(plan.gases, _coded(row, fields, extra), "code")


def _read_unit_aliases(plan: SeedPlan, seed_dir: Path) -> None:
    names = {spec.key: code for code, spec in plan.units.items()}
    names |= {spec.fields["symbol"]: code for code, spec in plan.units.items()}
    for row in _rows(seed_dir, "unit_aliases.csv"):
        # Keyed by the form it is stored and looked up in, so two spellings of one alias clash here.
        alias = normal_unit_name(row.text("alias"))
        if alias in names:
            raise row.error("alias", f"'{alias}' is already the code or symbol of unit {names[alias]}")
        fields = {"alias": alias, "unit": _known(row, "unit", plan.units)}
        _unique(plan.unit_aliases, Spec(alias, fields, row), "alias")


def _read_tree(plan_specs: dict, seed_dir: Path, name: str, extra) -> None:
    for row in _rows(seed_dir, name):
        parent = row.text("parent", required=False)
        if parent and parent not in plan_specs:
            raise row.error("parent", f"unknown parent '{parent}' (parents must come first)")
        fields = {"parent": parent or None, "name_zh": row.text("name_zh"), "name_en": row.text("name_en")}
        fields |= extra(row, plan_specs.get(parent))
        _unique(plan_specs, _coded(row, fields), "code")


def _category_fields(row: Row, parent: Spec | None) -> dict:
    dimension = row.choice("activity_dimension", units.DIMENSION_REFERENCE_UNITS, required=False)
    return {"activity_dimension": dimension, "description": row.text("description", required=False)}


def _region_fields(row: Row, parent: Spec | None) -> dict:
    kind = row.choice("kind", RegionKind.values)
    # A province without a grid would silently skip the grid step of the fallback chain.
    if kind == RegionKind.PROVINCE and (parent is None or parent.fields["kind"] != RegionKind.GRID):
        raise row.error("parent", "a province must fall back to a regional grid")
    return {"kind": kind}


def _read_gwp(plan: SeedPlan, seed_dir: Path) -> None:
    for row in _rows(seed_dir, "gwp_sets.csv"):
        fields = {"name": row.text("name"), "horizon_years": int(row.decimal("horizon_years")),
                  "source": _known(row, "source", plan.sources)}
        _unique(plan.gwp_sets, _coded(row, fields, {"column": row.text("column")}), "code")
    species = {spec.extra["gwp_species"]: code for code, spec in plan.gases.items()
               if spec.extra["gwp_species"]}
    for row in _rows(seed_dir, "globalwarmingpotentials.csv"):
        gas = species.get(row.text("Species"))
        for set_code, set_spec in plan.gwp_sets.items():
            column = set_spec.extra["column"]
            if gas and row.text(column, required=False):
                _unique(plan.gwp_values, Spec((set_code, gas), {"value": row.decimal(column)}, row), column)
    for row in _rows(seed_dir, "gwp_values_extra.csv"):
        key = (_known(row, "gwp_set", plan.gwp_sets), _known(row, "gas", plan.gases))
        fields = {"value": row.decimal("value"), "source": _known(row, "source", plan.sources),
                  "note": row.text("note", required=False)}
        _unique(plan.gwp_values, Spec(key, fields, row), "gas")


def _gwp_table(plan: SeedPlan, set_code: str) -> dict[str, Decimal]:
    table = {gas: spec.fields["value"] for (code, gas), spec in plan.gwp_values.items() if code == set_code}
    table |= {code: Decimal(0) for code, spec in plan.gases.items() if not spec.fields["counts_in_co2e"]}
    return table


def _quality_grades(seed_dir: Path) -> dict[str, tuple[int, str]]:
    return {row.text("verification"): (row.quality("dq_reliability"), row.text("reason"))
            for row in _rows(seed_dir, "quality_grades.csv")}


def _grade(row: Row, name: str, grades: dict) -> tuple[int, str]:
    verification = row.text(name)
    if verification not in grades:
        raise row.error(name, f"no grade in quality_grades.csv for '{verification}'")
    return grades[verification]


# --- Factors ---------------------------------------------------------------------------------


def _in_force_on(plan: SeedPlan, row: Row, source: str) -> date:
    in_force_on = plan.sources[source].extra["in_force_on"]
    if in_force_on is None:
        raise plan.sources[source].row.error("in_force_on", f"required: {row.file} row {row.line} cites it")
    return in_force_on


def _factor_spec(plan: SeedPlan, row: Row, key: str, identity: dict, identity_field: str,
                 **content) -> FactorSpec:
    """Check one factor's references and units, and complete its names and totals."""
    category, unit = plan.categories[identity["category"]], plan.units[identity["unit"]]
    dimension = category.fields["activity_dimension"]
    if dimension and unit.fields["dimension"] != dimension:
        raise row.error("unit", f"{identity['unit']} is {unit.fields['dimension']}, "
                                f"category {identity['category']} needs {dimension}")
    amounts = content.pop("gas_amounts")
    for gas in amounts:
        if gas not in plan.gases:
            raise row.error("gas", f"unknown gas '{gas}'")
    set_code = content.pop("gwp_set")
    stated = content.pop("stated_total", None)
    try:
        total = stated if stated is not None else gwp.co2e_from_breakdown(amounts, _gwp_table(plan, set_code))
    except gwp.GwpError as exc:
        raise row.error("gas", f"{set_code}: {exc}") from exc
    # The total is stored to 8 places; a 6-place amount times a 3-place GWP can have 9.
    total = total.quantize(TOTAL_PLACES)
    citations = content.pop("citations")
    region, year = plan.regions[identity["region"]].fields, identity["year"]
    identity |= {
        "name_zh": f"{category.fields['name_zh']}（{region['name_zh']}，{year}，每{unit.fields['name_zh']}）",
        "name_en": f"{category.fields['name_en']} ({region['name_en']}, {year}, per {unit.fields['symbol']})",
    }
    return FactorSpec(
        key=key, public_id=seed_public_id(key), identity=identity, content=content, gwp_set=set_code,
        gas_amounts=amounts, expected_total=total, citations=citations,
        published_on=_in_force_on(plan, row, citations[0][0]), row=row, identity_field=identity_field,
    )


def _per_activity_unit(row: Row, plan: SeedPlan, quantity: str) -> str:
    """The activity unit of a value written per unit, 'kg<quantity>/<unit code>' ('kgCO2/kWh')."""
    match = re.fullmatch(rf"kg{re.escape(quantity)}/(?P<unit>.+)", row.text("unit"))
    if not match or match["unit"] not in plan.units:
        raise row.error("unit", f"'{row.text('unit')}' is not kg{quantity}/<a unit code of units.csv>")
    return match["unit"]


def _read_electricity(plan: SeedPlan, seed_dir: Path, grades: dict) -> None:
    kinds = {row.text("factor_kind"): row for row in _rows(seed_dir, "electricity_kinds.csv")}
    years = {row.text("data_year"): row for row in _rows(seed_dir, "electricity_announcements.csv")}
    for row in _rows(seed_dir, "electricity_co2_factors.csv"):
        kind = kinds.get(row.choice("factor_kind", kinds))
        announcement = years.get(row.choice("data_year", years))
        gas = row.text("gas")
        unit = _per_activity_unit(row, plan, gas)
        reliability, reason = _grade(row, "verification", grades)
        identity = {
            "dataset": "MEE-GRID", "category": _known(kind, "category", plan.categories),
            "region": _known(row, "region_code", plan.regions), "unit": unit,
            "year": int(row.text("data_year")), "boundary": LifecycleBoundary.GRID_CONSUMPTION,
            "method": Methodology.MEE_GRID_FACTORS,
        }
        plan.factors.append(_factor_spec(
            plan, row, f"MEE-GRID/{row.text('data_year')}/{row.text('factor_kind')}/{identity['region']}",
            identity, "data_year, factor_kind, region_code",
            gas_amounts={gas: row.decimal("value")}, gwp_set="AR5",
            citations=[(_known(announcement, "source", plan.sources), announcement.text("locator"))],
            dq_reliability=reliability, **{name: kind.quality(name) for name in QUALITY_FIELDS},
            quality_note=f"{row.text('verification')}. {reason}", derivation={},
            notes_zh=f"{row.text('publisher')}：{row.text('announcement')}",
            notes_en=f"Published by {row.text('publisher')}: {row.text('announcement')}.",
        ))


def _read_electricity_footprint(plan: SeedPlan, seed_dir: Path, grades: dict) -> None:
    """Life-cycle (carbon footprint) factors: stated CO2e totals, no gas breakdown, with their own
    category, boundary and method, so that resolution never takes one for a grid CO2 factor."""
    for row in _rows(seed_dir, "electricity_footprint_factors.csv"):
        unit = _per_activity_unit(row, plan, "CO2e")
        reliability, reason = _grade(row, "verification", grades)
        identity = {
            "dataset": "MEE-ELEC-FOOTPRINT", "category": _known(row, "category", plan.categories),
            "region": _known(row, "region_code", plan.regions), "unit": unit,
            "year": int(row.decimal("data_year")), "boundary": LifecycleBoundary.LIFE_CYCLE,
            "method": Methodology.MEE_ELECTRICITY_FOOTPRINT,
        }
        source = _known(row, "source", plan.sources)
        publisher = plan.sources[source].fields["publisher"]
        plan.factors.append(_factor_spec(
            plan, row, f"MEE-ELEC-FOOTPRINT/{identity['year']}/{identity['category']}/{identity['region']}",
            identity, "data_year, category, region_code",
            # The announcement states totals in CO2e only; its GWP set was not seen (AR5 recorded,
            # as for the other totals stated only in CO2e).
            gas_amounts={}, gwp_set="AR5", stated_total=row.decimal("value"),
            citations=[(source, row.text("locator"))],
            dq_reliability=reliability, **{name: row.quality(name) for name in QUALITY_FIELDS},
            quality_note=f"{row.text('verification')}. Stated total in CO2e, no gas breakdown. {reason}",
            derivation={},
            notes_zh=f"{publisher}：电力碳足迹因子（全生命周期，含各种温室气体；非电力二氧化碳排放因子）",
            notes_en=(f"Published by {publisher}: electricity carbon footprint factors (life cycle, all "
                      "greenhouse gases); not the electricity CO2 emission factors."),
        ))


def _read_parameters(seed_dir: Path) -> dict[str, dict[str, tuple[Row, dict]]]:
    """{key: {parameter: (row, JSON entry)}}; 'same' in the source column means the row above's."""
    parameters, source = {}, ""
    for row in _rows(seed_dir, "fuel_and_material_defaults.csv"):
        source = source if row.text("source") == "same" else row.text("source")
        unit = row.choice("unit", PARAMETER_UNITS)
        entry = {"value": str(row.decimal("value")), "unit": unit, "source": source,
                 "seed_key": f"{row.text('key')}/{row.text('parameter')}",
                 "verification": row.text("verification")}
        parameters.setdefault(row.text("key"), {})[row.text("parameter")] = (row, entry)
    return parameters


def _derive(parameters: dict, names: list[str], constant: Decimal, unit: Spec) -> dict:
    """kg of gas per activity unit = product of parameters × constant × unit conversion (pint)."""
    product = constant
    for name in names:
        product *= Decimal(parameters[name][1]["value"])
    pint_units = [PARAMETER_UNITS[parameters[name][1]["unit"]] for name in names]
    expression = " * ".join(f"({u})" for u in pint_units if u) or "dimensionless"
    reference = units.DIMENSION_REFERENCE_UNITS[unit.fields["dimension"]]
    conversion = (units.convert(Decimal(1), expression, f"kg/({reference})")
                  * units.conversion_factor(unit.fields["pint_expression"], reference))
    return {"parameters": names, "constant": str(constant) if constant != CO2_PER_C else "44/12",
            "unit_conversion": str(conversion.normalize()),
            "result": str((product * conversion).quantize(DERIVED_PLACES))}


def _recipe(parameters: dict, unit: Spec) -> dict[str, tuple[list[str], Decimal, str]]:
    """{gas: (parameter names, constant, formula)} for the parameters a key has."""
    per_heat = unit.fields["dimension"] == "energy"
    ncv = [] if per_heat else ["net_calorific_value"]
    if "carbon_content_per_heat" in parameters:
        names = [*ncv, "carbon_content_per_heat", "oxidation_rate"]
        return {"CO2": (names, CO2_PER_C, " × ".join(["NCV"] * bool(ncv) + ["CC", "OF", "44/12"]))}
    if "co2_per_mass" in parameters:
        return {"CO2": (["co2_per_mass"], Decimal(1), "EF (stated)")}
    return {gas: ([*ncv, name], Decimal(1), " × ".join(["NCV"] * bool(ncv) + [f"EF_{gas}"]))
            for name, gas in PER_HEAT_GASES.items() if name in parameters}


def _read_definitions(plan: SeedPlan, seed_dir: Path, grades: dict) -> None:
    all_parameters = _read_parameters(seed_dir)
    for row in _rows(seed_dir, "factor_definitions.csv"):
        key = row.text("key")
        parameters = dict(all_parameters.get(key) or {})
        if not parameters:
            raise row.error("key", f"no parameters for '{key}' in fuel_and_material_defaults.csv")
        parameters |= all_parameters.get(row.text("extra_gases", required=False), {})
        unit = plan.units[_known(row, "unit", plan.units)]
        try:
            gases = {gas: _derive(parameters, *recipe[:2], unit) | {"formula": recipe[2]}
                     for gas, recipe in _recipe(parameters, unit).items()}
        except KeyError as exc:
            raise row.error("key", f"'{key}' lacks parameter {exc}") from exc
        except units.UnitError as exc:
            raise row.error("unit", f"cannot derive a factor per {row.text('unit')}: {exc}") from exc
        stated = next((name for name in parameters if name.startswith("co2e_per_")), None)
        # Only the parameters a factor is computed from decide its reliability and are cited.
        names = {name for entry in gases.values() for name in entry["parameters"]} | {stated} - {None}
        used = {name: entry for name, entry in parameters.items() if name in names}
        worst = max((_grade(p_row, "verification", grades) for p_row, _ in used.values()),
                    key=lambda grade: grade[0])
        identity = {
            "dataset": _known(row, "dataset", plan.datasets),
            "category": _known(row, "category", plan.categories),
            "region": _known(row, "region", plan.regions), "unit": row.text("unit"),
            "year": int(row.decimal("year")), "boundary": row.choice("boundary", LifecycleBoundary.values),
            "method": row.choice("method", Methodology.values),
        }
        citations = [tuple(part.split("|", 1)) for part in row.text("citations").split(";")]
        for source, _locator in citations:
            if source not in plan.sources:
                raise row.error("citations", f"unknown source '{source}'")
        plan.factors.append(_factor_spec(
            plan, row, f"{key}/{row.text('unit')}", identity, "key, unit",
            gas_amounts={gas: Decimal(entry["result"]) for gas, entry in gases.items()},
            gwp_set=_known(row, "gwp_set", plan.gwp_sets),
            stated_total=_stated_total(parameters, stated, unit) if stated else None,
            citations=citations, dq_reliability=worst[0],
            **{name: row.quality(name) for name in QUALITY_FIELDS},
            quality_note=_parameters_note(used, worst[1]),
            derivation={"parameters": {name: entry for name, (_, entry) in used.items()}, "gases": gases,
                        "result_unit": f"kg/{unit.fields['symbol']}", "rounding": str(DERIVED_PLACES)},
        ))


def _stated_total(parameters: dict, name: str, unit: Spec) -> Decimal:
    return Decimal(_derive(parameters, [name], Decimal(1), unit)["result"])


def _parameters_note(parameters: dict, reason: str) -> str:
    lines = [f"{entry['seed_key']}: {entry['verification']}" for _, entry in parameters.values()]
    return "; ".join(lines) + f". Graded on the weakest parameter: {reason}"


def _check_identities(plan: SeedPlan) -> None:
    seen: dict[object, str] = {}
    for spec in plan.factors:
        for marker in (tuple(spec.identity[k] for k in ("dataset", "category", "region", "unit", "year",
                                                           "boundary", "method")), spec.public_id):
            if marker in seen:
                problem = f"duplicate factor identity (same as {seen[marker]})"
                raise spec.row.error(spec.identity_field, problem)
            seen[marker] = f"{spec.row.file} row {spec.row.line}"


def seed_read(seed_dir: Path = SEED_DIR) -> SeedPlan:
    """Parse and check every seed file; raises SeedError naming file, row and field."""
    plan = SeedPlan()
    _read_sources(plan, seed_dir)
    _read_simple(plan, seed_dir)
    _read_gwp(plan, seed_dir)
    _read_tree(plan.categories, seed_dir, "categories.csv", _category_fields)
    _read_tree(plan.regions, seed_dir, "regions.csv", _region_fields)
    grades = _quality_grades(seed_dir)
    _read_electricity(plan, seed_dir, grades)
    _read_electricity_footprint(plan, seed_dir, grades)
    _read_definitions(plan, seed_dir, grades)
    _check_identities(plan)
    return plan


