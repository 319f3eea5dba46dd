"""Regions side by side: one category and year, every province's and grid's value."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from factordb.charts import Bar, bar_chart
from factordb.constants import RegionKind
from factordb.models import FactorVersion, Unit
from factordb.selectors_series import (
    ComparableCategory,
    comparable_categories,
    default_comparison,
    region_values,
    units_by_use,
)
from factordb.templatetags.charts import activity_unit
from factordb.templatetags.public import localized
from factordb.views.public.caching import public_page

# The order the table's groups come in: the reference (national) value first.
KIND_ORDER = [RegionKind.WORLD, RegionKind.COUNTRY, RegionKind.GRID, RegionKind.PROVINCE]
# Shown as a reference whatever the kind filter: the value the others are read against.
REFERENCE_KINDS = {RegionKind.COUNTRY}
SORTS = [("value", gettext_lazy("按数值（从高到低）")), ("name", gettext_lazy("按地区名称"))]


class ComparisonForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("类别"), required=False, error_messages={
        "invalid_choice": gettext_lazy("没有这个类别，或它只有一个地区的数值，无从对比。")})
    year = forms.CharField(label=gettext_lazy("年份"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("地区类型"), required=False, error_messages={
        "invalid_choice": gettext_lazy("地区类型须为全国、区域电网或省级。")})
    unit = forms.CharField(label=gettext_lazy("单位"), required=False)
    sort = forms.ChoiceField(label=gettext_lazy("排序"), required=False, choices=SORTS, error_messages={
        "invalid_choice": gettext_lazy("排序方式须为按数值或按地区名称。")})

    def __init__(self, data, choices: list[ComparableCategory]) -> None:
        super().__init__(data)
        self.choices = {choice.category.code: choice for choice in choices}
        self.fields["category"].choices = [(code, localized(choice.category, "name"))
                                           for code, choice in self.choices.items()]
        self.fields["kind"].choices = [("", _("全部地区")),
                                       *((kind.value, kind.label) for kind in KIND_ORDER)]
        self.default = default_comparison(choices)

    @property
    def chosen(self) -> ComparableCategory | None:
        """The category whose years the year select offers: the one asked for, else the default."""
        code = self.data.get("category")
        if code in self.choices:
            return self.choices[code]
        return self.default[0] if self.default else None

    def clean_category(self) -> ComparableCategory | None:
        code = self.cleaned_data["category"]
        return self.choices[code] if code else (self.default[0] if self.default else None)

    def clean_year(self) -> str:
        return self.cleaned_data["year"].strip()

    def clean(self) -> dict:
        cleaned = super().clean()
        choice, text = cleaned.get("category"), cleaned.get("year")
        if choice is None or text is None:
            return cleaned
        if not text:
            cleaned["year"] = choice.best_year
        elif not text.isdigit():
            self.add_error("year", _("年份须为四位数字，如 2022。"))
        elif int(text) not in choice.regions_by_year:
            self.add_error("year", _("%(year)s 年没有该类别的已发布数值；可选年份：%(years)s。") % {
                "year": text, "years": ", ".join(str(year) for year in choice.years)})
        else:
            cleaned["year"] = int(text)
        cleaned["sort"] = cleaned.get("sort") or "value"
        return cleaned


@dataclass
class Row:
    version: FactorVersion
    label: str
    reference: bool


@public_page
def region_comparison(request: HttpRequest) -> HttpResponse:
    choices = comparable_categories()
    form = ComparisonForm(request.GET, choices)
    context = {"form": form, "choices": choices, "sorts": SORTS, **_as_asked(form)}
    if not form.is_valid() or form.cleaned_data["category"] is None:
        return render(request, "factordb/public/compare.html", context)
    choice, year = form.cleaned_data["category"], form.cleaned_data["year"]
    versions = region_values(choice.category, year)
    units = units_by_use(versions)
    unit = _chosen_unit(form, units)
    if unit is None:
        return render(request, "factordb/public/compare.html", context)
    kind, sort = form.cleaned_data["kind"], form.cleaned_data["sort"]
    rows = _rows([v for v in versions if v.factor.unit == unit], kind, sort)
    unit_text = activity_unit(unit)
    title = _("%(category)s，%(year)s 年，各地区数值（%(unit)s）") % {
        "category": localized(choice.category, "name"), "year": year, "unit": unit_text}
    params = {"category": choice.category.code, "year": year, "sort": sort}
    if len(units) > 1:
        params["unit"] = unit.code
    context.update({
        "category": choice.category, "year": year, "unit": unit, "units": units, "unit_text": unit_text,
        "kind": kind, "sort": sort, "title": title, "rows": rows, "groups": _groups(rows),
        "has_reference": any(row.reference for row in rows),
        "kind_missing": bool(kind) and not any(row.version.factor.region.kind == kind for row in rows),
        "chart": bar_chart([Bar(row.label, row.version.co2e_total, row.reference) for row in rows],
                           title=title, unit=unit_text, chart_id="comparison"),
        "kind_links": _kind_links(params, kind, versions, unit),
        "sort_links": [(label, _url(params | {"sort": value, "kind": kind}), value == sort)
                       for value, label in SORTS],
    })
    return render(request, "factordb/public/compare.html", context)


def _as_asked(form: ComparisonForm) -> dict:
    """What the selects keep selected when the page answers with a message instead."""
    year = form.data.get("year", "")
    return {"category": form.chosen.category if form.chosen else None,
            "year": int(year) if year.isdigit() else None,
            "kind": form.data.get("kind", ""), "sort": form.data.get("sort", "value")}


def _chosen_unit(form: ComparisonForm, units: list[Unit]) -> Unit | None:
    code = form.cleaned_data["unit"]
    if not code:
        return units[0] if units else None
    for unit in units:
        if unit.code == code:
            return unit
    form.add_error("unit", _("该类别和年份没有以 %(unit)s 表示的数值。") % {"unit": code})
    return None


def _rows(versions: list[FactorVersion], kind: str, sort: str) -> list[Row]:
    shown = [v for v in versions if not kind or v.factor.region.kind == kind
             or v.factor.region.kind in REFERENCE_KINDS]
    names = [localized(v.factor.region, "name") for v in shown]
    # A region with two values (two datasets, two boundaries) is told apart by the factor's id.
    rows = [Row(v, name if names.count(name) == 1 else f"{name} ({v.factor.public_id})",
                v.factor.region.kind in REFERENCE_KINDS) for v, name in zip(shown, names, strict=True)]
    if sort == "name":
        return sorted(rows, key=lambda row: row.label)
    return sorted(rows, key=lambda row: (-row.version.co2e_total, row.label))


def _groups(rows: list[Row]) -> list[tuple[str, list[Row]]]:
    """The rows by region kind, national first, each group in the chosen order."""
    return [(kind.label, members) for kind in KIND_ORDER
            if (members := [row for row in rows if row.version.factor.region.kind == kind])]


def _kind_links(params: dict, current: str, versions: list[FactorVersion], unit: Unit) -> list[tuple]:
    present = {v.factor.region.kind for v in versions if v.factor.unit == unit}
    links = [(_("全部地区"), _url(params), not current)]
    links += [(kind.label, _url(params | {"kind": kind.value}), current == kind.value)
              for kind in KIND_ORDER if kind in present]
    return links


def _url(params: dict) -> str:
    return reverse("compare") + "?" + urlencode({key: value for key, value in params.items() if value})
