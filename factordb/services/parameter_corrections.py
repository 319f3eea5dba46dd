"""A corrected derivation parameter, carried into every factor computed from it, as one change set.

When a parameter (a coal's net calorific value from a standard, say) turns out wrong, every
factor whose derivation cites it is found (services.derivation_usage), its results and total
recomputed by the platform, and a draft written for each: a new revision of a published
factor, or the factor's own draft corrected in place. The drafts then go through review
together, as one change set whose reason the editor states. All or nothing: one factor that
cannot be redrafted (its version is on the road, or its values cannot be recomputed) refuses
the whole correction, naming it.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Role, require_role
from factordb.constants import FactorStatus
from factordb.models import ChangeSet
from factordb.services import change_sets, editing
from factordb.services.derivation_usage import Recomputation, parameter_uses, recompute


@dataclass(frozen=True)
class ParameterCorrection:
    """Which parameter (by name, and where given the value, unit and source it has now), and
    what it becomes."""

    name: str
    corrected_value: Decimal
    value: Decimal | None = None
    unit: str | None = None
    source: str | None = None
    corrected_unit: str | None = None
    corrected_source: str | None = None


def _label(recomputation: Recomputation) -> str:
    version = recomputation.use.version
    return f"{version.factor.public_id} v{version.version}"


def plan(correction: ParameterCorrection) -> list[Recomputation]:
    """What the correction would write, per factor, or a ValidationError naming every factor
    that stands in its way. Writes nothing."""
    uses = parameter_uses(correction.name, value=correction.value, unit=correction.unit,
                          source=correction.source)
    if not uses:
        raise ValidationError({"name": _("没有因子的推导引用此参数。")})
    recomputations = [recompute(use, correction.name, correction.corrected_value,
                                unit=correction.corrected_unit, source=correction.corrected_source)
                      for use in uses]
    problems = []
    for again in recomputations:
        version = again.use.version
        if again.problem or again.recomputed_total is None:
            problems.append(f"{_label(again)}: {again.problem}")
        elif version.status not in (FactorStatus.PUBLISHED, FactorStatus.DRAFT):
            problems.append(_("%(version)s 正在评审流程中（%(state)s），须先完成或退回。") % {
                "version": _label(again), "state": version.get_status_display()})
        elif version.status == FactorStatus.DRAFT and change_sets.open_set_of(version) is not None:
            problems.append(_("%(version)s 已属于变更集 %(set)s。") % {
                "version": _label(again), "set": change_sets.open_set_of(version)})
    if problems:
        raise ValidationError({"name": problems})
    return recomputations


@transaction.atomic
def parameter_correction_redraft(*, correction: ParameterCorrection, actor, title: str,
                                 description: str) -> ChangeSet:
    """A draft with the recomputed values for every factor citing the parameter, as one change set."""
    require_role(actor, Role.EDITOR)
    drafts = []
    for again in plan(correction):
        version = again.use.version
        draft = (editing.factor_version_start_revision(factor=version.factor, actor=actor)
                 if version.status == FactorStatus.PUBLISHED else version)
        drafts.append(editing.factor_version_update_draft(
            version=draft, actor=actor, revision=draft.revision,
            changes={"derivation": again.derivation, "co2e_total": again.recomputed_total},
            gas_amounts=again.amounts))
    return change_sets.change_set_create(actor=actor, title=title, description=description, versions=drafts)
