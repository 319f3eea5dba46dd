"""Rows of an import file to a plan: what each row would do, and everything wrong with it.

Planning reads the database and writes nothing; it is the dry run. Every row is matched to
a factor by its public_id or, without one, by its identity (dataset, category, region,
unit, year, boundary, method), and compared with that factor's latest version:
- no such factor: the row creates it, with a first draft;
- the same content as the latest version: unchanged (so a file imported twice changes
  nothing the second time);
- other content, the latest version published (or ended): a new draft, with its
  field-by-field difference from the published version;
- other content while a version is on its way to publication: an error, as in the admin.
Registries are read once per plan, not per row, so a plan of 100,000 rows costs a few
dozen queries; model rules are checked with the models' own field validation and clean().
"""

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from factordb import consistency, gwp
from factordb.constants import FactorStatus, LifecycleBoundary, Methodology, UncertaintyDistribution
from factordb.models import (
    Category,
    Dataset,
    Factor,
    FactorVersion,
    Gas,
    GasAmount,
    GwpSet,
    Region,
    RowAction,
    Source,
    VersionSource,
)
from factordb.services.editing import IN_PROGRESS
from factordb.services.exports import decimal_text
from factordb.unit_names import UnitNameError, units_named

from . import cells, columns
from .columns import Kind
from .rows import Issue, SourceRow

CO2E_PRECISION = consistency.CO2E_PRECISION
CHOICES = {"boundary": LifecycleBoundary, "method": Methodology,
           "uncertainty_distribution": UncertaintyDistribution}
# Django rebuilds a choices class's `values` list on each read: kept once, as sets, for the rows.
CHOICE_VALUES = {name: frozenset(choices.values) for name, choices in CHOICES.items()}
REFERENCES = {"dataset": Dataset, "category": Category, "region": Region, "gwp_set": GwpSet}
# The version fields a row gives (FK gwp_set apart); what it does not give, a revision copies.
VERSION_FIELDS = tuple(c.name for c in columns.COLUMNS if c.target == "version" and c.name != "gwp_set")
ENDED = (FactorStatus.SUPERSEDED, FactorStatus.WITHDRAWN, FactorStatus.REJECTED)


@dataclass(slots=True)
class RowPlan:
    number: int
    action: str = RowAction.ERROR
    issues: list[Issue] = field(default_factory=list)
    factor_id: int | None = None
    public_id: str = ""
    identity: dict | None = None  # for a new factor: its fields (objects), names included
    content: dict | None = None  # the version fields the row gives (not blank), gwp_set as an object
    gas_amounts: dict[str, Decimal] | None = None
    citations: list[tuple[str, str]] | None = None  # (source code, locator)
    compared_with: int | None = None  # the version number the row was compared with
    diff: list[tuple[str, str, str]] = field(default_factory=list)  # (column, published, new)

    def comparable(self) -> dict[str, str]:
        return _comparable(self.content, self.content["gwp_set"].code, self.gas_amounts, self.citations)


@dataclass
class Plan:
    rows: list[RowPlan]
    file_issues: list[Issue]
    unknown_codes: dict[str, Counter]  # column → code → rows naming it

    @property
    def issues(self) -> Iterator[Issue]:
        yield from self.file_issues
        for row in self.rows:
            yield from row.issues

    @property
    def is_clean(self) -> bool:
        return next(self.issues, None) is None

    def counts(self) -> dict[str, int]:
        counted = Counter(row.action for row in self.rows)
        return {action.value: counted.get(action.value, 0) for action in RowAction} | {
            "rows": len(self.rows), "issues": sum(1 for _ in self.issues)}

    def fingerprint(self) -> str:
        """What a confirmation must find again: each row's action, target and content."""
        digest = hashlib.sha256()
        for row in self.rows:
            entry = [row.number, row.action, row.factor_id, row.compared_with,
                     row.comparable() if row.content is not None else None,
                     [(i.column, i.reason) for i in row.issues]]
            digest.update(json.dumps(entry, ensure_ascii=False, sort_keys=True, default=str).encode())
        for issue in self.file_issues:
            digest.update(json.dumps([issue.column, issue.reason], ensure_ascii=False).encode())
        return digest.hexdigest()


