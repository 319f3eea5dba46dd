"""The Open Emission Factors Database (Climatiq OEFDB) CSV read as rows of the import template.

`importfactors FILE --format oefdb` reads the file through `oefdb_rows`, which turns each OEFDB
row into the template's cells (text, keyed by template column) and the issues the mapping
itself finds, named by the OEFDB column they are about; the planner then checks the cells as
it checks any template row. Region and activity unit are passed through as OEFDB writes them:
the registries decide, and a region or unit they lack is reported by the planner, never
invented here. docs/oefdb-mapping.md states every decision and what it does to the 6,181 rows
of the copy in factordb/data/oefdb/ (CC BY-SA 4.0, Climatiq; ATTRIBUTION.md there).
"""

import csv
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TextIO

from django.utils.translation import gettext as _

from factordb import consistency, gwp
from factordb.constants import Methodology
from factordb.models import GwpSet, VersionSource

from .cells import CellError, neutralise, read_decimal
from .columns import gas_column, header_row, source_columns
from .rows import Issue, SourceRow

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "data" / "oefdb"
SNAPSHOT = DATA_DIR / "OpenEmissionFactorsDB.csv"
CATEGORY_MAP = DATA_DIR / "category_map.csv"

# The header of the 2022-05-12 file; a later OEFDB adds a leading UUID column, which is ignored.
OEFDB_COLUMNS = (
    "sector", "category", "activity_id", "name", "activity_unit", "kgCO2e-AR5", "kgCO2e-AR4",
    "kgCO2", "kgCH4", "kgN2O", "kgCO2e-OtherGHGs-AR5", "kgCO2e-OtherGHGs-AR4", "uncertainty",
    "scope", "lca_activity", "source", "year_released", "years_valid", "years_calculated_from",
    "region", "data_quality", "contributor", "date_accessed", "description", "source_link",
)
HEADER_ROW = 1
# How OEFDB writes a value it does not have.
MISSING = frozenset({"", "not-supplied"})

DATASET = "OEFDB"
SOURCE = "climatiq-oefdb-2022-05-12"
# The CO2e total OEFDB states, in order of preference, and the GWP set it is stated under.
TOTALS = (("kgCO2e-AR5", "AR5"), ("kgCO2e-AR4", "AR4"))
# When OEFDB states no total, the database computes it from the breakdown under this set.
COMPUTED_UNDER = "AR5"
GASES = (("kgCO2", "CO2"), ("kgCH4", "CH4"), ("kgN2O", "N2O"))
OTHER_GASES = ("kgCO2e-OtherGHGs-AR5", "kgCO2e-OtherGHGs-AR4")
VALUE_COLUMNS = (*(column for column, _set in TOTALS), *(column for column, _gas in GASES), *OTHER_GASES)
# Biogenic CO2 reported beside a factor, not a factor (BEIS "incl. biogenic CO2" rows).
OUTSIDE_OF_SCOPES = "Outside of scopes"

# Pedigree scores the mapping assigns (OEFDB states none): reliability 4, as for any single
# third-party copy not checked against the original (factordb/seed/quality_grades.csv);
# the rest "not assessed", 3. Temporal is 4 when OEFDB states no data year.
QUALITY = {"dq_reliability": 4, "dq_completeness": 3, "dq_temporal": 3, "dq_geographical": 3,
           "dq_technological": 3}
UNDATED_TEMPORAL = 4
FLAGGED_RELIABILITY = 5
# OEFDB's data_quality flags (its DATA_GUIDANCE.md).
FLAGS = {"o": "outlier", "e": "erroneous calculation", "d": "outdated", "p": "partial factor",
         "h": "suspicious homogeneity across entries",
         "m": "notable methodological variance or lack of clarity"}

LOCATOR_LENGTH = VersionSource._meta.get_field("locator").max_length
_YEAR = re.compile(r"\d{4}")
_YEARS = re.compile(r"(\d{4})(?:-(\d{4}))?")


class OefdbRefused(ValueError):
    """The file cannot be read as OEFDB's, so no row of it is mapped; `issues` say why: the
    header's (row 1, by column) or where the CSV itself breaks."""

    def __init__(self, issues: list[Issue]):
        super().__init__("; ".join(f"row {issue.row} {issue.column}: {issue.reason}" for issue in issues))
        self.issues = issues


@dataclass(frozen=True)
class CategoryMapping:
    """One row of category_map.csv: which OEFDB rows become factors of which category and boundary."""

    activity_id: str
    lca_activity: str
    activity_units: frozenset[str]  # empty: any unit
    category: str
    boundary: str


