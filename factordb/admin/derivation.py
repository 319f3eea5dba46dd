"""A version's derivation edited as tables on its admin form, never as JSON.

Parameters: one row each (name, value, unit, source). Gases: one row each (the parameters its
formula multiplies, the constant, the unit conversion, a formula in words); the result is shown
as the platform computes it (factordb/services/derivation_compute.py) and is never an input.
Notes (anything else the derivation says) are rows of a key and a text. Blank rows are
ignored, so the page offers a few to fill; a script adds more (static/js/derivation_table.js)
and a row's "delete" box drops it. Keys a parameter carries beyond those four (the seed's
"seed_key", "verification") ride along in a hidden field, shown, not edited.

Only a POST carrying the table's marker changes the derivation: any other POST (an older
form, a script) keeps the stored one. A derivation stored in a legacy shape (not the schema's)
is shown as it is and kept unless the editor ticks "replace it with the table".
"""

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Role, has_role
from factordb.derivation import fits_schema, validate_derivation
from factordb.http import add_errors
from factordb.models import Gas
from factordb.services import derivation_usage, parameter_corrections
from factordb.services.derivation_compute import (
    DerivationError,
    computed_results,
    parse_decimal,
    parse_ratio,
    parse_rounding,
)

PARAMETER_FIELDS = ("name", "value", "unit", "source")
GAS_FIELDS = ("gas", "parameters", "constant", "unit_conversion", "formula")
NOTE_FIELDS = ("key", "text")
TABLES = {"param": (*PARAMETER_FIELDS, "extra"), "gas": GAS_FIELDS, "note": NOTE_FIELDS}
# Keys a note may not take: the derivation's own parts.
RESERVED_KEYS = frozenset({"parameters", "gases", "result_unit", "rounding"})
BLANK_ROWS = {"param": 2, "gas": 1, "note": 1}
MAX_ROWS = 200  # per table: more is no derivation but a flood
MAX_TEXT = 2000  # the schema's limit on a text
NEW_ROUNDING = "0.000001"  # offered on a new derivation: the seed's six places
# A gas's parameter names are listed with commas (ASCII, full-width or the enumeration comma).
_LIST_SEPARATOR = re.compile(r"[,，、]")

LABELS = {
    "name": gettext_lazy("名称"), "value": gettext_lazy("数值"), "unit": gettext_lazy("单位"),
    "source": gettext_lazy("来源"), "extra": gettext_lazy("附加说明"), "gas": gettext_lazy("气体"),
    "parameters": gettext_lazy("所用参数"), "constant": gettext_lazy("常数"),
    "unit_conversion": gettext_lazy("单位换算"), "formula": gettext_lazy("公式说明"),
    "key": gettext_lazy("键"), "text": gettext_lazy("内容"), "rounding": gettext_lazy("舍入"),
    "result_unit": gettext_lazy("结果单位"), "result": gettext_lazy("结果"),
}
ROW_NAMES = {"param": gettext_lazy("参数第 %(row)d 行"), "gas": gettext_lazy("气体第 %(row)d 行"),
             "note": gettext_lazy("说明第 %(row)d 行")}


@dataclass
class Row:
    index: int
    values: dict[str, str]
    delete: bool = False

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def blank(self) -> bool:
        return not any(value.strip() for value in self.values.values())


@dataclass
class DerivationInput:
    """The tables as posted: what the page shows again when they are refused."""

    submitted: bool
    tables: dict[str, list[Row]] = field(default_factory=dict)
    result_unit: str = ""
    rounding: str = ""
    replace_legacy: bool = False


def _too_long() -> str:
    return _("过长（至多 %(limit)d 个字符）") % {"limit": MAX_TEXT}


def _not_decimal(text: str) -> str:
    return _("%(value)s 不是十进制数") % {"value": repr(text)}


def _problem(kind: str, row: Row, name: str, reason: str) -> str:
    return _("%(where)s，%(field)s：%(reason)s") % {
        "where": ROW_NAMES[kind] % {"row": row.number}, "field": LABELS[name], "reason": reason}