def _comparable(content: dict, gwp_set: str, gas_amounts: dict, citations: list) -> dict[str, str]:
    """A version's content as text, for comparing a row with a stored version."""
    text = {}
    for name in VERSION_FIELDS:
        value = content.get(name)
        if isinstance(value, Decimal):
            value = decimal_text(value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        text[name] = "" if value is None else str(value)
    text["gwp_set"] = gwp_set
    for code, amount in gas_amounts.items():
        text[columns.gas_column(code)] = decimal_text(amount)
    text["sources"] = "\n".join(sorted(f"{code} {locator}" for code, locator in citations))
    return text


_UNREAD = object()
# Columns whose cells repeat from row to row (codes, years, quality indicators, dates).
_REPEATED = frozenset(c.name for c in columns.COLUMNS if c.name != "public_id" and c.kind in (
    Kind.CODE, Kind.UNIT, Kind.CHOICE, Kind.INTEGER, Kind.BOOLEAN, Kind.DATE))


class _Registry:
    """Every code list a plan needs, read once; and what the plan has already read and checked."""

    def __init__(self):
        self.read: dict[tuple, object] = {}  # (column, cell type, cell) → value
        self.field_rules = _FieldRules()
        self.by_code = {name: {obj.code: obj for obj in model.objects.all()}
                        for name, model in REFERENCES.items()}
        self.gases = {gas.code: gas for gas in Gas.objects.all()}
        self.sources = {source.code: source for source in Source.objects.all()}
        self.gwp_values = {code: gwp.gwp_values(gwp_set) for code, gwp_set in self.by_code["gwp_set"].items()}
        self.units: dict[str, object] = {}

    def unit(self, name: str):
        if name not in self.units:
            self.units.update(units_named([name]))
        return self.units[name]


def plan_rows(headers: list[str], rows: Iterable[SourceRow], progress=None) -> Plan:
    """The plan of a file's rows; never writes. `progress(stage, done, total)` hears how far it got."""
    file_issues = _header_issues(headers)
    if file_issues:
        return Plan(rows=[], file_issues=file_issues, unknown_codes={})
    registry = _Registry()
    unknown: dict[str, Counter] = defaultdict(Counter)
    layout = _Layout(headers)
    plans = [_read_row(row, layout, registry, unknown) for row in rows]
    if progress:
        progress("matching", 0, len(plans))
    _refuse_repeats(plans)
    _match_existing(plans)
    if progress:
        progress("matching", len(plans), len(plans))
    return Plan(rows=plans, file_issues=[], unknown_codes=dict(unknown))


def _header_issues(headers: list[str]) -> list[Issue]:
    issues = []
    seen = Counter(headers)
    for name, count in seen.items():
        if count > 1 and name:
            issues.append(Issue(1, name, _("列“%(name)s”出现了 %(n)d 次。") % {"name": name, "n": count}))
    known = set(columns.BY_NAME) | set(columns.INFORMATIONAL)
    gases = set(Gas.objects.values_list("code", flat=True))
    for name in headers:
        if name in known or columns.source_number(name) is not None:
            continue
        if name.endswith(columns.LOCATOR_SUFFIX) and columns.source_number(name.removesuffix(
                columns.LOCATOR_SUFFIX)):
            continue
        if name.startswith(columns.GAS_PREFIX):
            if name[len(columns.GAS_PREFIX):] not in gases:
                issues.append(Issue(1, name, _("列“%(name)s”：气体 %(gas)s 不在气体登记中。")
                                    % {"name": name, "gas": name[len(columns.GAS_PREFIX):]}))
            continue
        issues.append(Issue(1, name or "?", _("未知的列“%(name)s”；列名见 docs/import-format.md。")
                            % {"name": name}))
    for column in columns.COLUMNS:
        if column.required and column.name not in seen:
            issues.append(Issue(1, column.name, _("缺少必填列“%(name)s”。") % {"name": column.name}))
    return issues


class _Layout:
    """A file's gas and cited-source columns, told apart once per file rather than once per
    row, in the file's order: (header, gas code) for a gas, (header, locator header) for a source."""

    def __init__(self, headers: list[str]):
        self.parts: list[tuple[str, str, bool]] = []  # (header, gas code or locator header, is_gas)
        for name in headers:
            if name.startswith(columns.GAS_PREFIX) and name not in columns.BY_NAME:
                self.parts.append((name, name[len(columns.GAS_PREFIX):], True))
            elif (number := columns.source_number(name)) is not None:
                self.parts.append((name, columns.source_columns(number)[1], False))


def _read_row(row: SourceRow, layout: _Layout, registry: _Registry, unknown: dict) -> RowPlan:
    plan = RowPlan(number=row.number, issues=list(row.issues))
    values: dict[str, object] = {}

    def problem(column: str, reason: str) -> None:
        plan.issues.append(Issue(row.number, column, reason))

    read = registry.read
    for column in columns.COLUMNS:
        raw = row.cells.get(column.name)
        # A cell's reading depends on its column and text alone: each distinct one is read
        # once per plan (free text and numbers, each row's own, are cheap to read again).
        repeated = column.name in _REPEATED
        key = (column.name, raw.__class__, raw)
        value = read.get(key, _UNREAD) if repeated else _UNREAD
        if value is _UNREAD:
            try:
                value = _cell(column, raw, registry, unknown)
            except cells.CellError as exc:
                problem(column.name, str(exc))
                continue
            if repeated:
                read[key] = value
        values[column.name] = value
        # A reader that already refused the row (a foreign format's mapping, say) leaves the
        # cells it could not fill blank: saying so again would report one problem twice.
        if column.required and (value is None or value == "") and not row.issues:
            problem(column.name, _("必填，不能为空。"))
    amounts, citations = {}, {}
    for name, other, is_gas in layout.parts:
        raw = row.cells.get(name)
        try:
            if is_gas:
                amount = cells.read_decimal(raw)
                if amount is not None:
                    amounts[other] = amount
            else:
                code = cells.read_text(raw)
                locator = cells.read_text(row.cells.get(other))
                if code:
                    if code not in registry.sources:
                        unknown[name][code] += 1
                        raise cells.CellError(_("来源代码“%(code)s”不在来源登记中。") % {"code": code})
                    if code in citations:
                        raise cells.CellError(_("来源“%(code)s”在本行出现了两次。") % {"code": code})
                    citations[code] = locator
                elif locator:
                    raise cells.CellError(_("填写了出处位置，却没有来源代码。"))
        except cells.CellError as exc:
            problem(name, str(exc))
    if plan.issues:
        return plan
    plan.public_id = values.pop("public_id") or ""
    plan.identity = {name: values.pop(name) for name in ("dataset", "category", "region", "unit", "year",
                                                         "boundary", "method", "name_zh", "name_en")}
    plan.gas_amounts = amounts
    plan.citations = sorted(citations.items())
    # Blank cells left out: the version's fields are blank by default, and a plan of 100,000
    # rows keeps every row's content until it is written.
    plan.content = {name: value for name, value in values.items() if value is not None and value != ""}
    _check_content(plan, registry)
    return plan


def _cell(column: columns.Column, raw, registry: _Registry, unknown: dict):
    kind = column.kind
    if kind is Kind.DECIMAL:
        return cells.read_decimal(raw)
    if kind is Kind.INTEGER:
        return cells.read_integer(raw)
    if kind is Kind.BOOLEAN:
        return cells.read_boolean(raw)
    if kind is Kind.DATE:
        return cells.read_date(raw)
    text = cells.read_text(raw)
    if kind is Kind.TEXT or text == "" or column.name == "public_id":
        return text
    if kind is Kind.CHOICE:
        if text not in CHOICE_VALUES[column.name]:
            choices = CHOICES[column.name]
            raise cells.CellError(_("“%(text)s”不是可选值；可选：%(choices)s。")
                                  % {"text": text, "choices": ", ".join(v for v in choices.values if v)})
        return text
    if kind is Kind.UNIT:
        unit = registry.unit(text)
        if isinstance(unit, UnitNameError):
            unknown[column.name][text] += 1
            raise cells.CellError(_("单位“%(text)s”不在单位登记中（可用代码、符号或别名，见 units/）。")
                                  % {"text": text})
        return unit
    found = registry.by_code[column.name].get(text)
    if found is None:
        unknown[column.name][text] += 1
        raise cells.CellError(_("代码“%(text)s”不在%(registry)s登记中。")
                              % {"text": text, "registry": REFERENCES[column.name]._meta.verbose_name})
    return found


# The fields clean_fields() checks on a row's objects. Not the foreign keys: each holds an
# object the registry read, or is set on writing, and ForeignKey.validate would look it up
# in the database again, once per key per row. Nor the public_id and version number, drawn
# on writing.
_UNCHECKED = {Factor: {"public_id"}, FactorVersion: {"version"}, GasAmount: set(), VersionSource: set()}
_CHECKED = {model: [f for f in model._meta.fields
                    if not (f.is_relation or f.generated or f.name in unchecked)]
            for model, unchecked in _UNCHECKED.items()}


def _check_content(plan: RowPlan, registry: _Registry) -> None:
    """The models' own rules on the row's factor and version, without touching the database."""
    content = plan.content
    gwp_set = content["gwp_set"]
    stated = content.get("co2e_total")
    if stated is None:
        try:
            total = gwp.co2e_from_breakdown(plan.gas_amounts, registry.gwp_values[gwp_set.code])
        except gwp.GwpError as exc:
            plan.issues.append(Issue(plan.number, "gwp_set", f"{gwp_set.code}: {exc}"))
            return
        if not plan.gas_amounts:
            plan.issues.append(Issue(plan.number, "co2e_total", _("没有 CO2e 合计，也没有分气体排放量。")))
            return
        content["co2e_total"] = total.quantize(CO2E_PRECISION)
    else:
        found = consistency.co2e_problem(stated, plan.gas_amounts, gwp_set.code,
                                         registry.gwp_values[gwp_set.code])
        if found is not None:
            plan.issues.append(Issue(plan.number, "co2e_total", found[1]))
    # A public_id given, the default's random draw is spared (it is not checked: a new
    # factor's is drawn on writing).
    factor = Factor(**plan.identity, public_id="")
    version = FactorVersion(factor=factor, **content)
    for instance in (factor, version):
        try:
            registry.field_rules.clean_fields(instance)
            instance.clean()
        except ValidationError as exc:
            _add_errors(plan, exc)
    for code, amount in plan.gas_amounts.items():
        row = GasAmount(version=version, gas=registry.gases[code], amount=amount,
                        is_removal=version.is_removal)
        try:
            registry.field_rules.clean_fields(row)
            row.clean()
        except ValidationError as exc:
            for messages in exc.message_dict.values():
                plan.issues.extend(Issue(plan.number, columns.gas_column(code), m) for m in messages)
    for code, locator in plan.citations:
        try:
            registry.field_rules.clean_fields(VersionSource(source=registry.sources[code], locator=locator))
        except ValidationError as exc:
            for messages in exc.message_dict.values():
                plan.issues.extend(Issue(plan.number, "source_locator", m) for m in messages)


class _FieldRules:
    """Model.clean_fields() on the rows of one plan, each distinct value of a field checked
    once: rows repeat most values (codes, years, quality indicators, the defaults), and a
    field's own rules (Field.clean: type, choices, length, validators) look at the value
    alone. Decimals and free text, each row's own, are checked every time (and 1.0 equals
    1.00 but has fewer places)."""

    def __init__(self):
        self._fields = {model: [(checked, {}) for checked in fields] for model, fields in _CHECKED.items()}

    def clean_fields(self, instance) -> None:
        errors = {}
        for model_field, seen in self._fields[type(instance)]:
            value = getattr(instance, model_field.attname)
            if model_field.blank and value in model_field.empty_values:
                continue
            kind = value.__class__
            if kind in _REPEATED_TYPES or (kind is str and model_field.choices):
                found = seen.get((kind, value))
                if found is None:
                    found = seen[kind, value] = _field_errors(model_field, value)
            else:
                found = _field_errors(model_field, value)
            if found:
                errors[model_field.name] = found
        if errors:
            raise ValidationError(errors)


_REPEATED_TYPES = (bool, int, date)


def _field_errors(model_field, value) -> list[ValidationError]:
    try:
        model_field.clean(value, None)
    except ValidationError as exc:
        return exc.error_list
    return []


def _add_errors(plan: RowPlan, exc: ValidationError) -> None:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    for name, messages in errors.items():
        column = "" if name == "__all__" else name
        plan.issues.extend(Issue(plan.number, column, message) for message in messages)


def _identity_key(identity: dict) -> tuple:
    return (identity["dataset"].pk, identity["category"].pk, identity["region"].pk, identity["unit"].pk,
            identity["year"], identity["boundary"], identity["method"])


def _refuse_repeats(plans: list[RowPlan]) -> None:
    """The same factor twice in one file: which row should win is not ours to guess."""
    first_by_identity: dict[tuple, int] = {}
    first_by_public_id: dict[str, int] = {}
    for plan in plans:
        if plan.identity is None:
            continue
        key = _identity_key(plan.identity)
        if key in first_by_identity:
            plan.issues.append(Issue(plan.number, "", _(
                "与第 %(row)d 行是同一因子（数据集、类别、地区、单位、年份、边界、方法均相同）。")
                % {"row": first_by_identity[key]}))
        else:
            first_by_identity[key] = plan.number
        if plan.public_id:
            if plan.public_id in first_by_public_id:
                plan.issues.append(Issue(plan.number, "public_id", _("公开编号与第 %(row)d 行重复。")
                                         % {"row": first_by_public_id[plan.public_id]}))
            else:
                first_by_public_id[plan.public_id] = plan.number


def _match_existing(plans: list[RowPlan]) -> None:
    candidates = [p for p in plans if p.identity is not None and not p.issues]
    fields = ("pk", "public_id", "dataset_id", "category_id", "region_id", "unit_id", "year", "boundary",
              "method", "name_zh", "name_en")
    # Only the factors the file names are kept, whatever the size of the database: a row
    # with a public_id is looked up by it, one without by its identity.
    wanted = {_identity_key(p.identity) for p in candidates if not p.public_id}
    by_identity = {}
    if wanted:
        scope = Factor.objects.filter(dataset_id__in={key[0] for key in wanted},
                                      category_id__in={key[1] for key in wanted},
                                      region_id__in={key[2] for key in wanted})
        for row in scope.values_list(*fields).iterator(chunk_size=5000):
            if row[2:9] in wanted:
                by_identity[row[2:9]] = row
    del wanted
    public_ids = sorted({p.public_id for p in candidates if p.public_id})
    by_public_id = {}
    for start in range(0, len(public_ids), 5000):
        for row in Factor.objects.filter(public_id__in=public_ids[start:start + 5000]).values_list(*fields):
            by_public_id[row[1]] = row
    matched: dict[int, RowPlan] = {}
    for plan in candidates:
        key = _identity_key(plan.identity)
        if plan.public_id:
            factor = by_public_id.get(plan.public_id)
            if factor is None:
                plan.issues.append(Issue(plan.number, "public_id", _("没有公开编号为 %(id)s 的因子。")
                                         % {"id": plan.public_id}))
                continue
            if factor[2:9] != key:
                plan.issues.append(Issue(plan.number, "public_id", _(
                    "公开编号 %(id)s 的因子标识（数据集、类别、地区、单位、年份、边界、方法）与本行不同；"
                    "标识不能由导入更改。") % {"id": plan.public_id}))
                continue
        else:
            factor = by_identity.get(key)
        if factor is None:
            plan.action = RowAction.CREATE
            continue
        plan.factor_id, plan.public_id = factor[0], factor[1]
        if (factor[9], factor[10]) != (plan.identity["name_zh"], plan.identity["name_en"]):
            column = "name_zh" if factor[9] != plan.identity["name_zh"] else "name_en"
            plan.issues.append(Issue(plan.number, column,
                                     _("已有因子的名称不能由导入更改（已发布因子的名称须经更正程序修改）。")))
            continue
        matched[factor[0]] = plan
    del by_identity, by_public_id, candidates  # before the versions are read
    _compare_with_versions(matched)
    for plan in plans:
        if plan.issues:
            plan.action = RowAction.ERROR


def _compare_with_versions(matched: dict[int, RowPlan]) -> None:
    # A chunk of factors at a time, each factor's versions read as numbers and states, and the
    # content of only the two a row is compared with: a file that matches 100,000 factors
    # holds one chunk's content, as plain values, never every version as model instances.
    factor_ids = list(matched)
    for start in range(0, len(factor_ids), 5000):
        chunk = factor_ids[start:start + 5000]
        latest: dict[int, dict] = {}
        published: dict[int, dict] = {}
        for version in (FactorVersion.objects.filter(factor_id__in=chunk).order_by("factor_id", "version")
                        .values("pk", "factor_id", "version", "status")):
            latest[version["factor_id"]] = version
            if version["status"] == FactorStatus.PUBLISHED:
                published[version["factor_id"]] = version
        stored = stored_comparables([v["pk"] for v in (*latest.values(), *published.values())])
        for factor_id in chunk:
            _compare(matched[factor_id], latest.get(factor_id), published.get(factor_id), stored)


def _compare(plan: RowPlan, current: dict | None, base: dict | None, stored: dict[int, dict]) -> None:
    """What a row matched to a factor does, given the factor's latest and published versions."""
    if current is None:
        plan.action = RowAction.REVISE
        return
    plan.compared_with = current["version"]
    if plan.comparable() == stored[current["pk"]]:
        plan.action = RowAction.UNCHANGED
    elif current["status"] in IN_PROGRESS:
        plan.issues.append(Issue(plan.number, "", _(
            "该因子已有进行中的版本 v%(n)d（%(state)s）；请先完成或撤回它，再导入新内容。")
            % {"n": current["version"], "state": FactorStatus(current["status"]).label}))
    else:
        plan.action = RowAction.REVISE
        if base is not None:
            plan.diff = _diff(stored[base["pk"]], plan.comparable())


def stored_comparable(version: FactorVersion) -> dict[str, str]:
    return stored_comparables([version.pk])[version.pk]


def stored_comparables(version_ids: list[int]) -> dict[int, dict[str, str]]:
    """Stored versions' content as text, by version id, as a row's is (RowPlan.comparable)."""
    amounts: dict[int, dict] = defaultdict(dict)
    breakdowns = (GasAmount.objects.filter(version_id__in=version_ids).order_by("version_id", "gas__code")
                  .values_list("version_id", "gas__code", "amount"))
    for version_id, gas, amount in breakdowns:
        amounts[version_id][gas] = amount
    citations: dict[int, list] = defaultdict(list)
    for version_id, source, locator in (VersionSource.objects.filter(version_id__in=version_ids)
                                        .values_list("version_id", "source__code", "locator")):
        citations[version_id].append((source, locator))
    versions = FactorVersion.objects.filter(pk__in=version_ids).values("pk", "gwp_set__code", *VERSION_FIELDS)
    return {content["pk"]: _comparable(content, content["gwp_set__code"], amounts[content["pk"]],
                                       citations[content["pk"]]) for content in versions}


def _diff(before: dict[str, str], after: dict[str, str]) -> list[tuple[str, str, str]]:
    names = list(after) + [name for name in before if name not in after]
    return [(name, before.get(name, ""), after.get(name, ""))
            for name in names if before.get(name, "") != after.get(name, "")]
