"""Audited admin: every save and deletion states a reason, history is evidence and never editable.

simple-history records who changed what; this module makes the admin supply *why*
(the record's ``history_change_reason``; deletion.py does so for deletions), keeps the
history pages read-only (the library's revert only hides its button; its view still saves a
POSTed form), and adds a field-by-field comparison of any two records of an object.
"""

import datetime as dt
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import HistoricalChanges, ModelChange
from simple_history.utils import get_m2m_reverse_field_name

from .deletion import DeletionReasonMixin
from .reasons import CHANGE_REASON_FIELD, change_reason_field

# Marks a request served by the history form view, so every field renders read-only.
_HISTORY_READ_ONLY = "_factordb_history_read_only"
SAFE_METHODS = ("GET", "HEAD")
# Counters and timestamps every save moves: they say nothing a reader compares for.
BOOKKEEPING_FIELDS = frozenset({"revision", "updated_at"})


@dataclass(frozen=True)
class FieldChange:
    """One row of a comparison: a field's label with its value in each record."""

    name: str
    label: str
    old: str
    new: str


class AuditedAdminMixin(DeletionReasonMixin, SimpleHistoryAdmin):
    """SimpleHistoryAdmin that demands a change reason, deletions included, and never writes history back."""

    object_history_template = "admin/history/object_history.html"
    object_history_list_template = "admin/history/object_history_list.html"
    object_history_form_template = "admin/history/object_history_form.html"
    compare_template = "admin/history/compare.html"

    # --- The change reason --------------------------------------------------------------
    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs) -> type[forms.Form]:
        # The reason is a form field, not a model field: keep it out of modelform_factory.
        if "fields" not in kwargs:
            kwargs["fields"] = _without_reason(flatten_fieldsets(self.get_fieldsets(request, obj)))
        elif kwargs["fields"] is not None:
            kwargs["fields"] = _without_reason(kwargs["fields"])
        form = super().get_form(request, obj, change=change, **kwargs)
        if not self._asks_for_reason(request, obj):
            return form
        return type(form.__name__, (form,), {
            "__module__": form.__module__, CHANGE_REASON_FIELD: change_reason_field(),
        })

    def get_fieldsets(self, request: HttpRequest, obj=None) -> list[tuple[Any, dict[str, Any]]]:
        fieldsets = [
            (name, {**options, "fields": _without_reason(options["fields"])})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if self._asks_for_reason(request, obj):
            fieldsets.append((_("审计"), {"fields": [CHANGE_REASON_FIELD]}))
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if getattr(request, _HISTORY_READ_ONLY, False):
            # A past record is shown, never a form that could be saved over the present.
            readonly += [f for f in self._declared_field_names() if f not in readonly]
        return readonly

    def _declared_field_names(self) -> list[str]:
        # Not get_fieldsets(): that builds a form, which asks get_readonly_fields() again.
        if self.fieldsets:
            return _without_reason(flatten_fieldsets(self.fieldsets))
        return [f.name for f in self.model._meta.concrete_fields if f.editable and not f.primary_key]

    def _asks_for_reason(self, request: HttpRequest, obj) -> bool:
        if getattr(request, _HISTORY_READ_ONLY, False):
            return False
        if obj is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: models.Model, form: forms.Form, change: bool) -> None:
        obj._change_reason = form.cleaned_data[CHANGE_REASON_FIELD]
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: forms.Form, formset, change: bool) -> None:
        # Inline rows saved in the same request carry the same reason into their history.
        reason = form.cleaned_data[CHANGE_REASON_FIELD]
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj._change_reason = reason
            obj.delete()
        for obj in instances:
            obj._change_reason = reason
            obj._history_user = request.user
            obj.save()
        formset.save_m2m()

    # --- Read-only history --------------------------------------------------------------
    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context=None,
    ) -> HttpResponse:
        # The library's view saves any valid POST (a revert), whatever the settings say.
        if request.method not in SAFE_METHODS:
            return HttpResponseNotAllowed(SAFE_METHODS)
        setattr(request, _HISTORY_READ_ONLY, True)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request: HttpRequest, obj=None) -> bool:
        return True

    def has_change_history_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None) -> HttpResponse:
        context = {"compare_url": self._compare_url(unquote(object_id)), **(extra_context or {})}
        return super().history_view(request, object_id, context)

    def set_history_delta_changes(self, request: HttpRequest, historical_records: Sequence[HistoricalChanges],
                                  foreign_keys_are_objs: bool = True) -> None:
        # The list's "changes" column says what the comparison says: labels, not field names;
        # values as the admin shows them, not stored codes, UTC times or bare numbers.
        records = list(historical_records)
        units = value_units(records[0].instance) if records else {}
        for newer, older in itertools.pairwise(records):
            newer.history_delta_changes = [
                {"field": change.label, "old": change.old, "new": change.new}
                for change in history_changes(older, newer, units=units)
            ]

    # --- Comparison of two records ------------------------------------------------------
    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.history_compare_view),
            name=f"{opts.app_label}_{opts.model_name}_history_compare",
        )
        # Before the library's "<id>/history/<history_id>/", which would swallow "compare".
        return [compare, *super().get_urls()]

    def _compare_url(self, object_id: str) -> str:
        opts = self.model._meta
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_history_compare",
            args=[object_id],
        )

    def history_compare_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        object_id = unquote(object_id)
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        records = history.filter(**{self.model._meta.pk.attname: object_id})
        old, new = self._records_to_compare(request, records)
        obj = new.instance
        if not self.has_view_history_or_change_history_permission(request, obj):
            raise PermissionDenied
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": _("比较历史记录：%(object)s") % {"object": obj},
            "opts": opts,
            "object": obj,
            "object_id": object_id,
            "old_record": old,
            "new_record": new,
            "changes": history_changes(old, new, units=value_units(obj)),
            "history_url": reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_history", args=[object_id],
            ),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.compare_template, context)

    def _records_to_compare(
        self, request: HttpRequest, records: models.QuerySet,
    ) -> tuple[HistoricalChanges, HistoricalChanges]:
        ids = [request.GET.get("old"), request.GET.get("new")]
        if not all(value and value.isdigit() for value in ids):
            raise Http404(_("请选择两条历史记录进行比较。"))
        first, second = (get_object_or_404(records, history_id=int(value)) for value in ids)
        # Whatever order they were picked in, the earlier record is the "old" side.
        return tuple(sorted((first, second), key=lambda r: (r.history_date, r.history_id)))