class DerivationWidget(forms.Widget):
    """The three tables. Rendered by the project's template engine (the form renderer does
    not see the project's templates)."""

    template_name = "admin/factordb/derivation_widget.html"

    class Media:
        js = ("js/derivation_table.js",)
        css = {"all": ("css/derivation_table.css",)}

    def __init__(self, stored=None, breakdown=None, attrs=None) -> None:
        super().__init__(attrs)
        self.stored = stored if stored is not None else {}
        # The version's saved gas amounts {code: kg}: a result that differs from its gas's
        # amount is pointed out (the breakdown is edited in its own rows below).
        self.breakdown = breakdown or {}

    def value_from_datadict(self, data, files, name: str) -> DerivationInput:
        if data.get(f"{name}-table") != "1":
            return DerivationInput(submitted=False)
        pattern = re.compile(rf"^{re.escape(name)}-(param|gas|note)-(\d{{1,4}})-(\w+)$")
        found: dict[str, dict[int, Row]] = {kind: {} for kind in TABLES}
        for key in data:
            match = pattern.match(key)
            if match is None or match.group(3) not in (*TABLES[match.group(1)], "delete"):
                continue
            kind, index, part = match.group(1), int(match.group(2)), match.group(3)
            row = found[kind].setdefault(index, Row(index, dict.fromkeys(TABLES[kind], "")))
            if part == "delete":
                row.delete = True
            else:
                row.values[part] = str(data.get(key, ""))
        return DerivationInput(
            submitted=True, tables={kind: [rows[i] for i in sorted(rows)] for kind, rows in found.items()},
            result_unit=str(data.get(f"{name}-result_unit", "")),
            rounding=str(data.get(f"{name}-rounding", "")),
            replace_legacy=bool(data.get(f"{name}-replace_legacy")))

    def value_omitted_from_data(self, data, files, name: str) -> bool:
        return f"{name}-table" not in data

    def render(self, name: str, value, attrs=None, renderer=None) -> str:
        return render_to_string(self.template_name, self.get_context(name, value, attrs))

    def get_context(self, name: str, value, attrs) -> dict:
        shown = value if isinstance(value, DerivationInput) and value.submitted else self.stored
        legacy = not isinstance(shown, DerivationInput) and not fits_schema(shown) and shown not in ({}, None)
        tables = (shown.tables if isinstance(shown, DerivationInput)
                  else _tables_of(shown if not legacy else {}))
        rows = {kind: _with_blank_rows(kind, tables.get(kind, [])) for kind in TABLES}
        results, stored_results = _results_to_show(shown)
        gas_rows = [{"row": row, "result": results.get(gas), "stored": stored_results.get(gas),
                     "amount": _differing_amount(self.breakdown.get(gas), results.get(gas))}
                    for row in rows["gas"] for gas in [row.values["gas"].strip()]]
        param_rows = [{"row": row, "extra": _extra_text(row.values.get("extra", ""))}
                      for row in rows["param"]]
        if isinstance(shown, DerivationInput):
            result_unit, rounding = shown.result_unit, shown.rounding
        else:
            plain = shown if isinstance(shown, dict) and not legacy else {}
            result_unit = str(plain.get("result_unit", ""))
            rounding = str(plain.get("rounding", "" if plain else NEW_ROUNDING))
        return {
            "name": name, "param_rows": param_rows, "gas_rows": gas_rows, "note_rows": rows["note"],
            "result_unit": result_unit, "rounding": rounding, "labels": LABELS,
            "legacy": json.dumps(self.stored, ensure_ascii=False, indent=1) if legacy else "",
            "replace_legacy": isinstance(shown, DerivationInput) and shown.replace_legacy,
            "gas_codes": list(Gas.objects.order_by("code").values_list("code", flat=True)),
            "next_index": {kind: max(row.index for row in rows[kind]) + 1 for kind in TABLES},
        }


def _differing_amount(amount: Decimal | None, result: str | None) -> str:
    if amount is None or result is None or amount == Decimal(result):
        return ""
    return f"{amount.normalize():f}"


def _tables_of(derivation: dict) -> dict[str, list[Row]]:
    """The stored derivation (schema shape) as rows."""
    params = [Row(i, {"name": name, **{key: str(entry.get(key, "")) for key in ("value", "unit", "source")},
                      "extra": _extra_json(entry)})
              for i, (name, entry) in enumerate(derivation.get("parameters", {}).items())]
    gases = [Row(i, {"gas": gas, "parameters": ", ".join(entry.get("parameters", [])),
                     "constant": entry.get("constant", ""),
                     "unit_conversion": entry.get("unit_conversion", ""),
                     "formula": entry.get("formula", "")})
             for i, (gas, entry) in enumerate(derivation.get("gases", {}).items())]
    notes = [Row(i, {"key": key, "text": str(text)}) for i, (key, text) in
             enumerate((key, text) for key, text in derivation.items() if key not in RESERVED_KEYS)]
    return {"param": params, "gas": gases, "note": notes}


def _extra_json(entry: dict) -> str:
    extra = {key: value for key, value in entry.items() if key not in PARAMETER_FIELDS}
    return json.dumps(extra, ensure_ascii=False) if extra else ""


