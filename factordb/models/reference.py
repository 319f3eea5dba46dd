"""Reference data: edited rarely, by staff, always audited."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from factordb import units
from factordb.constants import GasOrigin, RegionKind

from .reviewed import ReviewedTextMixin
from .stable import StableCodeMixin

# Full-width ASCII forms (！ to ～) and the ideographic space, as Chinese input methods type them.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def normal_unit_name(text: str) -> str:
    """A unit name as it is stored and compared: trimmed, full-width ASCII folded to ASCII.

    Deliberately not NFKC, which would also fold superscripts (10⁴ → 104, m³ → m3) and so
    make different units' names meet; m³ and m3 are both listed instead (ADR 0021)."""
    return text.translate(_FULL_WIDTH).strip()


code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
    _("代码只能包含字母、数字、点、下划线和连字符。"),
)


class NamedMixin(models.Model):
    """Bilingual names: Chinese is the authoritative one, English for international users."""

    name_zh = models.CharField(_("中文名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


class TreeQuerySet(models.QuerySet):
    def descendants_of(self, node) -> "TreeQuerySet":
        """The node and everything below it, found by its materialised path."""
        return self.filter(path__startswith=node.path)


class TreeMixin(models.Model):
    """A tree with a materialised path so that 'this and everything below' is one query."""

    path = models.CharField(_("路径"), max_length=500, editable=False, db_index=True)

    objects = TreeQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        old_path = type(self).objects.filter(pk=self.pk).values_list("path", flat=True).first()
        self.path = self.compute_path()
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            self._move_descendants(old_path)

    def clean(self) -> None:
        super().clean()
        if self.parent_id and self.pk and f"/{self.code}/" in self.parent.path:
            raise ValidationError({"parent": _("上级节点不能是自身或其下级节点。")})

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.code}/"

    def _move_descendants(self, old_path: str) -> None:
        # A renamed or re-parented node carries its whole subtree to the new path.
        type(self).objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
            path=Concat(Value(self.path), Substr("path", len(old_path) + 1)),
        )

    def ancestors(self) -> list:
        """From this node up to the root, nearest first (the fallback chain)."""
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class Category(StableCodeMixin, TreeMixin, NamedMixin):
    STABLE_FIELDS = ("code", "parent")

    code = models.CharField(_("代码"), max_length=100, unique=True, validators=[code_validator])
    parent = models.ForeignKey(
        "self", verbose_name=_("上级类别"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    description = models.TextField(_("说明"), blank=True)
    activity_dimension = models.CharField(
        _("活动数据量纲"), max_length=30, blank=True,
        choices=units.DIMENSION_CHOICES,
        help_text=_("此类别下因子的活动单位必须属于该量纲（如电力为 energy）。留空则不限。"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("类别")
        verbose_name_plural = _("类别")
        ordering = ["path"]


class Region(StableCodeMixin, TreeMixin, NamedMixin):
    STABLE_FIELDS = ("code", "parent")

    code = models.CharField(_("代码"), max_length=50, unique=True, validators=[code_validator])
    kind = models.CharField(_("类型"), max_length=20, choices=RegionKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("回退上级地区"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
        help_text=_("找不到本地区因子时，依次回退到的上级地区（省 → 区域电网 → 全国 → 全球）。"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("地区")
        verbose_name_plural = _("地区")
        ordering = ["path"]


class Unit(StableCodeMixin, NamedMixin):
    STABLE_FIELDS = ("code", "pint_expression", "dimension")

    code = models.CharField(_("代码"), max_length=50, unique=True)
    symbol = models.CharField(_("符号"), max_length=50)
    pint_expression = models.CharField(
        _("pint 表达式"), max_length=100,
        help_text=_("换算所用的 pint 单位表达式，例如 kWh、t、10^4 * Nm3、t*km。"),
    )
    dimension = models.CharField(
        _("量纲"), max_length=30, choices=units.DIMENSION_CHOICES,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["dimension", "code"]

    def __str__(self) -> str:
        return self.symbol

    def clean(self) -> None:
        super().clean()
        try:
            actual = units.dimension_name(self.pint_expression)
        except units.UnitError as exc:
            raise ValidationError({"pint_expression": str(exc)}) from exc
        if self.dimension and actual != self.dimension:
            raise ValidationError({"dimension": _(
                "单位 %(unit)s 的量纲是 %(actual)s，不是 %(declared)s。"
            ) % {"unit": self.pint_expression, "actual": actual, "declared": self.dimension}})
        self._refuse_names_of_other_units()

    def _refuse_names_of_other_units(self) -> None:
        # A code or symbol that is already another unit's alias would make the name ambiguous.
        errors = {}
        for name in ("code", "symbol"):
            taken = (UnitAlias.objects.filter(alias=normal_unit_name(getattr(self, name)))
                     .exclude(unit_id=self.pk).select_related("unit").first())
            if taken is not None:
                errors[name] = _("“%(name)s”已是单位 %(unit)s 的别名。") % {
                    "name": taken.alias, "unit": taken.unit.code}
        if errors:
            raise ValidationError(errors)


class UnitAlias(models.Model):
    """Another name people write for a unit (千瓦时, 度 for kWh): looked up, never parsed.

    Stored in its normal form (normal_unit_name); an alias names exactly one unit, so it may
    be neither another alias nor any unit's code or symbol."""

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(_("别名"), max_length=50, unique=True,
                             help_text=_("人们书写该单位的另一名称，如“千瓦时”“度”。区分大小写；全角字母按半角比较。"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")
        ordering = ["alias"]

    def __str__(self) -> str:
        return self.alias

    def save(self, *args, **kwargs) -> None:
        # Checked here too, not only in clean(): a name two units answer to must never be stored.
        self._refuse_ambiguity()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        self._refuse_ambiguity()

    def _refuse_ambiguity(self) -> None:
        self.alias = normal_unit_name(self.alias)
        if not self.alias or not self.alias.isprintable():
            raise ValidationError({"alias": _("别名须为可打印的文字，不能为空。")})
        clash = Unit.objects.filter(models.Q(code=self.alias) | models.Q(symbol=self.alias)).first()
        if clash is not None:
            raise ValidationError({"alias": _("“%(alias)s”已是单位 %(unit)s 的代码或符号，不能作为别名。") % {
                "alias": self.alias, "unit": clash.code}})


class Source(ReviewedTextMixin):
    """A citable publication that values come from."""

    # What an import file names a source by (docs/import-format.md): short and stable.
    code = models.CharField(_("代码"), max_length=100, unique=True, validators=[code_validator])
    title = models.CharField(_("标题"), max_length=500)
    publisher = models.CharField(_("发布机构"), max_length=300)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("年份"))
    url = models.URLField(_("网址"), max_length=500, blank=True)
    document_id = models.CharField(_("文号/标识"), max_length=200, blank=True)
    licence = models.CharField(_("许可"), max_length=200, blank=True)
    language = models.CharField(_("语言"), max_length=20, default="zh")
    verification_note = models.TextField(
        _("核验说明"), blank=True,
        help_text=_("数值如何核验：官方原件、转载、第三方整理等。"),
    )
    history = HistoricalRecords()

    # Every field the public reads of a citation (the versions' `sources` and `sources/`):
    # once a public version cites the source, changed only by a recorded correction.
    REVIEWED_FIELDS = ("code", "title", "publisher", "published_on", "year", "url", "document_id", "licence",
                       "language", "verification_note")
    PUBLIC_VERSION_STATUS = "versionsource__version__status"

    class Meta:
        verbose_name = _("来源")
        verbose_name_plural = _("来源")
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(fields=["title", "publisher", "year"], name="source_unique_citation"),
        ]

    def __str__(self) -> str:
        return f"{self.publisher}: {self.title} ({self.year})"


class Dataset(StableCodeMixin, NamedMixin):
    """A family of factors published together under one authority."""

    STABLE_FIELDS = ("code", "authority_rank")

    code = models.CharField(_("代码"), max_length=50, unique=True, validators=[code_validator])
    publisher = models.CharField(_("发布机构"), max_length=300)
    authority_rank = models.PositiveSmallIntegerField(
        _("权威等级"), validators=[MinValueValidator(1)],
        help_text=_("1 为最高（国家官方发布）；多个候选因子时优先等级高者。"),
    )
    description = models.TextField(_("说明"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("数据集")
        verbose_name_plural = _("数据集")
        ordering = ["authority_rank", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(authority_rank__gte=1), name="dataset_authority_rank_positive",
            ),
        ]


class Gas(NamedMixin):
    code = models.CharField(_("代码"), max_length=30, unique=True, validators=[code_validator])
    formula = models.CharField(_("化学式"), max_length=50)
    origin = models.CharField(_("来源类型"), max_length=10, choices=GasOrigin.choices, blank=True)
    counts_in_co2e = models.BooleanField(
        _("计入 CO2e 合计"), default=True,
        help_text=_("生物源 CO2 单独报告，不计入合计（GB/T 24067-2024）。"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("温室气体")
        verbose_name_plural = _("温室气体")
        ordering = ["code"]


class GwpSet(models.Model):
    """Global warming potentials of one IPCC assessment report, over one time horizon."""

    code = models.CharField(_("代码"), max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(_("名称"), max_length=200)
    horizon_years = models.PositiveSmallIntegerField(_("时间范围（年）"), default=100)
    source = models.ForeignKey(Source, verbose_name=_("来源"), on_delete=models.PROTECT)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("GWP 值集")
        verbose_name_plural = _("GWP 值集")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class GwpValue(models.Model):
    gwp_set = models.ForeignKey(GwpSet, on_delete=models.PROTECT, related_name="values")
    gas = models.ForeignKey(Gas, verbose_name=_("气体"), on_delete=models.PROTECT)
    value = models.DecimalField(_("GWP"), max_digits=12, decimal_places=3)
    source = models.ForeignKey(
        Source, verbose_name=_("来源"), null=True, blank=True, on_delete=models.PROTECT,
        help_text=_("仅当该值出自与值集不同的表时填写（如 AR6 化石/非化石 CH4，见 AR6 WGI 表 7.15）。"),
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("GWP 值")
        verbose_name_plural = _("GWP 值")
        constraints = [
            models.UniqueConstraint(fields=["gwp_set", "gas"], name="gwp_value_unique_gas"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="gwp_value_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.gwp_set.code} {self.gas.code} = {self.value}"