@cache
def category_map() -> dict[str, list[CategoryMapping]]:
    """category_map.csv by activity_id."""
    found: dict[str, list[CategoryMapping]] = {}
    with CATEGORY_MAP.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            units = frozenset(unit for unit in row["activity_units"].split("|") if unit)
            found.setdefault(row["activity_id"], []).append(CategoryMapping(
                row["activity_id"], row["lca_activity"], units, row["category"], row["boundary"]))
    return found


def header_issues(headers: Iterable[str]) -> list[Issue]:
    """What makes a header not OEFDB's: a missing column, or a column named twice."""
    headers = [header.strip() for header in headers]
    issues = [Issue(HEADER_ROW, column, _("缺少 OEFDB 列“%(column)s”。") % {"column": column})
              for column in OEFDB_COLUMNS if column not in headers]
    issues += [Issue(HEADER_ROW, column, _("OEFDB 列“%(column)s”在表头中出现了不止一次。")
                     % {"column": column})
               for column in OEFDB_COLUMNS if headers.count(column) > 1]
    return issues


def oefdb_rows(stream: TextIO, gwp_values: Mapping[str, Mapping[str, Decimal]] | None = None,
               ) -> Iterator[SourceRow]:
    """Each data row of an OEFDB CSV (text, read with newline="") as a template row, header = row 1.

    Raises OefdbRefused before any row when the header is not OEFDB's, and where the CSV
    breaks (a stray quote) if it does. `gwp_values` ({set code: {gas code: GWP}}) decide
    whether a stated total agrees with its breakdown; by default the database's AR4 and AR5 sets.
    """
    reader = csv.reader(stream, strict=True)
    number = HEADER_ROW - 1  # the last row read
    try:
        headers = [header.strip().lstrip("\ufeff") for header in next(reader, [])]
        number = HEADER_ROW
        issues = header_issues(headers)
        if issues:
            raise OefdbRefused(issues)
        if gwp_values is None:
            gwp_values = stored_gwp_values()
        # Rows are numbered as a spreadsheet shows them, not by physical line: a quoted
        # description may hold a line break.
        for number, cells in enumerate(reader, start=HEADER_ROW + 1):
            if any(cell.strip() for cell in cells):
                yield _checked_row(number, headers, cells, gwp_values)
    except csv.Error as exc:
        broken = number + 1  # the row after the last one read
        raise OefdbRefused([Issue(broken, "", _("第 %(row)d 行无法按 CSV 读取（%(reason)s），文件未导入。")
                                  % {"row": broken, "reason": exc})]) from exc


def _checked_row(number: int, headers: list[str], cells: list[str],
                 gwp_values: Mapping[str, Mapping[str, Decimal]]) -> SourceRow:
    row = map_row(number, dict(zip(headers, cells, strict=False)), gwp_values)
    if len(cells) != len(headers):
        row.issues.insert(0, Issue(number, "", _(
            "本行有 %(cells)d 个单元格，而 OEFDB 表头有 %(columns)d 列。"
        ) % {"cells": len(cells), "columns": len(headers)}))
    return row


def stored_gwp_values() -> dict[str, dict[str, Decimal]]:
    """{set code: {gas code: GWP}} of the GWP sets OEFDB states totals under, as stored."""
    return {gwp_set.code: gwp.gwp_values(gwp_set)
            for gwp_set in GwpSet.objects.filter(code__in=[code for _column, code in TOTALS])}


def map_row(number: int, raw: Mapping[str, str | None],
            gwp_values: Mapping[str, Mapping[str, Decimal]]) -> SourceRow:
    """One OEFDB row (cells by OEFDB column) as a template row with the mapping's own issues."""
    row = _Row(number, {column: (raw.get(column) or "").strip() for column in OEFDB_COLUMNS})
    cells = dict.fromkeys(header_row(), "")
    cells |= {"dataset": DATASET, "region": row["region"], "unit": row["activity_unit"],
              "method": Methodology.OEFDB.value, "name_zh": neutralise(row["name"]),
              "name_en": neutralise(row["name"])}
    cells |= row.classification()
    cells |= row.emissions(gwp_values)
    cells |= row.years()
    cells |= row.quality()  # reads what emissions() and years() found
    cells |= row.texts()  # carries the notes of all the above
    return SourceRow(number=number, cells=cells, issues=row.issues)


