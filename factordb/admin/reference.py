"""Reference data: trees, vocabularies, sources, datasets and GWP sets."""

from django.contrib import admin
from django.db import models

from factordb.models import Category, Dataset, Gas, GwpSet, GwpValue, Region, Source, Unit, UnitAlias
from factordb.services import corrections

from .corrections import CorrectionAdminMixin
from .history import AuditedAdminMixin

NAME_SEARCH = ("code", "name_zh", "name_en")


@admin.register(Category)
class CategoryAdmin(AuditedAdminMixin):
    list_display = ("code", "name_zh", "name_en", "parent", "activity_dimension", "path")
    list_select_related = ("parent",)
    list_filter = ("activity_dimension",)
    search_fields = (*NAME_SEARCH, "path")
    autocomplete_fields = ("parent",)
    readonly_fields = ("path",)


@admin.register(Region)
class RegionAdmin(AuditedAdminMixin):
    list_display = ("code", "name_zh", "name_en", "kind", "parent", "path")
    list_select_related = ("parent",)
    list_filter = ("kind",)
    search_fields = (*NAME_SEARCH, "path")
    autocomplete_fields = ("parent",)
    readonly_fields = ("path",)


class UnitAliasInline(admin.TabularInline):
    # Saved with the unit's change reason (AuditedAdminMixin.save_formset); the permissions
    # are UnitAlias's own: platform admins add and change, superusers delete, like units.
    model = UnitAlias
    extra = 0
    fields = ("alias",)


@admin.register(Unit)
class UnitAdmin(AuditedAdminMixin):
    list_display = ("code", "symbol", "name_zh", "name_en", "dimension", "pint_expression")
    list_filter = ("dimension",)
    search_fields = (*NAME_SEARCH, "symbol", "aliases__alias")
    inlines = (UnitAliasInline,)


@admin.register(Gas)
class GasAdmin(AuditedAdminMixin):
    list_display = ("code", "formula", "name_zh", "name_en", "origin", "counts_in_co2e")
    list_filter = ("origin", "counts_in_co2e")
    search_fields = (*NAME_SEARCH, "formula")


@admin.register(Source)
class SourceAdmin(CorrectionAdminMixin, AuditedAdminMixin):
    list_display = ("code", "title", "publisher", "year", "document_id", "language", "licence")
    list_filter = ("year", "language", "publisher")
    search_fields = ("code", "title", "publisher", "document_id", "url")
    # Official publications are served over https; a bare "www.mee.gov.cn/…" means that.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def correct(self, record: Source, data: dict, actor) -> None:
        corrections.source_correct_citation(source=record, actor=actor, **data)


@admin.register(Dataset)
class DatasetAdmin(AuditedAdminMixin):
    list_display = ("code", "name_zh", "name_en", "publisher", "authority_rank")
    list_filter = ("authority_rank",)
    search_fields = (*NAME_SEARCH, "publisher")


class GwpValueInline(admin.TabularInline):
    model = GwpValue
    extra = 0
    fields = ("gas", "value", "source", "note")
    autocomplete_fields = ("gas", "source")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("gas", "source")


@admin.register(GwpSet)
class GwpSetAdmin(AuditedAdminMixin):
    list_display = ("code", "name", "horizon_years", "source")
    list_select_related = ("source",)
    list_filter = ("horizon_years",)
    search_fields = ("code", "name")
    autocomplete_fields = ("source",)
    inlines = (GwpValueInline,)