def _extra_text(carried: str) -> str:
    try:
        extra = json.loads(carried) if carried else {}
    except ValueError:
        return ""
    return "; ".join(f"{key}: {value}" for key, value in extra.items()) if isinstance(extra, dict) else ""


def _with_blank_rows(kind: str, rows: list[Row]) -> list[Row]:
    start = max((row.index for row in rows), default=-1) + 1
    return [*rows, *(Row(start + i, dict.fromkeys(TABLES[kind], "")) for i in range(BLANK_ROWS[kind]))]


def _results_to_show(shown) -> tuple[dict[str, str], dict[str, str]]:
    """({gas: computed result}, {gas: stored result where it differs}); empty when nothing computes."""
    if not isinstance(shown, DerivationInput) and not fits_schema(shown):
        return {}, {}
    try:
        results = computed_results(build_derivation(shown) if isinstance(shown, DerivationInput) else shown)
    except (ValidationError, DerivationError):
        return {}, {}
    stored = {}
    if not isinstance(shown, DerivationInput):
        for gas, entry in shown.get("gases", {}).items():
            typed = entry.get("result")
            if typed is not None and Decimal(typed) != results[gas]:
                stored[gas] = typed
    return {gas: f"{value:f}" for gas, value in results.items()}, stored


def build_derivation(posted: DerivationInput) -> dict:
    """The derivation the tables describe, results computed; ValidationError listing every
    problem by table, row and field."""
    problems: list[str] = []
    parameters = _parameters(posted.tables.get("param", []), problems)
    gases = _gases(posted.tables.get("gas", []), parameters, problems)
    derivation: dict = {}
    for row in _filled(posted.tables.get("note", []), problems, "note"):
        key, text = row.values["key"].strip(), row.values["text"].strip()
        if not key:
            problems.append(_problem("note", row, "key", _("不能为空")))
        elif key in RESERVED_KEYS or key in derivation:
            problems.append(_problem("note", row, "key", _("%(key)s 已被使用") % {"key": key}))
        elif len(key) > MAX_TEXT or len(text) > MAX_TEXT:
            problems.append(_problem("note", row, "text", _too_long()))
        else:
            derivation[key] = text
    if parameters:
        derivation["parameters"] = parameters
    if gases:
        derivation["gases"] = gases
    for part in ("result_unit", "rounding"):
        text = getattr(posted, part).strip()
        if len(text) > MAX_TEXT:
            problems.append(_("%(field)s：%(reason)s") % {"field": LABELS[part], "reason": _too_long()})
        elif text:
            derivation[part] = text
    if gases and "rounding" in derivation:
        try:
            parse_rounding(derivation["rounding"])
        except DerivationError as exc:
            problems.append(_("%(field)s：%(reason)s") % {"field": LABELS["rounding"], "reason": exc.reason})
    if problems:
        raise ValidationError(problems)
    if set(derivation) <= {"rounding"}:
        return {}  # the rounding offered on a new form rounds nothing: a value entered directly
    try:
        results = computed_results(derivation)
    except DerivationError as exc:
        raise ValidationError(_located(exc, posted.tables.get("gas", []))) from exc
    for gas, entry in gases.items():
        entry["result"] = f"{results[gas]:f}"
    validate_derivation(derivation)  # the model's own rule, as a last guard
    return derivation


def _located(error: DerivationError, gas_rows: list[Row]) -> str:
    """A computation's error named by the gas row it came from (the rows were checked first,
    so what is left is a result out of range)."""
    gas, part = (*error.path, "", "")[1:3]
    for row in gas_rows:
        if error.path[0] == "gases" and not row.delete and row.values["gas"].strip() == gas:
            return _problem("gas", row, part if part in LABELS else "gas", error.reason)
    return _("%(where)s：%(reason)s") % {"where": error.where, "reason": error.reason}


def _filled(rows: list[Row], problems: list[str], kind: str) -> list[Row]:
    if len(rows) > MAX_ROWS:
        where = ROW_NAMES[kind] % {"row": MAX_ROWS + 1}
        problems.append(_("%(where)s：每表至多 %(limit)d 行") % {"where": where, "limit": MAX_ROWS})
        return []
    return [row for row in rows if not row.delete and not row.blank]


