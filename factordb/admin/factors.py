"""Factors and their versions. Workflow steps (submit, publish …) belong to services: the
buttons here (admin/workflow.py) only call them."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, has_role
from factordb import consistency, selectors
from factordb.errors import EditConflict
from factordb.models import Factor, FactorVersion, GasAmount, VersionSource
from factordb.services import change_sets, corrections, factors

from .change_sets import make_change_set
from .corrections import CorrectionAdminMixin
from .derivation import DerivationFormMixin, ParameterUsageAdminMixin
from .history import CHANGE_REASON_FIELD, AuditedAdminMixin, display_value
from .imports import ImportFilter
from .new_version import NewVersionAdminMixin
from .tags import NEW_TAGS_FIELD, FactorTagsForm
from .workflow import WorkflowActionsMixin

# Set by the services, never typed in by hand: an editor who could choose the author could
# review their own work, and one who could set the schedule could publish with no approver.
WORKFLOW_FIELDS = ("version", "author", "status", "review_round", "published_at", "superseded_at",
                   "scheduled_publication_at", "scheduled_by")


class ReadOnlyInline(admin.TabularInline):
    """Shows related rows on a page without offering to edit them there."""

    extra = 0
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class FactorVersionInline(ReadOnlyInline):
    model = FactorVersion
    fields = ("version", "status", "co2e_total", "gwp_set", "published_at", "superseded_at")
    readonly_fields = fields
    ordering = ("-version",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("factor", "gwp_set")


@admin.register(Factor)
class FactorAdmin(NewVersionAdminMixin, CorrectionAdminMixin, AuditedAdminMixin):
    form = FactorTagsForm
    list_display = (
        "public_id", "name_zh", "name_en", "category", "region", "unit", "year",
        "dataset", "boundary", "method",
    )
    list_display_links = ("public_id", "name_zh")
    list_select_related = ("category", "region", "unit", "dataset")
    list_filter = ("dataset", "boundary", "method", "year", "category", "region", "unit")
    search_fields = (
        "public_id", "name_zh", "name_en",
        "category__code", "category__name_zh", "category__name_en",
        "region__code", "region__name_zh", "region__name_en", "dataset__code",
    )
    autocomplete_fields = ("dataset", "category", "region", "unit")
    readonly_fields = ("public_id", "created_at")
    inlines = (FactorVersionInline,)
    change_list_template = "admin/factordb/factor/change_list.html"

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        # The way to a file import: offered to those who may upload one.
        context = {"can_import": has_role(request.user, Role.EDITOR), **(extra_context or {})}
        return super().changelist_view(request, context)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context=None) -> HttpResponse:
        factor = self.get_object(request, object_id)
        context = {}
        if factor is not None:
            context = {"story": selectors.factor_story(factor), **self.new_version_context(request, factor)}
        return super().change_view(request, object_id, form_url, {**context, **(extra_context or {})})

    def get_fields(self, request: HttpRequest, obj=None) -> list[str]:
        fields = list(super().get_fields(request, obj))
        if "tags" in self.get_readonly_fields(request, obj):
            # Shown, not edited (a past record in the history): no new tags to type in either.
            fields = [name for name in fields if name != NEW_TAGS_FIELD]
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.has_public_record:
            # Calculators cite this identity; a different identity is a different factor.
            readonly += list(Factor.IDENTITY_FIELDS)
        return readonly

    def correct(self, record: Factor, data: dict, actor) -> None:
        corrections.factor_correct_names(factor=record, actor=actor, **data)


class VersionPartInline(admin.TabularInline):
    """Gas rows and sources freeze with their version: editable only while it is."""

    extra = 0

    def _version_editable(self, obj: FactorVersion | None) -> bool:
        return obj is None or obj.is_editable

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._version_editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._version_editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._version_editable(obj) and super().has_delete_permission(request, obj)


class GasAmountFormSet(forms.BaseInlineFormSet):
    """The breakdown on the page must agree with the total on the same page.

    The version form is cleaned first, so `self.instance` already carries the total and GWP
    set being saved; the rule itself is factordb.consistency's.
    """

    def clean(self) -> None:
        super().clean()
        version = self.instance
        if version.co2e_total is None or version.gwp_set_id is None:
            return  # the version form reports the missing field itself
        amounts = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if self._should_delete_form(form) or data.get("gas") is None or data.get("amount") is None:
                continue
            amounts[data["gas"].code] = data["amount"]
        try:
            consistency.check_co2e_total(co2e_total=version.co2e_total, gas_amounts=amounts,
                                         gwp_set=version.gwp_set)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


class GasAmountInline(VersionPartInline):
    model = GasAmount
    formset = GasAmountFormSet
    autocomplete_fields = ("gas",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("gas")


class VersionSourceInline(VersionPartInline):
    model = VersionSource
    autocomplete_fields = ("source",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("source")


EDIT_CONFLICT = _("此版本在您打开之后已被他人保存（someone else saved after you opened it）。"
                  "您的输入仍在下方，未保存。他人保存后的值：%(current)s。"
                  "请核对后再次保存：再次保存将以您的输入为准。")


class FactorVersionForm(DerivationFormMixin, forms.ModelForm):
    """Carries the revision the editor opened, so a save over someone else's is refused.
    The derivation is edited as tables, its results computed (admin/derivation.py)."""

    class Meta:
        model = FactorVersion
        fields = "__all__"  # noqa: DJ007  (the admin chooses the fields; this form adds a rule)
        widgets = {"revision": forms.HiddenInput}

    def clean(self) -> dict:
        cleaned = super().clean()
        opened = cleaned.get("revision")
        if self.instance.pk and opened is not None and self.instance.is_stale(opened):
            stored = FactorVersion.objects.get(pk=self.instance.pk)
            # The editor has now seen the other save: a second submit is their informed choice.
            self.data = self.data.copy()
            self.data[self.add_prefix("revision")] = str(stored.revision)
            raise ValidationError(EDIT_CONFLICT % {"current": self._differences(stored, cleaned)},
                                  code="edit_conflict")
        return cleaned

    def _differences(self, stored: FactorVersion, cleaned: dict) -> str:
        """Fields where the stored row differs from this editor's input, with the stored value."""
        shown = []
        for name, value in cleaned.items():
            if name == "revision" or name not in {f.name for f in FactorVersion._meta.concrete_fields}:
                continue
            field = FactorVersion._meta.get_field(name)
            mine = value.pk if hasattr(value, "pk") else value
            if getattr(stored, field.attname) != mine:
                shown.append(f"{field.verbose_name}: {display_value(field, getattr(stored, name))}")
        return "; ".join(shown) or gettext("与您的输入相同")


