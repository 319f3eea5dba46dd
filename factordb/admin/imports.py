"""Factor imports in the admin: upload → preview (a dry run, by a worker) → confirm → drafts.

The steps are the services' (factordb/services/factor_imports.py); this module uploads a
file, shows what the preview found, and passes a confirmation on exactly as it was shown:
the file's SHA-256 and the preview's time travel in the confirm form, so a page older than
the latest preview cannot confirm it. Imports are records the services write (who uploaded,
who confirmed, when, what the preview said): the admin shows them and never saves one.
"""

import io
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import Role, has_role
from factordb import tasks
from factordb.http import message_of, perform
from factordb.models import ChangeSet, FactorImport, ImportedVersion, ImportFormat, ImportStatus, RowAction
from factordb.services import factor_imports, import_reports
from factordb.services.imports import reading, template
from factordb.services.list_exports import CONTENT_TYPES, ExportFormat

# A page shows this many entries of each section; the downloadable report has them all.
SHOWN_PER_SECTION = 500
# While an import is in one of these, a worker has (or will have) something to do: the page polls.
UNDER_WAY = (ImportStatus.UPLOADED, ImportStatus.PREVIEWING, ImportStatus.CONFIRMED)
STAGES = {
    "queued": _("排队等候"),
    "reading": _("读取文件行"),
    "matching": _("与已有因子比对"),
    "writing": _("写入草稿"),
}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("文件"), error_messages={"required": _("请选择要导入的文件。"), "empty": _("文件为空。")},
    )
    format = forms.ChoiceField(
        label=_("格式"), choices=ImportFormat.choices, initial=ImportFormat.TEMPLATE,
        error_messages={"invalid_choice": _("未知的导入格式“%(value)s”。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = {"mb": reading.MAX_FILE_BYTES // 1024 // 1024}
        help_text = gettext("CSV（UTF-8 或 GBK/GB18030）或 Excel .xlsx，最大 %(mb)d MB。")
        self.fields["file"].help_text = help_text % limit

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The size first: a file over the limit is never read into memory.
        if upload.size > reading.MAX_FILE_BYTES:
            raise ValidationError(reading.too_large(upload.size))
        content = upload.read()
        # A file no reader can open (a picture, an old .xls, an empty sheet) is said so here, with
        # the reader's own words, rather than stored and refused by the preview a moment later.
        try:
            reading.open_table(io.BytesIO(content), len(content))
        except reading.FileRefused as refused:
            raise ValidationError(refused.issue.reason) from refused
        self.content = content
        return upload


class ConfirmForm(forms.Form):
    """What the editor saw: the file and the preview, as the page showed them."""

    file_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
    previewed_at = forms.CharField(widget=forms.HiddenInput, max_length=64)

    @classmethod
    def of(cls, factor_import: FactorImport) -> "ConfirmForm":
        return cls(initial={"file_sha256": factor_import.file_sha256,
                            "previewed_at": preview_stamp(factor_import.previewed_at)})

    def clean_previewed_at(self) -> datetime:
        try:
            stamp = datetime.fromisoformat(self.cleaned_data["previewed_at"])
        except ValueError:
            stamp = None
        if stamp is None or timezone.is_naive(stamp):
            raise ValidationError(_("预览时间无效；请刷新预览页后再确认。"))
        return stamp


def _queue(task, factor_import_id: int) -> None:
    # Once the import's row has committed, so that the worker finds it (as notifications do).
    transaction.on_commit(lambda: task.delay(factor_import_id))


def preview_stamp(previewed_at: datetime | None) -> str:
    # To the microsecond: the service compares it with the stored time exactly.
    return previewed_at.isoformat(timespec="microseconds") if previewed_at else ""


@dataclass(frozen=True)
class Section:
    """Entries of one kind on the page: the first SHOWN_PER_SECTION of `total`."""

    entries: list
    total: int

    @property
    def capped(self) -> bool:
        return self.total > len(self.entries)


def _section(items, total: int) -> Section:
    return Section(entries=list(islice(items, SHOWN_PER_SECTION)), total=total)


def _counts(summary: dict) -> dict[str, int]:
    return {name: summary.get(name, 0) for name in ("rows", *RowAction.values, "issues")}


@admin.register(FactorImport)
class FactorImportAdmin(admin.ModelAdmin):
    list_display = ("__str__", "format", "status", "rows", "create", "revise", "unchanged", "issues",
                    "created_by", "created_at", "previewed_at", "imported_at")
    list_select_related = ("created_by",)
    list_filter = ("status", "format", "created_at")
    search_fields = ("file_name", "file_sha256", "created_by__username")
    date_hierarchy = "created_at"
    change_list_template = "admin/factordb/factorimport/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Lists never load the file, nor the reports: one may hold 100,000 rows' entries.
        return super().get_queryset(request).defer("content", "report")

    # --- Who may do what: staff read; an editor uploads, its uploader confirms -----------
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request: HttpRequest) -> bool:
        # An import is made by uploading a file (upload_view), never typed in.
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # The record of who imported what; the drafts it wrote point at it.
        return False

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        context = {"can_upload": has_role(request.user, Role.EDITOR), **(extra_context or {})}
        return super().changelist_view(request, context)

    # --- Changelist columns ---------------------------------------------------------------
    @admin.display(description=_("行数"))
    def rows(self, obj: FactorImport) -> int | None:
        return obj.summary.get("rows")

    @admin.display(description=_("新建"))
    def create(self, obj: FactorImport) -> int | None:
        return obj.summary.get(RowAction.CREATE)

    @admin.display(description=_("新草稿版本"))
    def revise(self, obj: FactorImport) -> int | None:
        return obj.summary.get(RowAction.REVISE)

    @admin.display(description=_("无变化"))
    def unchanged(self, obj: FactorImport) -> int | None:
        return obj.summary.get(RowAction.UNCHANGED)

    @admin.display(description=_("错误"))
    def issues(self, obj: FactorImport) -> int | None:
        return obj.summary.get("issues")

    # --- Addresses --------------------------------------------------------------------------
    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        prefix = f"{opts.app_label}_{opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name=f"{prefix}_upload"),
            path("template.<str:extension>", view(self.template_view), name=f"{prefix}_template"),
            path("<path:object_id>/progress/", view(self.progress_view), name=f"{prefix}_progress"),
            path("<path:object_id>/confirm/", view(self.confirm_view), name=f"{prefix}_confirm"),
            path("<path:object_id>/report.csv", view(self.report_view), name=f"{prefix}_report"),
            *super().get_urls(),
        ]

    def _url(self, view: str, factor_import: FactorImport | None = None, **kwargs) -> str:
        opts = self.model._meta
        args = [factor_import.pk] if factor_import is not None else []
        return reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{view}", args=args,
                       kwargs=kwargs or None)

    def _import(self, request: HttpRequest, object_id: str) -> FactorImport:
        if not self.has_view_permission(request):
            raise PermissionDenied
        factor_import = (FactorImport.objects.defer("content").select_related("created_by", "confirmed_by")
                         .filter(pk=unquote(object_id)).first() if unquote(object_id).isdigit() else None)
        if factor_import is None:
            raise Http404(_("没有这个导入。"))
        return factor_import

    # --- Upload ------------------------------------------------------------------------------
    def upload_view(self, request: HttpRequest) -> HttpResponse:
        if not has_role(request.user, Role.EDITOR):
            raise PermissionDenied(_("只有数据编辑可以导入因子。"))
        form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
        if request.method == "POST" and form.is_valid():
            try:
                factor_import = factor_imports.import_upload(
                    actor=request.user, file_name=form.cleaned_data["file"].name, content=form.content,
                    file_format=form.cleaned_data["format"])
            except factor_imports.ImportRefused as exc:
                form.add_error(None, message_of(exc))
            else:
                _queue(tasks.preview_import, factor_import.pk)
                messages.success(request, _("文件已上传；确认导入之前不会写入任何数据。"))
                return HttpResponseRedirect(self._url("change", factor_import))
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
            "template_csv_url": self._url("template", extension="csv"),
            "template_xlsx_url": self._url("template", extension="xlsx"),
            "title": _("导入因子"),
        }
        return TemplateResponse(request, "admin/factordb/factorimport/upload.html", context,
                                status=400 if form.errors else 200)

    # --- The import's page ---------------------------------------------------------------------
    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context=None) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            # The page only shows; confirming has its own address.
            raise PermissionDenied
        return self._page(request, self._import(request, object_id))

    def _page(self, request: HttpRequest, factor_import: FactorImport, status: int = 200) -> HttpResponse:
        report = factor_import.report
        user = request.user
        is_uploader = factor_import.created_by_id == user.pk
        counts = _counts(factor_import.summary)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta, "original": factor_import, "factor_import": factor_import,
            "title": _("因子导入 %(import)s") % {"import": factor_import},
            "under_way": factor_import.status in UNDER_WAY,
            "progress": self._progress(factor_import),
            "progress_url": self._url("progress", factor_import),
            "report_url": self._url("report", factor_import),
            "counts": counts,
            "unknown_codes": factor_import.summary.get("unknown_codes") or {},
            "errors": _section(import_reports.issue_lines(factor_import), counts["issues"]),
            "creates": _section((e for e in report if e["action"] == RowAction.CREATE),
                                counts[RowAction.CREATE]),
            "revisions": _section((e for e in report if e["action"] == RowAction.REVISE),
                                  counts[RowAction.REVISE]),
            "can_confirm": (factor_import.status == ImportStatus.PREVIEWED and is_uploader
                            and has_role(user, Role.EDITOR)),
            "nothing_to_write": factor_import.writes_nothing,
            "confirm_form": ConfirmForm.of(factor_import),
            "confirm_url": self._url("confirm", factor_import),
        }
        if factor_import.status == ImportStatus.IMPORTED:
            written = (ImportedVersion.objects.filter(factor_import=factor_import)
                       .select_related("version__factor").order_by("row"))
            context["drafts"] = _section(written[:SHOWN_PER_SECTION], factor_import.summary.get("written", 0))
            context["drafts_url"] = (reverse(f"{self.admin_site.name}:factordb_factorversion_changelist")
                                     + f"?{ImportFilter.parameter_name}={factor_import.pk}")
            # One import is reviewed as one change set: the page leads to it, or to making it.
            change_set = ChangeSet.objects.filter(factor_import=factor_import).first()
            context["change_set"] = change_set
            context["new_change_set_url"] = (reverse(f"{self.admin_site.name}:factordb_changeset_new")
                                             + f"?import={factor_import.pk}") if change_set is None else ""
        return TemplateResponse(request, "admin/factordb/factorimport/import.html", context, status=status)

    # --- Progress -------------------------------------------------------------------------------
    def _progress(self, factor_import: FactorImport) -> dict:
        """How far the worker got, as the page and the poll show it."""
        found = factor_imports.import_progress(factor_import.pk) or {}
        stage = found.get("stage")
        # The cache keeps the last word of the step before (the preview's "previewed" while the
        # confirmed import waits for a worker): only a stage of a step under way counts.
        if factor_import.status not in UNDER_WAY or stage not in STAGES:
            stage, found = "queued", {}
        if stage == "queued" and factor_import.status == ImportStatus.PREVIEWING:
            stage = "reading"  # a worker has started: its first word comes after 1,000 rows
        done, total = found.get("done", 0), found.get("total")
        label = str(STAGES[stage])
        if stage != "queued":
            numbers = {"stage": label, "done": f"{done:,}", "total": f"{total:,}" if total else ""}
            shape = gettext("%(stage)s：%(done)s / %(total)s") if total else gettext("%(stage)s：%(done)s")
            label = shape % numbers
        return {"status": factor_import.status, "status_label": str(factor_import.get_status_display()),
                "finished": factor_import.status not in UNDER_WAY, "stage": stage, "done": done,
                "total": total, "label": label}

    def progress_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return never_cache(require_GET(self._progress_view))(request, object_id)

    def _progress_view(self, request: HttpRequest, object_id: str) -> JsonResponse:
        return JsonResponse(self._progress(self._import(request, object_id)))

    # --- Confirm ------------------------------------------------------------------------------
    def confirm_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return require_POST(self._confirm_view)(request, object_id)

    def _confirm_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if not has_role(request.user, Role.EDITOR):
            raise PermissionDenied(_("只有数据编辑可以确认导入。"))
        factor_import = self._import(request, object_id)
        form = ConfirmForm(request.POST)

        def confirm(data: dict) -> None:
            factor_imports.import_confirm(factor_import=factor_import, actor=request.user, **data)

        refused = perform(request, form, confirm, success=gettext("已确认导入；写入的草稿列在本页。"))
        if refused is not None:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            factor_import.refresh_from_db()
            return self._page(request, factor_import, status=refused)
        _queue(tasks.apply_import, factor_import.pk)
        return HttpResponseRedirect(self._url("change", factor_import))

    # --- The report ---------------------------------------------------------------------------
    def template_view(self, request: HttpRequest, extension: str) -> HttpResponse:
        """The blank template, CSV (with a BOM, for Excel) or XLSX with the current code lists."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if extension == "csv":
            body, content_type = template.template_csv(), "text/csv; charset=utf-8"
        elif extension == "xlsx":
            body, content_type = template.template_xlsx(), CONTENT_TYPES[ExportFormat.XLSX]
        else:
            raise Http404(_("模板只有 CSV 和 XLSX 两种。"))
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="factordb-import-template.{extension}"'
        return response

    def report_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return require_GET(self._report_view)(request, object_id)

    def _report_view(self, request: HttpRequest, object_id: str) -> StreamingHttpResponse:
        factor_import = self._import(request, object_id)
        pieces = (piece.encode() for piece in import_reports.report_csv(factor_import))
        response = StreamingHttpResponse(pieces, content_type="text/csv; charset=utf-8")
        file_name = import_reports.report_file_name(factor_import)
        response["Content-Disposition"] = f'attachment; filename="{file_name}"'
        return response


class ImportFilter(admin.SimpleListFilter):
    """For the version list: the drafts one import wrote (the import page links here)."""

    title = _("因子导入")
    parameter_name = "factor_import"
    RECENT = 10

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        recent = list(FactorImport.objects.filter(status=ImportStatus.IMPORTED).defer("content", "report")
                      .order_by("-imported_at")[:self.RECENT])
        chosen = self.value()
        if chosen and chosen.isdigit() and all(str(i.pk) != chosen for i in recent):
            recent += list(FactorImport.objects.filter(pk=chosen).defer("content", "report"))
        return [(str(i.pk), str(i)) for i in recent]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        chosen = self.value()
        if not chosen:
            return queryset
        if not chosen.isdigit():
            return queryset.none()
        return queryset.filter(imported_from__factor_import_id=int(chosen))