def _parameters(rows: list[Row], problems: list[str]) -> dict[str, dict]:
    parameters: dict[str, dict] = {}
    first_row: dict[str, int] = {}
    for row in _filled(rows, problems, "param"):
        name, value = row.values["name"].strip(), row.values["value"].strip()
        entry = _carried(row, problems)
        if not name:
            problems.append(_problem("param", row, "name", _("不能为空")))
        elif _LIST_SEPARATOR.search(name):
            problems.append(_problem("param", row, "name", _("不能含逗号或顿号（气体以逗号列出所用参数）")))
        elif name in first_row:
            problems.append(_problem("param", row, "name", _("%(name)s 与第 %(other)d 行重复") % {
                "name": name, "other": first_row[name]}))
        try:
            parse_decimal(value, ("parameters", name, "value"))
        except DerivationError:
            problems.append(_problem("param", row, "value", _not_decimal(value)))
        for part in ("name", "unit", "source"):
            if len(row.values[part]) > MAX_TEXT:
                problems.append(_problem("param", row, part, _too_long()))
        if name and name not in first_row:
            first_row[name] = row.number
            unit, source = row.values["unit"].strip(), row.values["source"].strip()
            parameters[name] = {"value": value, **({"unit": unit} if unit else {}),
                                **({"source": source} if source else {}), **entry}
    return parameters


def _carried(row: Row, problems: list[str]) -> dict[str, str]:
    """The keys a parameter carries beyond the four shown (hidden field): text only."""
    text = row.values.get("extra", "").strip()
    try:
        extra = json.loads(text) if text else {}
    except ValueError:
        extra = None
    texts = isinstance(extra, dict) and all(
        isinstance(value, str) and len(value) <= MAX_TEXT and len(key) <= 200 for key, value in extra.items())
    if not texts:
        problems.append(_problem("param", row, "extra", _("已损坏，请重新打开此页")))
        return {}
    return {key: value for key, value in extra.items() if key not in PARAMETER_FIELDS}


def _gases(rows: list[Row], parameters: dict, problems: list[str]) -> dict[str, dict]:
    gases: dict[str, dict] = {}
    known = set(Gas.objects.values_list("code", flat=True))
    for row in _filled(rows, problems, "gas"):
        gas = row.values["gas"].strip()
        names = [part.strip() for part in _LIST_SEPARATOR.split(row.values["parameters"]) if part.strip()]
        if not gas:
            problems.append(_problem("gas", row, "gas", _("不能为空")))
        elif gas not in known:
            problems.append(_problem("gas", row, "gas", _("未知气体 %(gas)s") % {"gas": gas}))
        elif gas in gases:
            problems.append(_problem("gas", row, "gas", _("%(gas)s 已列出") % {"gas": gas}))
        if not names:
            problems.append(_problem("gas", row, "parameters", _("至少须引用一个参数")))
        for name in names:
            if name not in parameters:
                unknown = _("参数 %(name)s 不在参数表中") % {"name": name}
                problems.append(_problem("gas", row, "parameters", unknown))
        entry: dict = {"parameters": names}
        for part in ("constant", "unit_conversion"):
            text = row.values[part].strip()
            if not text:
                continue  # none: × 1, and the stored derivation keeps the key absent as it was
            try:
                parse_ratio(text, ("gases", gas, part))
            except DerivationError as exc:
                problems.append(_problem("gas", row, part, exc.reason))
            entry[part] = text
        formula = row.values["formula"].strip()
        if len(formula) > MAX_TEXT:
            problems.append(_problem("gas", row, "formula", _too_long()))
        if formula:
            entry["formula"] = formula
        if gas and gas not in gases:
            gases[gas] = entry
    return gases


class DerivationField(forms.Field):
    """The derivation from the tables; the stored one when the tables were not posted, or when
    a legacy derivation was not asked to be replaced."""

    widget = DerivationWidget

    def __init__(self, *, stored=None, breakdown=None, **kwargs) -> None:
        self.stored = stored if stored is not None else {}
        kwargs.setdefault("required", False)
        super().__init__(widget=DerivationWidget(stored=self.stored, breakdown=breakdown), **kwargs)

    def _keeps_stored(self, value) -> bool:
        if not isinstance(value, DerivationInput) or not value.submitted:
            return True
        legacy = not fits_schema(self.stored) and self.stored not in ({}, None)
        return legacy and not value.replace_legacy

    def clean(self, value):
        if self._keeps_stored(value):
            return self.stored
        return build_derivation(value)

    def prepare_value(self, value):
        return value

    def has_changed(self, initial, data) -> bool:
        if self._keeps_stored(data):
            return False
        try:
            return build_derivation(data) != initial
        except ValidationError:
            return True