@admin.register(FactorVersion)
class FactorVersionAdmin(ParameterUsageAdminMixin, WorkflowActionsMixin, AuditedAdminMixin):
    form = FactorVersionForm
    list_display = (
        "factor", "version", "status", "co2e_total", "gwp_set", "gas_breakdown",
        "published_at", "author",
    )
    list_select_related = ("factor", "gwp_set", "author")
    list_filter = (
        "status", "gwp_set", "factor__dataset", "factor__year", "factor__boundary",
        "factor__method", "factor__category", "factor__region", ImportFilter,
    )
    search_fields = (
        "factor__public_id", "factor__name_zh", "factor__name_en",
        "factor__category__code", "factor__category__name_zh", "factor__category__name_en",
        "factor__region__code", "factor__region__name_zh", "factor__region__name_en",
    )
    autocomplete_fields = ("factor", "gwp_set")
    readonly_fields = (*WORKFLOW_FIELDS, "created_at", "updated_at")
    inlines = (GasAmountInline, VersionSourceInline)
    actions = (make_change_set,)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The breakdown column reads every row's gas amounts: one extra query for the page.
        gas_amounts = Prefetch("gas_amounts", queryset=GasAmount.objects.select_related("gas"))
        return super().get_queryset(request).prefetch_related(gas_amounts)

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # A version stays the version of its factor.
            readonly += ["factor"]
        return readonly

    def save_model(self, request: HttpRequest, obj: FactorVersion, form: forms.Form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # The inlines are saved next, against this same instance: the service saves it in place.
        factors.factor_version_add_draft(version=obj, author=request.user,
                                         reason=form.cleaned_data[CHANGE_REASON_FIELD])

    def changeform_view(self, request: HttpRequest, object_id=None, form_url: str = "",
                        extra_context=None) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict:
            # The race: someone saved between this form's check and its write, and the write
            # was refused (and rolled back). Their save has committed, so a second pass of the
            # form sees it and shows the conflict with this editor's input kept.
            try:
                return super().changeform_view(request, object_id, form_url, extra_context)
            except EditConflict as exc:
                messages.error(request, str(exc))
                return HttpResponseRedirect(request.path)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context=None) -> HttpResponse:
        version = self.get_object(request, object_id)
        context = {}
        if version is not None:
            context = {"workflow_buttons": self.workflow_buttons(request, version),
                       "change_set": change_sets.open_in_progress_set_of(version),
                       "story": selectors.factor_story(version.factor)}
        return super().change_view(request, object_id, form_url, {**context, **(extra_context or {})})

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # Only a draft's content may change; published records are the public evidence.
        return (obj is None or obj.is_editable) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return (obj is None or obj.is_editable) and super().has_delete_permission(request, obj)

    @admin.display(description=_("分气体排放量"))
    def gas_breakdown(self, obj: FactorVersion) -> str:
        return format_html_join(
            ", ", "{}: {}", ((row.gas.code, row.amount.normalize()) for row in obj.gas_amounts.all()),
        )
