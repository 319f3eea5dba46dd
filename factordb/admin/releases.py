"""Releases: cut through the release service (which pins versions and seals the checksum);
a cut release is read-only here like everywhere.

Cutting takes two steps: the form (name, notes) shows the preview of what the cut would
add, change and remove against the latest release, with values; confirming it seals, only
if the preview's fingerprint still holds under the publication lock."""

from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import Role, has_role
from factordb.http import BAD_REQUEST, CONFLICT, add_errors, message_of
from factordb.models import FactorVersion, Release
from factordb.services.release_contents import release_diff_csv
from factordb.services.releases import (
    StalePreview,
    release_cut,
    release_draft,
    release_latest,
    release_preview,
)

from .history import AuditedAdminMixin

# Rows of each kind shown on the preview page; the CSV download has them all.
SHOWN_PER_SECTION = 200


class ReleaseCutForm(forms.Form):
    name = forms.CharField(label=_("版本名"), max_length=30, help_text=_("形如 2025.1。"))
    notes_zh = forms.CharField(label=_("中文发布说明"), widget=forms.Textarea(attrs={"rows": 4}))
    notes_en = forms.CharField(label=_("英文发布说明"), widget=forms.Textarea(attrs={"rows": 4}))


class ReleaseConfirmForm(ReleaseCutForm):
    """What the approver saw on the preview: the name and notes, and the preview's fingerprint."""

    previewed = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput, error_messages={
        "invalid": _("预览的校验值无效；请重新预览后再确认。"),
        "required": _("缺少预览的校验值；请先预览再确认。"),
    })

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("name", "notes_zh", "notes_en"):
            self.fields[name].widget = forms.HiddenInput()


@dataclass(frozen=True)
class Section:
    """Entries of one kind on the preview: the first SHOWN_PER_SECTION of them."""

    entries: list
    total: int

    @property
    def capped(self) -> bool:
        return self.total > len(self.entries)


def _section(entries: list) -> Section:
    return Section(entries=entries[:SHOWN_PER_SECTION], total=len(entries))


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
        view = self.admin_site.admin_view
        return [
            path("cut/", view(self.cut_view), name="factordb_release_cut"),
            path("cut/confirm/", view(self.cut_confirm_view), name="factordb_release_cut_confirm"),
            path("cut/preview.csv", view(self.cut_preview_csv_view), name="factordb_release_cut_preview_csv"),
            *super().get_urls(),
        ]

    # --- Cutting: the form, the preview, the confirmation ------------------------------------
    def _require_approver(self, request: HttpRequest) -> None:
        if not has_role(request.user, Role.APPROVER):
            raise PermissionDenied(_("只有审批人可以发行。"))

    def cut_view(self, request: HttpRequest) -> HttpResponse:
        """The form; posted, the preview of what the cut would seal. Writes nothing."""
        self._require_approver(request)
        form = ReleaseCutForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                release_draft(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return self._preview(request, form.cleaned_data)
        return self._form_page(request, form)

    def cut_confirm_view(self, request: HttpRequest) -> HttpResponse:
        return require_POST(self._cut_confirm_view)(request)

    def _cut_confirm_view(self, request: HttpRequest) -> HttpResponse:
        self._require_approver(request)
        form = ReleaseConfirmForm(request.POST)
        if not form.is_valid():
            # Back to the first step, the fields as posted, each error where it belongs.
            first = ReleaseCutForm(request.POST)
            first.is_valid()
            for error in form.errors.get("previewed", []):
                first.add_error(None, error)
            return self._form_page(request, first)
        data = form.cleaned_data
        try:
            release = release_cut(actor=request.user, name=data["name"], notes_zh=data["notes_zh"],
                                  notes_en=data["notes_en"], previewed=data["previewed"])
        except StalePreview as exc:
            # Nothing was sealed: show what a cut would seal now, to be confirmed again.
            messages.error(request, message_of(exc))
            return self._preview(request, data, status=CONFLICT)
        except ValidationError as exc:  # the name was taken meanwhile, or nothing is published
            form = ReleaseCutForm(request.POST)
            form.is_valid()
            add_errors(form, exc)
            return self._form_page(request, form)
        messages.success(request, _("已发行 %(name)s，SHA-256 %(sum)s。") % {
            "name": release.name, "sum": release.checksum_sha256})
        return HttpResponseRedirect(reverse("admin:factordb_release_changelist"))

    def cut_preview_csv_view(self, request: HttpRequest) -> HttpResponse:
        return require_GET(self._cut_preview_csv_view)(request)

    def _cut_preview_csv_view(self, request: HttpRequest) -> HttpResponse:
        """Every row of the preview, for a preview too long for its page."""
        self._require_approver(request)
        preview = release_preview()
        response = HttpResponse(release_diff_csv(preview), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="factordb-release-preview.csv"'
        response["X-Preview-Fingerprint"] = preview.fingerprint
        return response

    def _form_page(self, request: HttpRequest, form: forms.Form) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
            "title": _("发行新版本"), "published_count": FactorVersion.objects.published().count(),
            "latest": release_latest(),
        }
        return TemplateResponse(request, "admin/factordb/release/cut.html", context,
                                status=BAD_REQUEST if form.errors else 200)

    def _preview(self, request: HttpRequest, data: dict, *, status: int = 200) -> HttpResponse:
        preview = release_preview()
        confirm = ReleaseConfirmForm(initial={
            "name": data["name"].strip(), "notes_zh": data["notes_zh"], "notes_en": data["notes_en"],
            "previewed": preview.fingerprint})
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "title": _("发行 %(name)s：预览") % {"name": data["name"].strip()},
            "name": data["name"].strip(), "notes_zh": data["notes_zh"], "notes_en": data["notes_en"],
            "preview": preview, "confirm_form": confirm,
            "added": _section(preview.added), "changed": _section(preview.changed),
            "withdrawn": _section(preview.withdrawn),
            "pinned_count": len(preview.added) + len(preview.changed) + preview.unchanged,
            "csv_url": reverse("admin:factordb_release_cut_preview_csv"),
        }
        return TemplateResponse(request, "admin/factordb/release/cut_preview.html", context, status=status)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("因子版本数"), ordering="_version_count")
    def version_count(self, obj: Release) -> int:
        # History pages show a past record, which carries no annotation.
        count = getattr(obj, "_version_count", None)
        return obj.versions.count() if count is None else count