def _without_reason(fields) -> list:
    return [f for f in fields if f != CHANGE_REASON_FIELD]


def history_changes(old: HistoricalChanges, new: HistoricalChanges, *,
                    units: dict[str, str] | None = None) -> list[FieldChange]:
    """Each field that differs between two records of one object, with both values shown
    as the admin shows them (`units`: the unit after a field's values, by field name)."""
    model = new.instance_type
    names = {field.name for field in model._meta.concrete_fields}
    delta = new.diff_against(old, foreign_keys_are_objs=True,
                             excluded_fields=sorted(BOOKKEEPING_FIELDS & names))
    return [_field_change(model._meta.get_field(change.field), change, (units or {}).get(change.field, ""))
            for change in delta.changes]


def _field_change(field: models.Field, change: ModelChange, unit: str) -> FieldChange:
    old, new = change.old, change.new
    if field.many_to_many:
        # The library compares the link table's rows; staff read the objects linked to.
        target = get_m2m_reverse_field_name(field)
        old, new = ([row[target] for row in rows] for rows in (old, new))
    return FieldChange(
        name=field.name,
        label=capfirst(field.verbose_name),
        old=display_value(field, old, unit),
        new=display_value(field, new, unit),
    )


def display_value(field: models.Field, value: Any, unit: str = "") -> str:
    """A stored value as staff read it: choice labels, related objects' names, yes or no,
    times in the local time zone, local number formats, and the value's unit after it."""
    choices = dict(field.flatchoices) if field.flatchoices else {}
    if isinstance(value, str | int) and value in choices:  # a blank choice has a label too
        return str(choices[value])
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    shown = str(localize(value))
    return f"{shown} {unit}" if unit else shown


def value_units(obj: models.Model) -> dict[str, str]:
    """The unit of each field of `obj` whose value is an amount of something, by field name.

    A version's amounts are per unit of its factor's activity (the factor of a version never
    changes, nor its unit once public), so one object's records share them.
    """
    of_model = VALUE_UNITS.get(obj._meta.label_lower)
    return of_model(obj) if of_model else {}


def _version_units(version: models.Model) -> dict[str, str]:
    activity = version.factor.unit.symbol
    return {
        "co2e_total": f"kg CO2e/{activity}",
        "biogenic_co2": f"kg CO2/{activity}",
        "uncertainty_low_pct": "%",
        "uncertainty_high_pct": "%",
    }


VALUE_UNITS = {"factordb.factorversion": _version_units}


def is_historical_model(model: type[models.Model]) -> bool:
    return issubclass(model, HistoricalChanges)


def registered_historical_models(site: admin.AdminSite) -> list[type[models.Model]]:
    """Historical models must stay unregistered: a ModelAdmin for one would make history editable."""
    return [model for model in site._registry if is_historical_model(model)]
