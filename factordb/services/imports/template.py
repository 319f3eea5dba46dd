"""The blank import template: a CSV header row, or an XLSX with the codes it may use.

Both take their columns from `columns.header_row()`, so the template can never differ from
what the import reads. The XLSX adds, after the "factors" sheet the import reads (its first),
the code lists as they stand in the database when it is downloaded, and a notes sheet
pointing at docs/import-format.md. Its text is bilingual, as the template is one file for
every reader whatever the language of the page it came from.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from factordb.constants import LifecycleBoundary, Methodology, UncertaintyDistribution
from factordb.models import Category, Dataset, Gas, GwpSet, Region, Source, Unit, UnitAlias

from . import columns

FACTORS_SHEET = "factors"
# Excel refuses / \ ? * [ ] : in sheet names, so the bilingual names are joined by a space.
CODES_SHEET = "代码表 codes"
NOTES_SHEET = "说明 notes"
DOC = "docs/import-format.md"

CODES_HEADER = ("列 column", "代码 code", "中文名称 name (zh)", "English name", "说明 details")
# The static choice lists, by the column that takes them.
CHOICES = {"boundary": LifecycleBoundary, "method": Methodology,
           "uncertainty_distribution": UncertaintyDistribution}

_BOLD = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
_SECTION_FILL = PatternFill("solid", fgColor="DDEBF7")
# The last row of a worksheet: the choice lists' drop-downs cover every data row.
_LAST_ROW = 1_048_576

NOTES = (
    ("导入模板 · Import template", None),
    ("格式说明见 docs/import-format.md（每一列的含义、单位、代码表和示例）。",
     "The format is described in docs/import-format.md: every column, its unit, its code lists, "
     "and a worked example."),
    ("只读取第一个工作表“factors”；第 1 行为列名，请勿修改；数据从第 2 行开始。",
     "Only the first sheet, \"factors\", is read. Row 1 is the header: keep it as it is. "
     "Data starts on row 2."),
    ("带底色的列为必填。",
     "Shaded headers are required columns."),
    ("本工作簿的“代码表 codes”列出下载时数据库中的代码；最新代码见管理后台或 API（/api/v1/categories/ 等）。",
     "The \"代码表 codes\" sheet lists the codes in the database when this file was downloaded; "
     "the live lists are in the admin and the API (/api/v1/categories/ and others)."),
    ("数值：只用英文句点作小数点，不加千位分隔符（1234.5，而不是 1,234.5 或 1234,5）。",
     "Numbers: a point as the decimal mark and no thousands separators (1234.5, not 1,234.5 or 1234,5)."),
    ("排放量的单位为 kg/活动单位（CO2e 合计为 kg CO2e，分气体为该气体的 kg）。",
     "Amounts are kg per activity unit: co2e_total in kg CO2e, gas_<CODE> in kg of that gas."),
    ("co2e_total 留空时，按 gwp_set 由分气体排放量计算。",
     "A blank co2e_total is computed from the gas columns under gwp_set."),
    ("以 = + - @ 开头的文字须在前面加英文单引号 '（导入时去掉）。",
     "Text beginning with = + - @ needs a leading apostrophe ' (dropped on import)."),
    ("日期写成 YYYY-MM-DD，或设为 Excel 日期格式。",
     "Dates as YYYY-MM-DD, or as Excel date cells."),
    ("导入先预览，确认后才写入；全部成功或全部不写入。",
     "An import is previewed first and written only when confirmed: all rows or none."),
)


@dataclass(frozen=True)
class CodeRow:
    """One row of the codes sheet: which template column takes the code, and what it means."""

    column: str
    code: str
    name_zh: str = ""
    name_en: str = ""
    details: str = ""


def template_csv(bom: bool = True) -> bytes:
    """The header row of a blank CSV import file; with a BOM, Excel reads its UTF-8 right."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerow(columns.header_row())
    return text.getvalue().encode("utf-8-sig" if bom else "utf-8")


def template_xlsx() -> bytes:
    """A blank XLSX import file: the header row, the current code lists and the notes."""
    workbook = Workbook()
    factors = workbook.active
    factors.title = FACTORS_SHEET
    header = columns.header_row()
    _write_header(factors, header)
    codes = workbook.create_sheet(CODES_SHEET)
    choice_ranges = _write_codes(codes, code_rows())
    _add_choice_lists(factors, header, choice_ranges)
    _write_notes(workbook.create_sheet(NOTES_SHEET))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def code_rows() -> list[CodeRow]:
    """Every code an import file may use, list by list, as the database holds them now."""
    return [*_datasets(), *_categories(), *_regions(), *_units(), *_gases(), *_gwp_sets(), *_sources(),
            *(row for name, choices in CHOICES.items() for row in _choices(name, choices))]


