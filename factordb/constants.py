"""Controlled vocabularies of the domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FactorStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    IN_REVIEW = "in_review", _("评审中")
    CHANGES_REQUESTED = "changes_requested", _("需修改")
    APPROVED = "approved", _("已批准")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被取代")
    WITHDRAWN = "withdrawn", _("已撤回")
    REJECTED = "rejected", _("已驳回")


# A published version may still move on to one of these, and nothing else may change.
STATUSES_AFTER_PUBLICATION = (FactorStatus.SUPERSEDED, FactorStatus.WITHDRAWN)
# States whose content is frozen: they are (or were) the public record.
FROZEN_STATUSES = (FactorStatus.PUBLISHED, *STATUSES_AFTER_PUBLICATION)


class RegionKind(models.TextChoices):
    WORLD = "world", _("全球")
    COUNTRY = "country", _("国家")
    GRID = "grid", _("区域电网")
    PROVINCE = "province", _("省级")


class LifecycleBoundary(models.TextChoices):
    COMBUSTION = "combustion", _("燃烧排放")
    PROCESS = "process", _("工艺过程排放")
    CRADLE_TO_GATE = "cradle_to_gate", _("从摇篮到大门")
    CRADLE_TO_GRAVE = "cradle_to_grave", _("从摇篮到坟墓")
    GATE_TO_GATE = "gate_to_gate", _("从大门到大门")
    WELL_TO_WHEEL = "well_to_wheel", _("从油井到车轮")
    GRID_CONSUMPTION = "grid_consumption", _("电网用电（间接排放）")
    # Electricity's life cycle, all gases (carbon footprint): a different quantity from the
    # grid's direct CO2 above, so never a stand-in for it, nor it for this.
    LIFE_CYCLE = "life_cycle", _("全生命周期（碳足迹）")


class Methodology(models.TextChoices):
    GBT_24067_2024 = "GB/T 24067-2024", "GB/T 24067-2024"
    ISO_14067 = "ISO 14067:2018", "ISO 14067:2018"
    IPCC_2006 = "IPCC 2006", _("IPCC 2006 国家温室气体清单指南")
    CN_ENTERPRISE_GUIDELINES = "CN-GHG-GUIDELINES", _("中国企业温室气体排放核算方法与报告指南")
    GBT_51366_2019 = "GB/T 51366-2019", _("GB/T 51366-2019 建筑碳排放计算标准")
    MEE_GRID_FACTORS = "MEE-GRID", _("生态环境部 电力二氧化碳排放因子")
    MEE_ELECTRICITY_FOOTPRINT = "MEE-ELEC-FOOTPRINT", _("生态环境部 电力碳足迹因子")
    # Factors imported from the Open Emission Factors Database: each row keeps its original
    # publisher's method (BEIS, EPA, ADEME…), which OEFDB names but does not describe.
    OEFDB = "OEFDB", _("Climatiq 开放排放因子数据库（OEFDB）")


class UncertaintyDistribution(models.TextChoices):
    NONE = "", _("未说明")
    NORMAL = "normal", _("正态分布")
    LOGNORMAL = "lognormal", _("对数正态分布")
    TRIANGULAR = "triangular", _("三角分布")
    UNIFORM = "uniform", _("均匀分布")


class GasOrigin(models.TextChoices):
    FOSSIL = "fossil", _("化石")
    BIOGENIC = "biogenic", _("生物源")
    NOT_APPLICABLE = "", _("不区分")


# Pedigree-matrix data-quality indicators (Weidema & Wesnaes), each scored 1 (best) to 5.
QUALITY_INDICATORS = (
    "dq_reliability",
    "dq_completeness",
    "dq_temporal",
    "dq_geographical",
    "dq_technological",
)