class _Row:
    """The mapping of one OEFDB row: its cells, part by part, and what it found on the way."""

    def __init__(self, number: int, raw: dict[str, str]):
        self.number = number
        self.raw = raw
        self.issues: list[Issue] = []
        self.notes: list[str] = []  # what the mapping did, in the version's English notes
        self.dated = False
        self.all_zero = False

    def __getitem__(self, column: str) -> str:
        return self.raw[column]

    def given(self, column: str) -> bool:
        return self.raw[column] not in MISSING

    def refuse(self, column: str, reason: str) -> None:
        self.issues.append(Issue(self.number, column, reason))

    def classification(self) -> dict[str, str]:
        """Category and boundary from category_map.csv: activity_id, then lca_activity, then unit."""
        candidates = category_map().get(self["activity_id"], [])
        if not candidates:
            self.refuse("category", _(
                "OEFDB 类别“%(category)s”（activity_id %(activity_id)s）没有对应的类别映射。"
            ) % {"category": self["category"], "activity_id": self["activity_id"]})
            return {}
        by_stage = [m for m in candidates if m.lca_activity == self["lca_activity"]]
        if not by_stage:
            self.refuse("lca_activity", _(
                "activity_id %(activity_id)s 的 lca_activity“%(lca)s”没有对应的生命周期边界"
                "（映射只接受：%(accepted)s）。"
            ) % {"activity_id": self["activity_id"], "lca": self["lca_activity"],
                 "accepted": ", ".join(sorted({m.lca_activity for m in candidates}))})
            return {}
        unit = self["activity_unit"]
        mapping = next((m for m in by_stage if not m.activity_units or unit in m.activity_units), None)
        if mapping is None:
            self.refuse("activity_unit", _(
                "activity_id %(activity_id)s 按活动单位“%(unit)s”给出的值没有类别映射"
                "（映射只接受：%(accepted)s）。"
            ) % {"activity_id": self["activity_id"], "unit": unit,
                 "accepted": ", ".join(sorted({u for m in by_stage for u in m.activity_units}))})
            return {}
        return {"category": mapping.category, "boundary": mapping.boundary}

    def emissions(self, gwp_values: Mapping[str, Mapping[str, Decimal]]) -> dict[str, str]:
        """Total, GWP set and breakdown. A stated total is kept as stated; its breakdown only if
        complete and in agreement with it (ADR 0020): otherwise the total alone, and the notes say why."""
        if self["scope"] == OUTSIDE_OF_SCOPES:
            self.refuse("scope", _(
                "“Outside of scopes”行给出的是在范围之外单独报告的生物源 CO2，"
                "不是一个因子的 CO2e 合计，不导入。"))
        values = self.values()
        total = next(((column, code) for column, code in TOTALS if column in values), None)
        gases = {code: column for column, code in GASES if column in values}
        others = [column for column in OTHER_GASES if column in values and values[column] != 0]
        if not any(self.given(column) for column in VALUE_COLUMNS):
            self.refuse("kgCO2e-AR5", _("本行没有任何排放量数值（%(columns)s 均为空或 not-supplied）。")
                        % {"columns": ", ".join(VALUE_COLUMNS)})
        self.all_zero = bool(values) and not any(values.values())
        if total is None:
            if others:
                self.refuse(others[0], _(
                    "给出了其他温室气体的 CO2e（%(column)s），却没有 CO2e 合计：分气体数据容纳不了"
                    "“其他温室气体”，合计也就无从得出。") % {"column": others[0]})
            if gases:
                self.notes.append(f"OEFDB states no CO2e total: the database computes it from the gas "
                                  f"breakdown under {COMPUTED_UNDER}.")
            return {"gwp_set": COMPUTED_UNDER} | self.breakdown(gases)
        total_column, gwp_set = total
        cells = {"co2e_total": self[total_column], "gwp_set": gwp_set}
        if not gases:
            return cells
        written = ", ".join(f"{column} {self[column]}" for column in gases.values())
        if others:
            self.notes.append(f"Gas breakdown not imported ({written}): OEFDB also states other gases "
                              f"({others[0]} {self[others[0]]}), which a breakdown cannot hold.")
            return cells
        amounts = {code: values[column] for code, column in gases.items()}
        disagreement = (consistency.co2e_disagreement(values[total_column], amounts, gwp_values[gwp_set])
                        if gwp_set in gwp_values else None)
        if disagreement is not None:
            self.notes.append(
                f"Gas breakdown not imported ({written}): under {gwp_set} it gives "
                f"{disagreement.computed.normalize():f} kg CO2e, not the stated {self[total_column]} "
                f"(ADR 0020); the stated total is kept alone.")
            # The BEIS rows: BEIS states CH4 and N2O in kg CO2e, and OEFDB copied them as kg of gas.
            plain_sum = sum(amounts.values())
            if len(amounts) > 1 and abs(plain_sum - disagreement.stated) <= disagreement.tolerance:
                self.notes.append("Its amounts add up to the stated total as they are: the CH4 and N2O "
                                  "columns seem to hold kg CO2e, not kg of gas.")
            return cells
        return cells | self.breakdown(gases)

    def breakdown(self, gases: dict[str, str]) -> dict[str, str]:
        return {gas_column(code): self[column] for code, column in gases.items()}

    def values(self) -> dict[str, Decimal]:
        """The value columns OEFDB gives, as numbers; one that is not a number is refused by name."""
        values = {}
        for column in VALUE_COLUMNS:
            if not self.given(column):
                continue
            try:
                values[column] = read_decimal(self[column])
            except CellError as exc:
                self.refuse(column, str(exc))
        return values

    def years(self) -> dict[str, str]:
        """The reference year is the data year (years_calculated_from) when OEFDB states it, else
        the release year (the data cannot be newer); years_valid becomes the validity period."""
        cells = {}
        column = "years_calculated_from" if self.given("years_calculated_from") else "year_released"
        if not self.given(column):
            self.refuse("year_released", _("没有年份：years_calculated_from 与 year_released 均为空。"))
        elif not _YEAR.fullmatch(self[column]):
            self.refuse(column, _("“%(text)s”不是四位数的年份。") % {"text": self[column]})
        else:
            cells["year"] = self[column]
            self.dated = column == "years_calculated_from"
        match = _YEARS.fullmatch(self["years_valid"])
        if match and int(match[1]) <= int(match[2] or match[1]):
            cells |= {"valid_from": f"{match[1]}-01-01", "valid_to": f"{match[2] or match[1]}-12-31"}
        elif self.given("years_valid"):
            self.notes.append(f"years_valid '{self['years_valid']}' is not a year or a range of years: "
                              f"no validity period set.")
        return cells

    def quality(self) -> dict[str, str]:
        """Assigned scores and the note saying so; after emissions() and years(), which it reads."""
        scores = dict(QUALITY)
        temporal = "temporal 3 (not assessed)"
        if not self.dated:
            scores["dq_temporal"] = UNDATED_TEMPORAL
            temporal = "temporal 4 (OEFDB states no data year; the year is the release year)"
        said = [f"Data-quality scores assigned by the OEFDB mapping, not by the source: reliability 4 "
                f"(a single third-party compilation, not checked against the original publication); "
                f"completeness, geographical and technological representativeness 3 (not assessed); "
                f"{temporal}."]
        flags = [flag for flag in self["data_quality"].split("|") if flag]
        if flags:
            scores["dq_reliability"] = FLAGGED_RELIABILITY
            said.append("Reliability 5: OEFDB flags this row as "
                        + ", ".join(FLAGS.get(flag, f"'{flag}'") for flag in flags) + ".")
        if self.given("uncertainty"):
            said.append(f"OEFDB uncertainty: {self['uncertainty']} % (its confidence level is not stated, "
                        f"so it is not stored as a 95 % interval).")
        if self.all_zero:
            said.append("OEFDB states zero for every value of this row.")
        return {column: str(score) for column, score in scores.items()} | {"quality_note": " ".join(said)}

    def texts(self) -> dict[str, str]:
        origin = f"{self['source']} {self['year_released']}".strip()
        about = (f"OEFDB row {self.number}: activity_id {self['activity_id']}; source {origin}; "
                 f"scope {self['scope'] or '-'}; lca_activity {self['lca_activity'] or '-'}; "
                 f"contributor {self['contributor'] or '-'}, accessed {self['date_accessed'] or '-'}.")
        notes_en = " ".join(part for part in (self["description"], about, *self.notes) if part)
        notes_zh = (f"由 Climatiq 开放排放因子数据库（OEFDB，CC BY-SA 4.0）第 {self.number} 行导入，"
                    f"原始来源：{origin or '未注明'}。OEFDB 只有英文名称和说明，见英文备注。")
        code_column, locator_column = source_columns(1)
        return {"notes_en": neutralise(notes_en), "notes_zh": notes_zh,
                code_column: SOURCE, locator_column: neutralise(self.locator(origin))}

    def locator(self, origin: str) -> str:
        """Where in OEFDB, and whom it cites: row, activity_id, publisher and year, link."""
        parts = [f"row {self.number}", self["activity_id"], origin, self["source_link"]]
        text = "; ".join(part for part in parts if part)
        if len(text) > LOCATOR_LENGTH:  # the activity_id is in the notes too
            text = "; ".join(part for part in (parts[0], *parts[2:]) if part)
        return text[:LOCATOR_LENGTH]
