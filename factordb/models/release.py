"""Releases: named, citable editions that pin an exact set of published versions."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .factor import FactorVersion


class Release(models.Model):
    name = models.CharField(
        _("版本名"), max_length=30, unique=True,
        validators=[RegexValidator(r"^\d{4}\.\d+$", _("版本名形如 2025.1。"))],
    )
    published_at = models.DateTimeField(_("发布时间"))
    notes_zh = models.TextField(_("中文发布说明"), blank=True)
    notes_en = models.TextField(_("英文发布说明"), blank=True)
    versions = models.ManyToManyField(FactorVersion, verbose_name=_("因子版本"), related_name="releases")
    checksum_sha256 = models.CharField(_("SHA-256 校验值"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("发行版")
        verbose_name_plural = _("发行版")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.name
