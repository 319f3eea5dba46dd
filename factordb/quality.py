"""What each data-quality score means: one wording for every page that explains a score.

The five indicators are those of the pedigree matrix (Weidema & Wesnaes 1996, as ecoinvent
uses it; factordb.constants.QUALITY_INDICATORS), each scored 1 (best) to 5. The seed's
reliability grades (factordb/seed/quality_grades.csv) follow the same scale: a value read on
two independent reprints of the official text is a 2, a single third-party copy a 4.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SCORES = (1, 2, 3, 4, 5)

SCORE_MEANINGS: dict[str, dict[int, Promise]] = {
    "dq_reliability": {
        1: _("经核实的实测数据"),
        2: _("部分基于假设的核实数据，或未经核实的实测数据"),
        3: _("部分基于合格估算的未核实数据"),
        4: _("合格估算（如行业专家估计）"),
        5: _("不合格的估算"),
    },
    "dq_completeness": {
        1: _("覆盖相关市场全部场所、时间足以平抑正常波动的代表性数据"),
        2: _("覆盖相关市场过半场所、时间足够的代表性数据"),
        3: _("仅覆盖少数场所，或覆盖过半场所但时间较短的代表性数据"),
        4: _("仅来自一个场所，或来自少数场所且时间较短的数据"),
        5: _("代表性未知，或来自少数场所且时间较短的数据"),
    },
    "dq_temporal": {
        1: _("与所研究时段相差不到 3 年"),
        2: _("相差不到 6 年"),
        3: _("相差不到 10 年"),
        4: _("相差不到 15 年"),
        5: _("数据年代未知或相差超过 15 年"),
    },
    "dq_geographical": {
        1: _("来自所研究地区的数据"),
        2: _("包含所研究地区的更大区域的平均数据"),
        3: _("来自生产条件相似地区的数据"),
        4: _("来自生产条件略为相似地区的数据"),
        5: _("来自未知地区或生产条件明显不同地区的数据"),
    },
    "dq_technological": {
        1: _("来自所研究的企业、工艺和材料的数据"),
        2: _("来自所研究的工艺和材料（相同技术）但不同企业的数据"),
        3: _("来自所研究的工艺和材料但技术不同的数据"),
        4: _("来自相关工艺或材料的数据"),
        5: _("来自实验室规模的相关工艺或不同技术的数据"),
    },
}

def score_meaning(indicator: str, score: int) -> Promise | None:
    """What `score` means for `indicator` (a FactorVersion field name), or None if unknown."""
    return SCORE_MEANINGS.get(indicator, {}).get(score)
