"""Factors and their versions. Workflow steps (submit, publish …) belong to services, not here."""

from django.contrib import admin
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from factordb.models import Factor, FactorVersion, GasAmount, VersionSource

from .history import AuditedAdminMixin

# Set by the review workflow's services, never typed in by hand.
WORKFLOW_FIELDS = ("status", "published_at", "superseded_at")


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
class FactorAdmin(AuditedAdminMixin):
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

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.has_public_record:
            # Calculators cite this identity; a different identity is a different factor.
            readonly += list(Factor.IDENTITY_FIELDS)
        return readonly


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


class GasAmountInline(VersionPartInline):
    model = GasAmount
    autocomplete_fields = ("gas",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("gas")


class VersionSourceInline(VersionPartInline):
    model = VersionSource
    autocomplete_fields = ("source",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("source")


@admin.register(FactorVersion)
class FactorVersionAdmin(AuditedAdminMixin):
    list_display = (
        "factor", "version", "status", "co2e_total", "gwp_set", "gas_breakdown",
        "published_at", "author",
    )
    list_select_related = ("factor", "gwp_set", "author")
    list_filter = (
        "status", "gwp_set", "factor__dataset", "factor__year", "factor__boundary",
        "factor__method", "factor__category", "factor__region",
    )
    search_fields = (
        "factor__public_id", "factor__name_zh", "factor__name_en",
        "factor__category__code", "factor__category__name_zh", "factor__category__name_en",
        "factor__region__code", "factor__region__name_zh", "factor__region__name_en",
    )
    autocomplete_fields = ("factor", "gwp_set", "author")
    readonly_fields = (*WORKFLOW_FIELDS, "created_at", "updated_at")
    inlines = (GasAmountInline, VersionSourceInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The breakdown column reads every row's gas amounts: one extra query for the page.
        gas_amounts = Prefetch("gas_amounts", queryset=GasAmount.objects.select_related("gas"))
        return super().get_queryset(request).prefetch_related(gas_amounts)

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # A version stays the version of its factor, under its number.
            readonly += ["factor", "version"]
        return readonly

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