class DerivationFormMixin:
    """For FactorVersionForm: the derivation field as tables, knowing what is stored."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "derivation" in self.fields:
            model_field = self.fields["derivation"]
            saved = self.instance.pk is not None
            breakdown = ({row.gas.code: row.amount for row in self.instance.gas_amounts.select_related("gas")}
                         if saved else {})
            self.fields["derivation"] = DerivationField(
                stored=self.instance.derivation if saved else {}, breakdown=breakdown,
                label=model_field.label, help_text=_("结果由平台按参数计算，不可手填。"))


# --- Which factors use a parameter ----------------------------------------------------------


class ParameterUsageForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("参数名称"), max_length=MAX_TEXT)
    value = forms.CharField(label=gettext_lazy("现值"), required=False, max_length=100,
                            help_text=gettext_lazy("留空则不论数值"))
    unit = forms.CharField(label=gettext_lazy("单位"), required=False, max_length=MAX_TEXT)
    source = forms.CharField(label=gettext_lazy("来源"), required=False, max_length=MAX_TEXT)
    corrected_value = forms.CharField(label=gettext_lazy("更正后的数值"), required=False, max_length=100)

    def _decimal(self, name: str) -> Decimal | None:
        text = self.cleaned_data.get(name, "").strip()
        if not text:
            return None
        try:
            return parse_decimal(text, (name,))
        except DerivationError as exc:
            raise ValidationError(_not_decimal(text)) from exc

    def clean_value(self) -> Decimal | None:
        return self._decimal("value")

    def clean_corrected_value(self) -> Decimal | None:
        return self._decimal("corrected_value")


class RedraftForm(ParameterUsageForm):
    """The search and the corrected value as the usage page showed them, and the change set's
    title and reason."""

    title = forms.CharField(label=gettext_lazy("变更集标题"), required=False, max_length=200)
    description = forms.CharField(label=gettext_lazy("变更说明（为什么更正此参数，必填）"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3, "cols": 80}))

    def clean_corrected_value(self) -> Decimal:
        value = self._decimal("corrected_value")
        if value is None:
            raise ValidationError(gettext_lazy("请填写更正后的数值。"))
        return value


class ParameterUsageAdminMixin:
    """For FactorVersionAdmin: a page listing the factors whose derivation cites a parameter,
    with their values as they are and as a corrected parameter would make them. It writes nothing."""

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        usage = path("parameter-usage/", self.admin_site.admin_view(self.parameter_usage_view),
                     name=f"{opts.app_label}_{opts.model_name}_parameter_usage")
        redraft = path("parameter-usage/redraft/", self.admin_site.admin_view(self.parameter_redraft_view),
                       name=f"{opts.app_label}_{opts.model_name}_parameter_redraft")
        return [usage, redraft, *super().get_urls()]

    def parameter_redraft_view(self, request: HttpRequest) -> HttpResponse:
        """Redraft every factor citing the parameter with the recomputed values, as one change set."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not has_role(request.user, Role.EDITOR):
            raise PermissionDenied(_("只有数据编辑可以重拟因子。"))
        form = RedraftForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            correction = parameter_corrections.ParameterCorrection(
                name=data["name"].strip(), corrected_value=data["corrected_value"], value=data["value"],
                unit=data["unit"].strip() or None, source=data["source"].strip() or None)
            try:
                change_set = parameter_corrections.parameter_correction_redraft(
                    correction=correction, actor=request.user, title=data["title"],
                    description=data["description"])
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("已为引用此参数的 %(n)d 个因子重拟草稿，组成变更集 %(set)s。") % {
                    "n": change_set.current_versions().count(), "set": change_set})
                return HttpResponseRedirect(reverse("review:change_set", args=[change_set.pk]))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "redraft_form": form, "rows": [], "searched": False, "title": _("参数的使用")}
        return TemplateResponse(request, "admin/factordb/derivation_usage.html", context, status=400)

    def parameter_usage_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ParameterUsageForm(request.GET if "name" in request.GET else None)
        rows = []
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            uses = derivation_usage.parameter_uses(
                data["name"].strip(), value=data["value"], unit=data["unit"].strip() or None,
                source=data["source"].strip() or None)
            corrected = data["corrected_value"]
            recomputed = (derivation_usage.recompute_all(uses, data["name"].strip(), corrected)
                          if corrected is not None else [None] * len(uses))
            rows = [{"use": use, "recomputation": again} for use, again in zip(uses, recomputed, strict=True)]
        searched = form.is_bound and form.is_valid()
        can_redraft = (searched and form.cleaned_data["corrected_value"] is not None and bool(rows)
                       and has_role(request.user, Role.EDITOR))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "rows": rows, "searched": searched, "title": _("参数的使用"),
                   "redraft_form": RedraftForm(initial=request.GET.dict()) if can_redraft else None}
        return TemplateResponse(request, "admin/factordb/derivation_usage.html", context)

