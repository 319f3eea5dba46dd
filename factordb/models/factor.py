"""Factors (stable identities) and their versions (the reviewed content)."""

import secrets

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from factordb.constants import (
    FROZEN_STATUSES,
    QUALITY_INDICATORS,
    STATUSES_AFTER_PUBLICATION,
    FactorStatus,
    LifecycleBoundary,
    Methodology,
    UncertaintyDistribution,
)
from factordb.derivation import validate_derivation

from .reference import Category, Dataset, Gas, GwpSet, Region, Source, Unit
from .reviewed import ReviewedTextMixin

# Crockford base32 without ambiguous letters: safe in URLs, file names and on the phone.
PUBLIC_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PUBLIC_ID_LENGTH = 10


def new_public_id() -> str:
    return "EF" + "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(PUBLIC_ID_LENGTH))


class PublishedVersionError(ValidationError):
    """An attempt to change or delete the content of a published version."""


class Factor(ReviewedTextMixin):
    """The stable identity a calculator cites for years; its content lives in versions."""

    public_id = models.CharField(
        _("公开编号"), max_length=20, unique=True, default=new_public_id, editable=False,
        validators=[RegexValidator(r"^[A-Z0-9]+$")],
    )
    dataset = models.ForeignKey(Dataset, verbose_name=_("数据集"), on_delete=models.PROTECT)
    category = models.ForeignKey(Category, verbose_name=_("类别"), on_delete=models.PROTECT)
    region = models.ForeignKey(Region, verbose_name=_("地区"), on_delete=models.PROTECT)
    unit = models.ForeignKey(Unit, verbose_name=_("活动单位"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(
        _("基准年"), validators=[MinValueValidator(1990), MaxValueValidator(2100)],
    )
    boundary = models.CharField(_("生命周期边界"), max_length=30, choices=LifecycleBoundary.choices)
    method = models.CharField(_("方法学"), max_length=40, choices=Methodology.choices)
    name_zh = models.CharField(_("中文名称"), max_length=300)
    name_en = models.CharField(_("英文名称"), max_length=300)
    tags = models.JSONField(_("标签"), default=list, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("排放因子")
        verbose_name_plural = _("排放因子")
        ordering = ["category__path", "region__path", "-year"]
        indexes = [
            # Resolution and the list filters look factors up by category, region and year.
            models.Index(fields=["category", "region", "year"], name="factor_category_region_year"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "category", "region", "unit", "year", "boundary", "method"],
                name="factor_unique_identity",
                violation_error_message=_("同一数据集中已存在相同类别、地区、单位、年份、边界和方法的因子。"),
            ),
        ]

    # What a calculator's reference means: fixed once any version has been public.
    IDENTITY_FIELDS = ("dataset", "category", "region", "unit", "year", "boundary", "method")
    # What the public reads with every published version: changed only by a recorded correction.
    REVIEWED_FIELDS = ("name_zh", "name_en")
    PUBLIC_VERSION_STATUS = "versions__status"

    def __str__(self) -> str:
        return f"{self.public_id} {self.name_zh} ({self.year})"

    def save(self, *args, **kwargs) -> None:
        if self.pk and self.has_public_record:
            self._refuse_identity_change()
        super().save(*args, **kwargs)

    @property
    def has_public_record(self) -> bool:
        return self.is_public_record

    def _refuse_identity_change(self) -> None:
        stored = type(self).objects.get(pk=self.pk)
        changed = [name for name in self.IDENTITY_FIELDS
                   if getattr(stored, self._meta.get_field(name).attname)
                   != getattr(self, self._meta.get_field(name).attname)]
        if changed:
            raise PublishedVersionError(
                _("该因子已有发布版本，其标识（%(fields)s）不可更改；请新建因子。")
                % {"fields": ", ".join(changed)}
            )

    def clean(self) -> None:
        super().clean()
        if self.pk and self.has_public_record:
            try:
                self._refuse_identity_change()
            except PublishedVersionError as exc:
                raise ValidationError({NON_FIELD_ERRORS: exc.messages}) from exc
        if not (self.category_id and self.unit_id):
            return
        expected = self.category.activity_dimension
        if expected and self.unit.dimension != expected:
            raise ValidationError({"unit": _(
                "类别“%(category)s”的活动单位须为 %(expected)s 量纲，%(unit)s 是 %(actual)s。"
            ) % {"category": self.category.name_zh, "expected": expected,
                 "unit": self.unit.symbol, "actual": self.unit.dimension}})


class FactorVersionQuerySet(models.QuerySet):
    def published(self) -> "FactorVersionQuerySet":
        return self.filter(status=FactorStatus.PUBLISHED)

    def update(self, **kwargs) -> int:
        # Bulk updates bypass save(), so they get the same guard: frozen rows stay as they are.
        if self.filter(status__in=FROZEN_STATUSES).exists():
            raise PublishedVersionError(_("已发布的版本不可修改；请创建新版本。"))
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.filter(status__in=FROZEN_STATUSES).exists():
            raise PublishedVersionError(_("已发布的版本不可删除。"))
        return super().delete()


quality_validators = [MinValueValidator(1), MaxValueValidator(5)]


class FactorVersion(models.Model):
    """One reviewed state of a factor's content. Frozen once published."""

    factor = models.ForeignKey(Factor, verbose_name=_("因子"), on_delete=models.PROTECT,
                               related_name="versions")
    version = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(
        _("状态"), max_length=20, choices=FactorStatus.choices, default=FactorStatus.DRAFT,
    )
    co2e_total = models.DecimalField(
        _("CO2e 合计（kg/活动单位）"), max_digits=20, decimal_places=8,
        help_text=_("来源所声明的合计值，按所注明的 GWP 值集计算。"),
    )
    gwp_set = models.ForeignKey(GwpSet, verbose_name=_("GWP 值集"), on_delete=models.PROTECT)
    biogenic_co2 = models.DecimalField(
        _("生物源 CO2（kg/活动单位）"), max_digits=20, decimal_places=8, null=True, blank=True,
        help_text=_("单独报告，不计入 CO2e 合计。"),
    )
    is_removal = models.BooleanField(
        _("为清除（负排放）"), default=False,
        help_text=_("仅当该因子表示碳清除时，数值才允许为负。"),
    )
    uncertainty_distribution = models.CharField(
        _("不确定性分布"), max_length=20, choices=UncertaintyDistribution.choices, blank=True,
    )
    uncertainty_low_pct = models.DecimalField(
        _("95% 区间下限（%）"), max_digits=7, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    uncertainty_high_pct = models.DecimalField(
        _("95% 区间上限（%）"), max_digits=7, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )
    uncertainty_gsd = models.DecimalField(
        _("几何标准差 GSD"), max_digits=8, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(1)],
    )
    dq_reliability = models.PositiveSmallIntegerField(_("可靠性"), validators=quality_validators)
    dq_completeness = models.PositiveSmallIntegerField(_("完整性"), validators=quality_validators)
    dq_temporal = models.PositiveSmallIntegerField(_("时间代表性"), validators=quality_validators)
    dq_geographical = models.PositiveSmallIntegerField(_("地理代表性"), validators=quality_validators)
    dq_technological = models.PositiveSmallIntegerField(_("技术代表性"), validators=quality_validators)
    quality_note = models.TextField(_("数据质量说明"), blank=True)
    derivation = models.JSONField(
        _("推导参数"), default=dict, blank=True,
        help_text=_("推导值的参数与公式，例如燃料：低位发热量 × 单位热值含碳量 × 碳氧化率 × 44/12。"),
    )
    notes_zh = models.TextField(_("中文备注"), blank=True)
    notes_en = models.TextField(_("英文备注"), blank=True)
    valid_from = models.DateField(_("适用起始日"), null=True, blank=True)
    valid_to = models.DateField(_("适用截止日"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("作者"), on_delete=models.PROTECT,
        related_name="authored_versions",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("失效时间"), null=True, blank=True)
    scheduled_publication_at = models.DateTimeField(_("计划发布时间"), null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("计划发布人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    review_round = models.PositiveSmallIntegerField(_("评审轮次"), default=0, editable=False)
    # Optimistic locking: every save must present the revision it was loaded with.
    revision = models.PositiveIntegerField(_("修订号"), default=1)
    history = HistoricalRecords()

    objects = FactorVersionQuerySet.as_manager()

    # Fields that may still change on a published row: its move to superseded/withdrawn.
    _MUTABLE_AFTER_PUBLICATION = frozenset({"status", "superseded_at", "updated_at", "revision"})

    class Meta:
        verbose_name = _("因子版本")
        verbose_name_plural = _("因子版本")
        ordering = ["factor", "-version"]
        indexes = [
            # as_of reads (published by then, not ended by then) over every version.
            models.Index(fields=["published_at"], name="factor_version_published_at"),
            models.Index(fields=["superseded_at"], name="factor_version_superseded_at"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["factor", "version"], name="factor_version_unique_number"),
            models.UniqueConstraint(
                fields=["factor"], condition=models.Q(status=FactorStatus.PUBLISHED),
                name="factor_version_one_published",
                violation_error_message=_("每个因子同时只能有一个已发布版本。"),
            ),
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{field}__gte": 1, f"{field}__lte": 5}),
                    name=f"factor_version_{field}_1_to_5",
                    violation_error_message=_("数据质量指标须在 1 到 5 之间。"),
                )
                for field in QUALITY_INDICATORS
            ],
            models.CheckConstraint(
                condition=models.Q(co2e_total__gte=0) | models.Q(is_removal=True),
                name="factor_version_co2e_non_negative_unless_removal",
                violation_error_message=_("CO2e 合计不能为负，除非该版本声明为清除。"),
            ),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True) | models.Q(valid_to__isnull=True)
                | models.Q(valid_from__lt=models.F("valid_to")),
                name="factor_version_valid_from_before_valid_to",
                violation_error_message=_("适用起始日须早于适用截止日。"),
            ),
            models.CheckConstraint(
                condition=models.Q(uncertainty_gsd__isnull=True) | models.Q(uncertainty_gsd__gte=1),
                name="factor_version_gsd_at_least_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.factor.public_id} v{self.version} ({self.get_status_display()})"

    def save(self, *args, **kwargs) -> None:
        self._check_derivation()
        if self.pk:
            self._refuse_change_to_frozen_content()
            self._claim_next_revision()
        super().save(*args, **kwargs)
        # Breakdown rows carry the removal flag so the database can check their sign.
        self.gas_amounts.exclude(is_removal=self.is_removal).update(is_removal=self.is_removal)

    def delete(self, *args, **kwargs):
        stored_status = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
        if stored_status in FROZEN_STATUSES:
            raise PublishedVersionError(_("已发布的版本不可删除。"))
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.valid_from and self.valid_to and self.valid_from >= self.valid_to:
            raise ValidationError({"valid_to": _("适用截止日须晚于适用起始日。")})
        if self.co2e_total is not None and self.co2e_total < 0 and not self.is_removal:
            raise ValidationError({"co2e_total": _("CO2e 合计不能为负，除非该版本声明为清除。")})
        if self.pk and not self.is_removal and self.gas_amounts.filter(amount__lt=0).exists():
            raise ValidationError({"is_removal": _("分气体排放量中有负值，只有清除才允许。")})
        self._check_derivation()

    def _check_derivation(self) -> None:
        # A derivation stored before the schema existed stays as it is: the version may still
        # move through the workflow, and only a new or changed derivation must fit.
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).values_list("derivation", flat=True).first()
            if stored == self.derivation:
                return
        validate_derivation(self.derivation)

    @property
    def is_editable(self) -> bool:
        return self.status in (FactorStatus.DRAFT, FactorStatus.CHANGES_REQUESTED)

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    def is_stale(self, revision: int) -> bool:
        """Whether someone saved this version since it was loaded at `revision`."""
        stored = type(self).objects.filter(pk=self.pk).values_list("revision", flat=True).first()
        return stored is not None and stored != revision

    def _claim_next_revision(self) -> None:
        # Compare-and-set on the row: of two editors who loaded the same revision, the
        # second finds it gone and is refused instead of silently overwriting the first.
        claimed = models.QuerySet.update(
            type(self).objects.filter(pk=self.pk, revision=self.revision), revision=self.revision + 1,
        )
        if not claimed:
            from factordb.errors import EditConflict

            raise EditConflict(_("此版本在您打开之后已被他人保存；您的修改未保存，请比较后重新提交。"))
        self.revision += 1

    def _refuse_change_to_frozen_content(self) -> None:
        stored = type(self).objects.filter(pk=self.pk).first()
        if stored is None or stored.status not in FROZEN_STATUSES:
            return
        changed = {
            field.attname for field in self._meta.concrete_fields
            if getattr(stored, field.attname) != getattr(self, field.attname)
        }
        leaving_publication = (
            stored.status == FactorStatus.PUBLISHED and self.status in STATUSES_AFTER_PUBLICATION
        )
        if changed - self._MUTABLE_AFTER_PUBLICATION or ("status" in changed and not leaving_publication):
            raise PublishedVersionError(
                _("已发布的版本不可修改（%(fields)s）；请创建新版本。")
                % {"fields": ", ".join(sorted(changed))}
            )


class VersionPartMixin(models.Model):
    """A row that belongs to a version's content, and so freezes with it."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self._refuse_change_to_frozen_version()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_change_to_frozen_version()
        return super().delete(*args, **kwargs)

    def _refuse_change_to_frozen_version(self) -> None:
        status = FactorVersion.objects.filter(pk=self.version_id).values_list("status", flat=True).first()
        if status in FROZEN_STATUSES:
            raise PublishedVersionError(_("已发布版本的内容（分气体数据、来源）不可修改。"))


class GasAmount(VersionPartMixin):
    """kg of one gas emitted per activity unit, as part of a version's breakdown."""

    version = models.ForeignKey(FactorVersion, on_delete=models.CASCADE, related_name="gas_amounts")
    gas = models.ForeignKey(Gas, verbose_name=_("气体"), on_delete=models.PROTECT)
    amount = models.DecimalField(_("数量（kg/活动单位）"), max_digits=20, decimal_places=10)
    # Copied from the version on save so the database itself can refuse negative amounts.
    is_removal = models.BooleanField(default=False, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("分气体排放量")
        verbose_name_plural = _("分气体排放量")
        ordering = ["gas__code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "gas"], name="gas_amount_unique_gas"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0) | models.Q(is_removal=True),
                name="gas_amount_non_negative_unless_removal",
                violation_error_message=_("排放量不能为负，除非该版本声明为清除。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gas.code}: {self.amount}"

    def save(self, *args, **kwargs) -> None:
        self.is_removal = self.version.is_removal
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.amount is not None and self.amount < 0 and not self.version.is_removal:
            raise ValidationError({"amount": _("排放量不能为负，除非该版本声明为清除。")})


class VersionSource(VersionPartMixin):
    """A source a version's values come from, with where in it."""

    version = models.ForeignKey(FactorVersion, on_delete=models.CASCADE, related_name="version_sources")
    source = models.ForeignKey(Source, verbose_name=_("来源"), on_delete=models.PROTECT)
    locator = models.CharField(_("出处位置"), max_length=300, blank=True,
                               help_text=_("表号、页码或条目，例如 Table 1.4。"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("版本来源")
        verbose_name_plural = _("版本来源")
        constraints = [
            models.UniqueConstraint(fields=["version", "source"], name="version_source_unique"),
        ]

    def __str__(self) -> str:
        return str(self.source)
