"""Releases: cut through the release service (which pins versions and seals the checksum);
a cut release is read-only here like everywhere."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, has_role
from factordb.models import FactorVersion, Release
from factordb.services.releases import release_cut, release_latest

from .history import AuditedAdminMixin


class ReleaseCutForm(forms.Form):
    name = forms.CharField(label=_("版本名"), max_length=30, help_text=_("形如 2025.1。"))
    notes_zh = forms.CharField(label=_("中文发布说明"), widget=forms.Textarea(attrs={"rows": 4}))
    notes_en = forms.CharField(label=_("英文发布说明"), widget=forms.Textarea(attrs={"rows": 4}))



@admin.register(Release)
class ReleaseAdmin(AuditedAdminMixin):
    list_display = ("name", "published_at", "version_count", "checksum_sha256", "created_by")
    list_select_related = ("created_by",)
    list_filter = ("published_at",)
    search_fields = ("name", "notes_zh", "notes_en", "checksum_sha256")
    date_hierarchy = "published_at"
    # The pinned set and its checksum are what a calculator cites: only the notes are editable.
    fieldsets = (
        (None, {"fields": ("name", "published_at", "version_count", "checksum_sha256", "created_by")}),
        (_("发布说明"), {"fields": ("notes_zh", "notes_en")}),
    )
    readonly_fields = ("name", "published_at", "version_count", "checksum_sha256", "created_by")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_version_count=Count("versions"))

    change_list_template = "admin/factordb/release/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A release without its pinned set and checksum would be a broken promise: releases
        # are cut through cut_view, never typed in.
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def get_urls(self) -> list[URLPattern]:
        cut = path("cut/", self.admin_site.admin_view(self.cut_view), name="factordb_release_cut")
        return [cut, *super().get_urls()]

    def cut_view(self, request: HttpRequest) -> HttpResponse:
        if not has_role(request.user, Role.APPROVER):
            raise PermissionDenied(_("只有审批人可以发行。"))
        form = ReleaseCutForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                release = release_cut(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("已发行 %(name)s，SHA-256 %(sum)s。") % {
                    "name": release.name, "sum": release.checksum_sha256})
                return HttpResponseRedirect(reverse("admin:factordb_release_changelist"))
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
            "title": _("发行新版本"), "published_count": FactorVersion.objects.published().count(),
            "latest": release_latest(),
        }
        return TemplateResponse(request, "admin/factordb/release/cut.html", context,
                                status=400 if form.errors else 200)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("因子版本数"), ordering="_version_count")
    def version_count(self, obj: Release) -> int:
        # History pages show a past record, which carries no annotation.
        count = getattr(obj, "_version_count", None)
        return obj.versions.count() if count is None else count
