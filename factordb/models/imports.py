"""Factor imports: an uploaded file, its dry-run preview, and the drafts its confirmation wrote.

One import is one unit of work for its reviewers: the drafts it wrote are listed against it
(ImportedVersion), so a review can take them together. The file itself is kept (the worker
that previews or confirms it may run on another machine; the database is what they share),
with its SHA-256, which a confirmation must present.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .factor import FactorVersion


class ImportFormat(models.TextChoices):
    TEMPLATE = "template", _("本平台模板（CSV/XLSX）")
    OEFDB = "oefdb", _("Open Emission Factors Database（CSV）")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("已上传，待预览")
    PREVIEWING = "previewing", _("预览中")
    PREVIEWED = "previewed", _("已预览，待确认")
    REFUSED = "refused", _("有错误，不能导入")
    CONFIRMED = "confirmed", _("已确认，导入中")
    IMPORTED = "imported", _("已导入")
    FAILED = "failed", _("导入失败，未写入任何数据")


class RowAction(models.TextChoices):
    CREATE = "create", _("新建因子")
    REVISE = "revise", _("新草稿版本")
    UNCHANGED = "unchanged", _("无变化")
    ERROR = "error", _("错误")


class FactorImport(models.Model):
    file_name = models.CharField(_("文件名"), max_length=255)
    file_sha256 = models.CharField(_("文件 SHA-256"), max_length=64)
    file_size = models.PositiveBigIntegerField(_("文件大小（字节）"))
    content = models.BinaryField(_("文件内容"), editable=False)
    format = models.CharField(_("格式"), max_length=20, choices=ImportFormat.choices,
                              default=ImportFormat.TEMPLATE)
    status = models.CharField(_("状态"), max_length=20, choices=ImportStatus.choices,
                              default=ImportStatus.UPLOADED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"),
                                   on_delete=models.PROTECT, related_name="factor_imports")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    # The preview: when it was made, what it found, and the fingerprint of what it planned.
    previewed_at = models.DateTimeField(_("预览时间"), null=True, blank=True)
    plan_sha256 = models.CharField(_("预览指纹"), max_length=64, blank=True)
    encoding = models.CharField(_("编码"), max_length=20, blank=True)
    summary = models.JSONField(_("摘要"), default=dict, blank=True)
    report = models.JSONField(_("逐行报告"), default=list, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    imported_at = models.DateTimeField(_("导入完成时间"), null=True, blank=True)
    failure = models.TextField(_("失败原因"), blank=True)

    class Meta:
        verbose_name = _("因子导入")
        verbose_name_plural = _("因子导入")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    @property
    def writes_nothing(self) -> bool:
        """Whether the preview found no row to write: every row as the database already has it."""
        return not self.summary.get(RowAction.CREATE) and not self.summary.get(RowAction.REVISE)


class ImportedVersion(models.Model):
    """A draft an import wrote, with the file row it came from."""

    factor_import = models.ForeignKey(FactorImport, on_delete=models.PROTECT, related_name="versions")
    version = models.OneToOneField(FactorVersion, on_delete=models.PROTECT, related_name="imported_from")
    row = models.PositiveIntegerField(_("文件行号"))
    action = models.CharField(_("操作"), max_length=20, choices=RowAction.choices)

    class Meta:
        verbose_name = _("导入的版本")
        verbose_name_plural = _("导入的版本")
        ordering = ["factor_import", "row"]
        constraints = [
            models.UniqueConstraint(fields=["factor_import", "row"], name="imported_version_unique_row"),
        ]

    def __str__(self) -> str:
        return f"{self.factor_import} row {self.row}: {self.version}"