def _write_header(sheet: Worksheet, header: list[str]) -> None:
    sheet.append(header)
    for index, name in enumerate(header, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = _BOLD
        column = columns.BY_NAME.get(name)
        if column is not None and column.required:
            cell.fill = _REQUIRED_FILL
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(name) + 4)
    sheet.freeze_panes = "A2"


def _write_codes(sheet: Worksheet, rows: Iterable[CodeRow]) -> dict[str, str]:
    """Write the code lists; return the cell range of each choice column's values."""
    sheet.append(CODES_HEADER)
    for cell in sheet[1]:
        cell.font = _BOLD
        cell.fill = _SECTION_FILL
    first_row: dict[str, int] = {}
    last_row: dict[str, int] = {}
    for row in rows:
        sheet.append((row.column, row.code, row.name_zh, row.name_en, row.details))
        first_row.setdefault(row.column, sheet.max_row)
        last_row[row.column] = sheet.max_row
    for letter, width in zip("ABCDE", (18, 30, 36, 44, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    quoted = CODES_SHEET.replace("'", "''")
    return {name: f"'{quoted}'!$B${first_row[name]}:$B${last_row[name]}" for name in CHOICES}


def _add_choice_lists(sheet: Worksheet, header: list[str], ranges: dict[str, str]) -> None:
    # A drop-down of the allowed values: typos in these columns are caught while typing.
    for name, cells in ranges.items():
        letter = get_column_letter(header.index(name) + 1)
        validation = DataValidation(type="list", formula1=cells, allow_blank=True, showErrorMessage=True,
                                    errorTitle=name, error="请从列表中选择 · Choose a value from the list")
        validation.add(f"{letter}2:{letter}{_LAST_ROW}")
        sheet.add_data_validation(validation)


def _write_notes(sheet: Worksheet) -> None:
    sheet.column_dimensions["A"].width = 70
    sheet.column_dimensions["B"].width = 90
    for zh, en in NOTES:
        sheet.append((zh, en))
    sheet["A1"].font = Font(bold=True, size=14)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap


def _datasets() -> Iterator[CodeRow]:
    for dataset in Dataset.objects.order_by("authority_rank", "code"):
        yield CodeRow("dataset", dataset.code, dataset.name_zh, dataset.name_en,
                      f"{dataset.publisher}; 权威等级 authority rank {dataset.authority_rank}")


def _categories() -> Iterator[CodeRow]:
    for category in Category.objects.select_related("parent").order_by("path"):
        details = [f"上级 parent {category.parent.code}" if category.parent else ""]
        if category.activity_dimension:
            details.append(f"活动单位量纲 unit dimension {category.activity_dimension}")
        yield CodeRow("category", category.code, category.name_zh, category.name_en,
                      "; ".join(part for part in details if part))


def _regions() -> Iterator[CodeRow]:
    for region in Region.objects.select_related("parent").order_by("path"):
        parent = f"; 回退上级 falls back to {region.parent.code}" if region.parent else ""
        yield CodeRow("region", region.code, region.name_zh, region.name_en, f"{region.kind}{parent}")


def _units() -> Iterator[CodeRow]:
    units = Unit.objects.prefetch_related(Prefetch("aliases", queryset=UnitAlias.objects.order_by("alias")))
    for unit in units.order_by("dimension", "code"):
        aliases = ", ".join(alias.alias for alias in unit.aliases.all())
        details = f"符号 symbol {unit.symbol}; 量纲 dimension {unit.dimension}"
        if aliases:
            details += f"; 别名 aliases: {aliases}"
        yield CodeRow("unit", unit.code, unit.name_zh, unit.name_en, details)


def _gases() -> Iterator[CodeRow]:
    for gas in Gas.objects.order_by("code"):
        details = f"kg {gas.formula}"
        if not gas.counts_in_co2e:
            details += "; 不计入 CO2e 合计 not counted in the CO2e total"
        yield CodeRow(columns.gas_column(gas.code), gas.code, gas.name_zh, gas.name_en, details)


def _gwp_sets() -> Iterator[CodeRow]:
    for gwp_set in GwpSet.objects.select_related("source").order_by("code"):
        yield CodeRow("gwp_set", gwp_set.code, "", gwp_set.name,
                      f"{gwp_set.horizon_years} 年 years; 来源 source {gwp_set.source.code}")


def _sources() -> Iterator[CodeRow]:
    for source in Source.objects.order_by("code"):
        # A source has one title, in its own language.
        title_zh, title_en = (source.title, "") if source.language == "zh" else ("", source.title)
        yield CodeRow(columns.SOURCE_PREFIX, source.code, title_zh, title_en,
                      f"{source.publisher} ({source.year})")


def _choices(column: str, choices) -> Iterator[CodeRow]:
    for value, label in choices.choices:
        with translation.override("zh-hans"):
            zh = str(label)
        with translation.override("en"):
            en = str(label)
        yield CodeRow(column, value, zh, en, "" if value else "留空 leave blank")
