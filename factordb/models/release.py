"""Releases: named, citable editions that pin an exact set of published versions.

A release is cut in one transaction: created unsealed, its entries written, then sealed
with the checksum of its canonical export. Once sealed nothing about it changes: not its
name, notes or time, and not its pinned set (the entries refuse to be added or removed).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .factor import FactorVersion


class ReleaseFrozenError(ValidationError):
    """An attempt to change, extend or delete a sealed release."""


class SealedQuerySet(models.QuerySet):
    """Bulk writes go around save(); they get the same guard."""

    sealed_lookup = "checksum_sha256__gt"

    def sealed(self) -> "SealedQuerySet":
        """The rows of sealed releases (a release is sealed once it carries its checksum)."""
        return self.filter(**{self.sealed_lookup: ""})

    def newest_first(self) -> "SealedQuerySet":
        """Latest publication first; of two published in the same instant, the later made."""
        return self.order_by("-published_at", "-pk")

    def _refuse_if_sealed(self) -> None:
        if self.sealed().exists():
            raise ReleaseFrozenError(_("已发行的版本不可修改或删除。"))

    def update(self, **kwargs) -> int:
        self._refuse_if_sealed()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_if_sealed()
        return super().delete()


class Release(models.Model):
    name = models.CharField(
        _("版本名"), max_length=30, unique=True,
        validators=[RegexValidator(r"^\d{4}\.\d+$", _("版本名形如 2025.1。"))],
    )
    published_at = models.DateTimeField(_("发布时间"))
    notes_zh = models.TextField(_("中文发布说明"), blank=True)
    notes_en = models.TextField(_("英文发布说明"), blank=True)
    versions = models.ManyToManyField(
        FactorVersion, verbose_name=_("因子版本"), related_name="releases", through="ReleaseEntry",
    )
    checksum_sha256 = models.CharField(_("SHA-256 校验值"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT,
    )
    history = HistoricalRecords()

    objects = SealedQuerySet.as_manager()

    class Meta:
        verbose_name = _("发行版")
        verbose_name_plural = _("发行版")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).values_list("checksum_sha256", flat=True).first()
            if stored:
                raise ReleaseFrozenError(_("发行版 %(name)s 已封存，不可修改。") % {"name": self.name})
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if type(self).objects.filter(pk=self.pk).sealed().exists():
            raise ReleaseFrozenError(_("发行版 %(name)s 已封存，不可删除。") % {"name": self.name})
        return super().delete(*args, **kwargs)

    @property
    def is_sealed(self) -> bool:
        return bool(self.checksum_sha256)


class ReleaseEntryQuerySet(SealedQuerySet):
    sealed_lookup = "release__checksum_sha256__gt"

    def bulk_create(self, objs, *args, **kwargs):
        # ManyRelatedManager.add() writes through here: a sealed release's set cannot grow.
        objs = list(objs)
        release_ids = {obj.release_id for obj in objs}
        if Release.objects.filter(pk__in=release_ids).sealed().exists():
            raise ReleaseFrozenError(_("已发行的版本不可增加因子。"))
        return super().bulk_create(objs, *args, **kwargs)


class ReleaseEntry(models.Model):
    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="entries")
    version = models.ForeignKey(FactorVersion, on_delete=models.PROTECT, related_name="release_entries")

    objects = ReleaseEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("发行版条目")
        verbose_name_plural = _("发行版条目")
        constraints = [
            models.UniqueConstraint(fields=["release", "version"], name="release_entry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.release_id}: {self.version_id}"

    def save(self, *args, **kwargs) -> None:
        if Release.objects.filter(pk=self.release_id).sealed().exists():
            raise ReleaseFrozenError(_("已发行的版本不可增加因子。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if Release.objects.filter(pk=self.release_id).sealed().exists():
            raise ReleaseFrozenError(_("已发行的版本不可删除因子。"))
        return super().delete(*args, **kwargs)


class FrozenQuerySet(models.QuerySet):
    """Frozen content is written once, in the cut that seals its release, and never again."""

    def update(self, **kwargs) -> int:
        raise ReleaseFrozenError(_("已发行的版本不可修改或删除。"))

    def delete(self):
        raise ReleaseFrozenError(_("已发行的版本不可修改或删除。"))

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        release_ids = {obj.release_id for obj in objs}
        if Release.objects.filter(pk__in=release_ids).sealed().exists():
            raise ReleaseFrozenError(_("已发行的版本不可修改或删除。"))
        return super().bulk_create(objs, *args, **kwargs)


class FrozenRecord(models.Model):
    """Written while its release is being cut; refused once it exists or the release is sealed."""

    objects = FrozenQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        sealed = Release.objects.filter(pk=self.release_id).sealed().exists()
        if self.pk is not None or sealed:
            raise ReleaseFrozenError(_("已发行的版本不可修改或删除。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ReleaseFrozenError(_("已发行的版本不可修改或删除。"))


class ReleaseContent(FrozenRecord):
    """A release as it was at its cut: the exact bytes of its downloads, their digests, and
    the change feed's position, so a mirror can start from the release and follow the feed."""

    release = models.OneToOneField(Release, on_delete=models.PROTECT, related_name="content")
    json_bytes = models.BinaryField()
    json_sha256 = models.CharField(max_length=64)
    json_size = models.PositiveBigIntegerField()
    csv_bytes = models.BinaryField()
    csv_sha256 = models.CharField(max_length=64)
    csv_size = models.PositiveBigIntegerField()
    # The `seq` of the last public workflow event committed before the cut.
    feed_seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("发行版内容")
        verbose_name_plural = _("发行版内容")

    def __str__(self) -> str:
        return f"{self.release_id}: {self.json_sha256}"


class ReleaseFactor(FrozenRecord):
    """What `?release=` answers for one pinned version: its API document, frozen at the cut
    (names, codes, sources as they were then; status "published", as it was)."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="frozen_factors")
    version = models.ForeignKey(FactorVersion, on_delete=models.PROTECT, related_name="+")
    document = models.TextField()

    class Meta:
        verbose_name = _("发行版因子")
        verbose_name_plural = _("发行版因子")
        constraints = [
            models.UniqueConstraint(fields=["release", "version"], name="release_factor_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.release_id}: {self.version_id}"


class ReleasePackage(FrozenRecord):
    """The release's files described as a Frictionless Data Package (datapackage.json), frozen
    at the cut with its own digest (factordb/services/datapackage.py)."""

    release = models.OneToOneField(Release, on_delete=models.PROTECT, related_name="package")
    body = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()

    class Meta:
        verbose_name = _("发行版数据包描述")
        verbose_name_plural = _("发行版数据包描述")

    def __str__(self) -> str:
        return f"{self.release_id}: {self.sha256}"
