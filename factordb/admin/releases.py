"""Releases: created by the release service (which pins versions and computes the checksum)."""

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from factordb.models import Release

from .history import AuditedAdminMixin


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

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A release without its pinned set and checksum would be a broken promise.
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("因子版本数"), ordering="_version_count")
    def version_count(self, obj: Release) -> int:
        # History pages show a past record, which carries no annotation.
        count = getattr(obj, "_version_count", None)
        return obj.versions.count() if count is None else count
